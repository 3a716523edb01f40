"""The QĐ 766 index for a whole year and every agency, on the back-office data set (issue #11
item 3: under 2 seconds on 1,000,000 dossiers).

    .venv/bin/python -m bench.bench_metrics_index [--dossiers N] [--repeat R]

Reuses (or builds) the back-office benchmark's data set (`bench.backoffice_data.ensure`), adds
the metrics tables by migrating, and fills `metrics_dossierfact` for every received dossier with
one `INSERT … SELECT` from the dossier columns (the generated set has no supplement rounds or
ratings, so those facts are drawn at random with a fixed seed; the periodic task computes them
from the history in a live system). Then it times `metrics.selectors.index_for` for the busiest
year, all agencies, R times, and reports the median; the stored-facts query alone is shown too.
The equality of the stored facts with the computation from scratch is a test
(metrics/tests/test_aggregate_equality.py), not a benchmark.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from bench.harness import Figure, report

TARGET_SECONDS = 2.0

FILL = """
TRUNCATE metrics_dossierfact;
SELECT setseed(0.766);
INSERT INTO metrics_dossierfact (
    dossier_id, agency_id, level, channel_code, procedure_code, time_unit, received_at, due_ref,
    end_at, supp1_start, supp1_end, supp2_at, completed_at, result_positive, e_result,
    processing_value, processing_wd, digitised, reused, from_store, vneid, individual,
    fee_bearing, paid_online, disliked, civil_servant, rated, computed_at
)
SELECT d.id,
       COALESCE(d.competent_agency_id, d.receiving_agency_id),
       COALESCE(a.level, ''),
       CASE d.channel WHEN 'counter' THEN 1 WHEN 'postal' THEN 3 ELSE 2 END,
       d.procedure_code,
       d.processing_time_unit,
       d.received_at,
       COALESCE(d.due_at_original, d.due_at),
       COALESCE(d.completed_at, d.closed_at),
       d.supplement_requested_at,
       CASE WHEN d.supplement_requested_at IS NOT NULL AND random() < 0.7
            THEN d.supplement_requested_at + interval '3 days' END,
       CASE WHEN d.supplement_requested_at IS NOT NULL AND random() < 0.1
            THEN d.supplement_requested_at + interval '5 days' END,
       d.completed_at,
       d.result_kind <> 'negative',
       d.result_document_uuid IS NOT NULL OR random() < 0.6,
       round((extract(epoch FROM d.completed_at - d.received_at) / 86400)::numeric, 2),
       round((extract(epoch FROM d.completed_at - d.received_at) / 86400 * 5 / 7)::numeric, 2),
       random() < 0.8, random() < 0.3, random() < 0.2, d.vneid_authenticated OR random() < 0.4,
       d.organisation_id IS NULL, COALESCE(d.fee_vnd, 0) > 0 OR random() < 0.3,
       random() < 0.2, random() < 0.02, random() < 0.01, random() < 0.3, now()
  FROM dossiers_dossier d
  LEFT JOIN agencies_agency a ON a.id = COALESCE(d.competent_agency_id, d.receiving_agency_id)
 WHERE d.received_at IS NOT NULL;
ANALYZE metrics_dossierfact;
"""


def fill_facts() -> int:
    from django.db import connection

    from dossiers.models import Dossier
    from metrics.models import DailyFact, DossierFact
    from metrics.services import daily_rebuild

    received = Dossier.objects.filter(received_at__isnull=False).count()
    if DossierFact.objects.count() == received and DailyFact.objects.exists():
        print(f"reusing {received:,} stored facts")
        return received
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(FILL)
    print(f"filled {received:,} facts in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    rows = daily_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE metrics_dailyfact")
    print(f"summed them into {rows:,} daily rows in {time.monotonic() - started:.0f} s")
    return received


def busiest_year() -> int:
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from metrics.models import DossierFact

    row = (
        DossierFact.objects.annotate(y=ExtractYear("received_at"))
        .values("y")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return int(row["y"]) if row else 2026


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dossiers", type=int, default=int(os.environ.get("BENCH_DOSSIERS_SET", "1000000"))
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from bench.backoffice_data import django_env, ensure

    url = ensure(args.dossiers)
    os.environ.update(django_env(url))
    import django

    django.setup()
    from metrics import periods
    from metrics.selectors import Scope, counts_from_facts, index_for

    facts = fill_facts()
    year = periods.year(busiest_year())
    province = Scope(None)
    in_year = sum(
        row["received"] for row in counts_from_facts(period=year, scope=province).values()
    )
    print(f"{facts:,} facts; {in_year:,} received in {year.label}")

    def timed(fn) -> float:
        seconds = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            fn()
            seconds.append(time.perf_counter() - started)
        return statistics.median(seconds)

    index_for(period=year, scope=province)  # warm the caches once
    full = timed(lambda: index_for(period=year, scope=province))
    query = timed(lambda: counts_from_facts(period=year, scope=province))
    running = periods.year(time.localtime().tm_year)
    current = timed(lambda: index_for(period=running, scope=province))
    figures = [
        Figure(
            f"QĐ 766 index, {year.label}, all agencies ({in_year:,} dossiers)",
            f"< {TARGET_SECONDS:.0f} s",
            full,
            "s",
            ok=full < TARGET_SECONDS,
            source="metrics",
        ),
        Figure("stored-facts query alone (same period)", "", query, "s", source="metrics"),
        Figure(
            f"QĐ 766 index, {running.label} so far, all agencies",
            f"< {TARGET_SECONDS:.0f} s",
            current,
            "s",
            ok=current < TARGET_SECONDS,
            source="metrics",
        ),
    ]
    for figure in figures:
        print(f"{figure.figure}: {figure.measured:.3f} s")
        report(figure)
    return 0 if full < TARGET_SECONDS and current < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
