"""Breakdowns of the QĐ 766 dashboards: trends month by month, processing times per procedure,
the dossiers behind a number (drill-down) and the overdue heat table, within the viewer's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from dossiers.models import Dossier
from metrics import indicators
from metrics.constants import COUNTERS
from metrics.models import DossierFact
from metrics.periods import Period
from metrics.selectors import (
    Scope,
    _annotated,
    _facts_in,
    counter_filters,
    counts_from_facts,
    total,
    viewer_scope,
)


def trend_for(*, period: Period, scope: Scope, codes: tuple[str, ...]) -> list[dict[str, Any]]:
    """The chosen indicators month by month over the period (for trend lines)."""
    rows = []
    now = timezone.now()
    for month in period.trend():
        if month.start > now:
            break
        counts = total(counts_from_facts(period=month, scope=scope))
        values = indicators.compute(indicators.Inputs(counts=counts))
        rows.append({"period": month, "values": {c: values[c] for c in codes if c in values}})
    return rows


def processing_times(*, period: Period, scope: Scope) -> list[dict[str, Any]]:
    """2.2 per procedure, in the procedure's own unit: completed dossiers received in the period."""
    at = period.evaluation_instant()
    qs = DossierFact.objects.filter(
        received_at__gte=period.start,
        received_at__lt=period.end,
        completed_at__lt=at,
        processing_value__isnull=False,
    )
    if scope.agency_ids is not None:
        qs = qs.filter(agency_id__in=scope.agency_ids)
    rows = (
        qs.values("procedure_code", "time_unit")
        .annotate(n=Count("pk"), total=Sum("processing_value"))
        .order_by("procedure_code", "time_unit")
    )
    names = dict(
        Dossier.objects.filter(procedure_code__in={r["procedure_code"] for r in rows})
        .values_list("procedure_code", "procedure_name")
        .distinct()
    )
    return [
        {
            "procedure_code": r["procedure_code"],
            "procedure_name": names.get(r["procedure_code"], ""),
            "unit": r["time_unit"],
            "count": r["n"],
            "average": (r["total"] / r["n"]).quantize(Decimal("0.01")),
        }
        for r in rows
    ]


# --- drill-down ---------------------------------------------------------------------------------

# What a number on the dashboard can open: a counter, or one of 2.1's own sets, which add the
# dossiers carried over from before the period and ended in it (`metrics.facts.is_carried_over`):
# "handled" (its denominator), "handled_on_time" (its numerator), "late" (the difference).
INDICATOR_2_1 = frozenset({"handled", "handled_on_time", "late"})
DRILLABLE = frozenset({*COUNTERS, *INDICATOR_2_1})


def _fact_ids(period: Period, scope: Scope, at: dt.datetime, counter: str) -> QuerySet[Any]:
    """The dossier ids behind `counter`: exactly the facts the dashboard's number counted."""
    filters = counter_filters(at)
    facts = _facts_in(period, scope, at)
    if counter not in INDICATOR_2_1:
        return facts.filter(filters[counter]).values("dossier_id")
    carried = _annotated(at).filter(
        received_at__lt=period.start, end_at__gte=period.start, end_at__lt=min(period.end, at)
    )
    if scope.agency_ids is not None:
        carried = carried.filter(agency_id__in=scope.agency_ids)
    wanted = {
        "handled": Q(),
        "handled_on_time": filters["on_time"],
        "late": ~filters["on_time"],
    }[counter]
    return (
        facts.filter(wanted).values("dossier_id").union(carried.filter(wanted).values("dossier_id"))
    )


def dossiers_behind(
    *, user: Any, period: Period, counter: str, agency_id: int | None = None
) -> QuerySet[Dossier]:
    """The dossiers a counter counted, within what `user` may see (PermissionDenied otherwise)."""
    scope = viewer_scope(user)
    if counter not in DRILLABLE:
        return Dossier.objects.none()
    if agency_id is not None:
        if not scope.allows(agency_id):
            return Dossier.objects.none()
        scope = Scope((agency_id,))
    at = period.evaluation_instant()
    ids = [row["dossier_id"] for row in _fact_ids(period, scope, at, counter)]
    return Dossier.objects.filter(pk__in=ids).order_by("due_at", "pk")


def overdue_heat(*, scope: Scope, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Open dossiers past their appointment date, per agency (for the heat table)."""
    now = now or timezone.now()
    qs = _annotated(now).filter(counter_filters(now)["overdue_open"])
    if scope.agency_ids is not None:
        qs = qs.filter(agency_id__in=scope.agency_ids)
    rows = qs.values("agency_id", "agency__name").annotate(n=Count("pk")).order_by("-n")
    return [
        {"agency_id": r["agency_id"], "name": r["agency__name"], "overdue": r["n"]} for r in rows
    ]
