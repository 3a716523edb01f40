"""Writes of the metrics app: keeping `DossierFact` current (the index's aggregate store)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from dossiers.models import Dossier, DossierEvent
from helpdesk.models import DossierRating, FieldReport
from metrics.constants import FACTS_VERSION_KEY
from metrics.facts import Facts, chunks
from metrics.models import DailyFact, DossierFact, RefreshState
from metrics.selectors import FAR_FUTURE, _annotated, aggregates, counter_filters, unprefixed
from metrics.sources import iter_facts
from payments.models import Payment

# Rows changed a little before the last run are looked at again (clock skew, long transactions).
REFRESH_OVERLAP = dt.timedelta(minutes=15)
_FACT_FIELDS = [f.name for f in dataclasses.fields(Facts) if f.name not in {"extra", "dossier_id"}]


def _row(f: Facts) -> DossierFact:
    values = {name: getattr(f, name) for name in _FACT_FIELDS}
    return DossierFact(dossier_id=f.dossier_id, **values)


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@transaction.atomic
def daily_rebuild(*, days: set[dt.date] | None = None) -> int:
    """Re-sums `DailyFact` from `DossierFact` for the reception `days` (all days when None):
    each dossier's final contributions, grouped by (day, agency, month it ended)."""

    local = timezone.get_default_timezone()
    day_groups: list[list[dt.date] | None] = [None]
    if days is not None:
        day_groups = [sorted(days)[i : i + 50] for i in range(0, len(days), 50)]
    made = 0
    for group in day_groups:
        facts = _annotated(FAR_FUTURE)
        stale = DailyFact.objects.all()
        if group is not None:
            where = Q()
            for day in group:
                where |= Q(
                    received_at__gte=_midnight(day),
                    received_at__lt=_midnight(day + dt.timedelta(days=1)),
                )
            facts = facts.filter(where)
            stale = stale.filter(received_on__in=group)
        stale.delete()
        rows = (
            facts.annotate(
                day=TruncDate("received_at", tzinfo=local),
                month=TruncMonth("end_at", tzinfo=local),
            )
            .values("day", "agency_id", "month")
            .annotate(**aggregates(counter_filters(FAR_FUTURE)))
            .order_by()
        )
        objects = [
            DailyFact(
                received_on=row["day"],
                agency_id=row["agency_id"],
                end_month=_local_day(row["month"]) if row["month"] is not None else None,
                **unprefixed(row),
            )
            for row in rows
        ]
        DailyFact.objects.bulk_create(objects, batch_size=2000)
        made += len(objects)
    return made


@transaction.atomic
def facts_store(*, dossier_ids: list[int], daily: bool = True) -> int:
    """Recomputes the facts of `dossier_ids` from their history (and, with `daily`, the daily
    sums of the days they were received); returns how many fact rows were written."""
    stored = 0
    days: set[dt.date] = set()
    for chunk in chunks(dossier_ids, 2000):
        rows = [_row(f) for f in iter_facts(Dossier.objects.filter(pk__in=chunk))]
        old = DossierFact.objects.filter(dossier_id__in=chunk)
        days.update(_local_day(at) for at in old.values_list("received_at", flat=True))
        old.delete()
        DossierFact.objects.bulk_create(rows, batch_size=1000)
        days.update(_local_day(row.received_at) for row in rows)
        stored += len(rows)
    if daily and days:
        daily_rebuild(days=days)
    return stored


def _changed_since(since: dt.datetime, last_event_id: int) -> set[int]:

    ids = set(
        Dossier.objects.filter(received_at__isnull=False, updated_at__gte=since).values_list(
            "pk", flat=True
        )
    )
    ids.update(
        DossierEvent.objects.filter(pk__gt=last_event_id).values_list("dossier_id", flat=True)
    )
    ids.update(Payment.objects.filter(updated_at__gte=since).values_list("dossier_id", flat=True))
    ids.update(
        DossierRating.objects.filter(updated_at__gte=since).values_list("dossier_id", flat=True)
    )
    codes = FieldReport.objects.filter(Q(updated_at__gte=since) & ~Q(dossier_code="")).values_list(
        "dossier_code", flat=True
    )
    ids.update(Dossier.objects.filter(code__in=list(codes)).values_list("pk", flat=True))
    return ids


def facts_refresh(*, full: bool = False, now: dt.datetime | None = None) -> int:
    """Brings `DossierFact` up to date: every dossier touched since the last run (or all of them
    with `full=True`). Returns the number of dossiers recomputed. Idempotent."""
    now = now or timezone.now()
    state, _ = RefreshState.objects.get_or_create(name="facts")
    last_event_id = DossierEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if full or state.last_run_at is None:
        ids = list(Dossier.objects.filter(received_at__isnull=False).values_list("pk", flat=True))
        DossierFact.objects.filter(dossier__received_at__isnull=True).delete()
    else:
        ids = sorted(_changed_since(state.last_run_at - REFRESH_OVERLAP, state.last_event_id))
    facts_store(dossier_ids=ids, daily=not full)
    if full:
        daily_rebuild()
    RefreshState.objects.filter(pk=state.pk).update(
        last_run_at=now, last_event_id=last_event_id, last_count=len(ids)
    )
    if ids:
        facts_changed()
    return len(ids)


def facts_changed() -> None:
    """Mark the stored facts as changed (after the commit that changed them: Redis is network)."""
    cache.set(FACTS_VERSION_KEY, timezone.now().timestamp(), None)


def facts_on_dossier_event(event_id: int) -> None:
    """`dossiers.hooks.dossier_event_listeners`: recompute the dossier's facts after every event,
    so the dashboards, the public page and the register count the same dossiers at once instead
    of after the next periodic refresh (issue #20). Idempotent; the sweep retries a failure."""
    dossier_id = (
        DossierEvent.objects.filter(pk=event_id).values_list("dossier_id", flat=True).first()
    )
    if dossier_id is None:
        return
    facts_store(dossier_ids=[dossier_id])
    facts_changed()


def facts_nightly(*, now: dt.datetime | None = None) -> int:
    """Nightly: recompute the facts of every dossier still open (their history is the one still
    moving) and re-sum every daily row. Cheaper than a full rebuild on millions of dossiers."""
    ids = list(DossierFact.objects.filter(end_at__isnull=True).values_list("dossier_id", flat=True))
    facts_store(dossier_ids=ids, daily=False)
    daily_rebuild()
    facts_changed()
    return len(ids)
