"""One officer's actions profiled in process: queries, wall and CPU time, cProfile (issues 17, 20).

    DATABASE_URL=… .venv/bin/python -m bench.profile_office [--dossiers 6] [--profile out.prof]

On a database holding the demo data (`manage.py seed_demo`), it makes `--dossiers` more online
dossiers of the demo's "Đăng ký thường trú" waiting at the centre (as `seed_demo` makes its own),
then the demo reception officer, through Django's test client (the whole middleware stack, MFA
session included), works through each one as `bench.bench_backoffice_actions` does over HTTP:

- accept at intake (Mẫu 01), then the dossier page it redirects to;
- transfer to the Department of Justice (Mẫu 06), then the dossier page.

For every request: its queries (`CaptureQueriesContext`), wall and CPU time of this process (on
SQLite the database's work is in it; on PostgreSQL it is not). Medians are printed per step,
then the queries of the last run of each step grouped by their shape (literals stripped: a shape
repeated per row is an N+1), then cProfile's top functions for the last accept + page.
Forms are queued for the worker (`CELERY_TASK_ALWAYS_EAGER=false`): the officer does not wait
for them. Nothing is sent anywhere but the configured broker.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Step:
    name: str
    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    last_sql: list[str] = field(default_factory=list)
    last_origins: list[str] = field(default_factory=list)


def _shape(sql: str) -> str:
    """A query with its literals and placeholders reduced, so repeats of one query group."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    sql = re.sub(r"\(\s*(\?\s*,\s*)+\?\s*\)", "(…)", sql)
    return sql[:220]


def _make_dossiers(count: int) -> list[Any]:
    from accounts.constants import Role
    from agencies.demo import JUSTICE, SERVICE_CENTRE
    from agencies.selectors import agency_by_code
    from dossiers.constants import Actor
    from dossiers.constants import DossierStatus as S
    from dossiers.demo import _make, _user
    from dossiers.models import Dossier
    from procedures.demo import RESIDENCE_CODE
    from procedures.selectors import procedure_get

    people = {
        "citizen": _user(Role.CITIZEN),
        Actor.RECEPTION_OFFICER: _user(Role.RECEPTION_OFFICER),
        Actor.PROCESSING_OFFICER: _user(Role.PROCESSING_OFFICER),
        Actor.AGENCY_HEAD: _user(Role.AGENCY_HEAD),
        Actor.RECORDS_CLERK: _user(Role.RECORDS_CLERK),
        "centre": agency_by_code(SERVICE_CENTRE),
        "justice": agency_by_code(JUSTICE),
    }
    if None in people.values():
        sys.exit("no demo data here: run `manage.py seed_demo` on this database first")
    procedure = procedure_get(code=RESIDENCE_CODE)
    tag = f"profile-{int(time.time())}"
    for number in range(count):
        _make(f"{tag}-{number}", S.SUBMITTED, f"Người nộp {number}", people, procedure)
    return list(
        Dossier.objects.filter(form_data__demo_key__startswith=tag, status=S.SUBMITTED).order_by(
            "pk"
        )
    )


def _client() -> Any:
    from django.test import Client

    from accounts.constants import Role
    from accounts.tests.factories import login_with_mfa
    from dossiers.demo import _user

    client = Client()
    login_with_mfa(client, _user(Role.RECEPTION_OFFICER))
    return client


def _timed(step: Step, call: Callable[[], Any], profiler: cProfile.Profile | None) -> Any:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _ORIGINS.clear()
    with CaptureQueriesContext(connection) as captured:
        wall, cpu = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        response = call()
        if profiler is not None:
            profiler.disable()
        step.wall_ms.append((time.perf_counter() - wall) * 1000)
        step.cpu_ms.append((time.process_time() - cpu) * 1000)
    step.queries.append(len(captured.captured_queries))
    step.last_sql = [q["sql"] for q in captured.captured_queries]
    step.last_origins = list(_ORIGINS)
    return response


_ORIGINS: list[str] = []


def _origin_recorder(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    """Execute wrapper: where in the project each query comes from (`--trace`)."""
    frames = [
        f"{frame.filename.removeprefix(str(ROOT) + '/')}:{frame.lineno}({frame.name})"
        for frame in traceback.extract_stack()[:-1]
        if frame.filename.startswith(str(ROOT))
        and "/.venv/" not in frame.filename
        and "/bench/" not in frame.filename
    ]
    _ORIGINS.append(" < ".join(reversed(frames[-4:])) + "  ::  " + _shape(sql)[:90])
    return execute(sql, params, many, context)


def run(count: int, profile_path: str | None, top: int, trace: bool) -> None:
    from django.db import connection
    from django.urls import reverse

    from dossiers.constants import ComponentSource

    dossiers = _make_dossiers(count)
    if trace:
        connection.execute_wrappers.append(_origin_recorder)
    client = _client()
    client.get(reverse("office:workspace"))  # imports, template compilation, caches: once
    steps = {
        name: Step(name)
        for name in ("accept (POST)", "page after accept", "transfer (POST)", "page after transfer")
    }
    whole = cProfile.Profile()
    for number, dossier in enumerate(dossiers):
        last = number == len(dossiers) - 1
        profiler = whole if last else None  # one accept and the page after it
        page = reverse("office:detail", kwargs={"uuid": dossier.uuid})
        complete = [
            str(c.uuid)
            for c in dossier.components.all()
            if c.source != ComponentSource.STATE_HOLDS and (c.is_required or c.document_uuid)
        ]
        accept = {"decision": "accept", "expected_status": "submitted", "complete": complete}
        response = _timed(
            steps["accept (POST)"],
            partial(client.post, page + "tiep-nhan/", accept),
            profiler,
        )
        assert response.status_code == 302, (response.status_code, response.content[:400])
        response = _timed(steps["page after accept"], partial(client.get, page), profiler)
        assert response.status_code == 200, response.status_code
        transfer = {
            "to_prefix": "in_process",
            "a-in_process-to": "in_process",
            "a-in_process-role": "reception_officer",
            "a-in_process-expected_status": "received",
        }
        response = _timed(
            steps["transfer (POST)"],
            partial(client.post, page + "thao-tac/", transfer),
            None,
        )
        assert response.status_code == 302, (response.status_code, response.content[:400])
        response = _timed(steps["page after transfer"], partial(client.get, page), None)
        assert response.status_code == 200, response.status_code

    print(f"database: {connection.vendor}; {len(dossiers)} dossiers; load {os.getloadavg()}")
    print(f"{'step':<22}{'queries':>9}{'wall ms (median)':>18}{'CPU ms (median)':>17}")
    for step in steps.values():
        print(
            f"{step.name:<22}{statistics.median(step.queries):>9.0f}"
            f"{statistics.median(step.wall_ms):>18.0f}{statistics.median(step.cpu_ms):>17.0f}"
            f"   (queries per run: {step.queries})"
        )
    for step in steps.values():
        print(f"\n--- {step.name}: {len(step.last_sql)} queries, by shape (last run)")
        for shape, times in Counter(_shape(sql) for sql in step.last_sql).most_common():
            print(f"{times:>3} × {shape}")
        if trace:
            print(f"\n--- {step.name}: where each query comes from (last run)")
            for line in step.last_origins:
                print("  " + line)
    out = io.StringIO()
    stats = pstats.Stats(whole, stream=out)
    if profile_path:
        stats.dump_stats(profile_path)
    stats.sort_stats("cumulative").print_stats(r"^(?!.*(\.venv|/lib/python)).*", top)
    stats.sort_stats("tottime").print_stats(top)
    print(
        "\n--- cProfile of the last accept + its page: the project's functions by cumulative time,"
    )
    print("then every function by its own time")
    print(out.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dossiers", type=int, default=6)
    parser.add_argument("--profile", help="write the cProfile stats of the last accept here")
    parser.add_argument("--top", type=int, default=35, help="cProfile rows to print")
    parser.add_argument("--trace", action="store_true", help="print where each query comes from")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SECURE_SSL_REDIRECT = False
    run(args.dossiers, args.profile, args.top, args.trace)
    return 0


if __name__ == "__main__":
    sys.exit(main())
