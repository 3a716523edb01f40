"""Reads of the metrics app: the index for a scope and a period, from the stored facts (fast) or
from scratch (the live history; the reference the facts are tested against), who may see what,
and the dossiers behind a number (drill-down)."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.constants import Role
from accounts.selectors import user_roles
from agencies.constants import AgencyLevel
from agencies.models import Agency
from agencies.selectors import staff_memberships, working_calendar
from dossiers.models import Dossier
from helpdesk.constants import OPEN_REPORT_STATUSES, SATISFIED_FROM, ReportStatus
from helpdesk.models import FieldReport
from helpdesk.selectors import indicator_raw_data
from metrics import indicators
from metrics.constants import CARRIED, COUNTERS, SUMS
from metrics.facts import add_into, sum_by_agency
from metrics.models import DailyFact, DossierFact
from metrics.periods import Period
from metrics.sources import iter_facts
from metrics.transparency import PublishedParts, publicised_on_time, published_on_time
from payments.selectors import online_payment_available
from procedures.constants import OnlineLevel
from procedures.models import DocumentRequirement, FeeRule, Procedure, ProcedureChannel
from procedures.selectors import online_share_province

# --- who may see the dashboards -------------------------------------------------------------

LEADER_ROLES = frozenset({Role.AGENCY_HEAD, Role.ONESTOP_SUPERVISOR, Role.SYSTEM_ADMIN})


@dataclass(frozen=True)
class Scope:
    """The agencies a viewer's figures cover; `agency_ids is None` means the whole province."""

    agency_ids: tuple[int, ...] | None

    @property
    def is_province(self) -> bool:
        return self.agency_ids is None

    def allows(self, agency_id: int | None) -> bool:
        return self.agency_ids is None or agency_id in self.agency_ids


def viewer_scope(user: Any) -> Scope:
    """Leaders only: a province-level one-stop supervisor or a system administrator sees the whole
    province; an agency head or a commune supervisor sees their own agencies. Others: 403."""

    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    if user.is_superuser or Role.SYSTEM_ADMIN in user_roles(user=user):
        return Scope(None)
    memberships = [
        m for m in staff_memberships(user) if m.role in (Role.AGENCY_HEAD, Role.ONESTOP_SUPERVISOR)
    ]
    if not memberships:
        raise PermissionDenied
    if any(
        m.role == Role.ONESTOP_SUPERVISOR and m.agency.level == AgencyLevel.PROVINCE
        for m in memberships
    ):
        return Scope(None)
    return Scope(tuple(sorted({m.agency_id for m in memberships})))


# --- counters from the stored facts (the fast path) --------------------------------------------


def _annotated(at: dt.datetime) -> QuerySet[DossierFact]:
    """Facts with `e` (the end judged at `at`), `eff` (end less the citizen's supplement time,
    or the request of a still-open single supplement) and `done` (completed before `at`)."""
    at_value = Value(at, output_field=DateTimeField())
    qs = DossierFact.objects.annotate(
        e=Case(
            When(end_at__lt=at, then=F("end_at")), default=at_value, output_field=DateTimeField()
        )
    )
    return qs.annotate(
        eff=Case(
            When(
                Q(supp1_start__isnull=False, supp1_start__lt=F("e"))
                & (Q(supp1_end__isnull=True) | Q(supp1_end__gte=F("e"))),
                then=F("supp1_start"),
            ),
            When(
                supp1_start__isnull=False,
                supp1_end__isnull=False,
                supp1_end__lt=F("e"),
                then=ExpressionWrapper(
                    F("e") - (F("supp1_end") - F("supp1_start")), output_field=DateTimeField()
                ),
            ),
            default=F("e"),
            output_field=DateTimeField(),
        )
    )


def counter_filters(at: dt.datetime) -> dict[str, Q]:
    """Each counter of `COUNTERS` as a filter on `_annotated(at)` — the SQL twin of
    `metrics.facts.contributions` (a test checks they agree)."""
    done = Q(completed_at__isnull=False, completed_at__lt=at)
    result_due = Q(result_positive=True) & done
    missing_e_result = result_due & Q(e_result=False)
    online = Q(channel_code=2)
    on_time = ~Q(supp2_at__isnull=False, supp2_at__lt=F("e")) & (
        Q(due_ref__isnull=True) | Q(eff__lte=F("due_ref"))
    )
    return {
        "received": Q(),
        "on_time": on_time,
        "completed": done,
        "completed_wd_n": done & Q(processing_wd__isnull=False),
        "online": online,
        "counter": Q(channel_code=1),
        "postal": Q(channel_code=3),
        "online_e_result": online & result_due & Q(e_result=True),
        "result_expected": result_due,
        "e_result": result_due & Q(e_result=True),
        "digitised": Q(digitised=True) & ~missing_e_result,
        "reused": Q(reused=True),
        "from_store": Q(from_store=True),
        "vneid": Q(vneid=True, individual=True),
        "individual": Q(individual=True),
        "fee_bearing": Q(fee_bearing=True),
        "paid_online": Q(fee_bearing=True, paid_online=True),
        "disliked": Q(disliked=True),
        "civil_servant": Q(civil_servant=True),
        "civil_servant_online": Q(civil_servant=True) & online,
        "overdue_open": ~Q(end_at__isnull=False, end_at__lt=at) & ~on_time,
        "open_on_time": ~Q(end_at__isnull=False, end_at__lt=at) & on_time,
        "rated": Q(rated=True),
    }


def _facts_in(period: Period, scope: Scope, at: dt.datetime) -> QuerySet[DossierFact]:
    qs = _annotated(at).filter(received_at__gte=period.start, received_at__lt=period.end)
    if scope.agency_ids is not None:
        qs = qs.filter(agency_id__in=scope.agency_ids)
    return qs


# An instant after every real one: a dossier's contributions judged then are its final ones.
FAR_FUTURE = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


def aggregates(filters: dict[str, Q]) -> dict[str, Any]:
    """The counters as SQL aggregates over `_annotated(at)`. Aliases are prefixed: several
    counters share their name with a boolean column."""
    out: dict[str, Any] = {
        f"n_{name}": Count("pk", filter=q) if name != "received" else Count("pk")
        for name, q in filters.items()
    }
    out["n_completed_wd_sum"] = Coalesce(
        Sum("processing_wd", filter=filters["completed"]),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    return out


def unprefixed(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k[2:]: v for k, v in row.items() if k.startswith("n_")}


def month_start(at: dt.datetime) -> dt.datetime:
    local = timezone.localtime(at)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def counts_from_facts(
    *, period: Period, scope: Scope, at: dt.datetime | None = None
) -> dict[int | None, dict[str, Any]]:
    """Counters per agency, judged at `at`: dossiers that ended before the month of `at` began
    are summed from `DailyFact` (their contributions can no longer change); the others (open, or
    ended since) are judged from `DossierFact`. Two grouped queries."""
    at = at or period.evaluation_instant()
    boundary = month_start(at)
    out: dict[int | None, dict[str, Any]] = {}
    daily = DailyFact.objects.filter(
        received_on__gte=period.first_day,
        received_on__lte=period.last_day,
        end_month__lt=boundary.date(),
    )
    if scope.agency_ids is not None:
        daily = daily.filter(agency_id__in=scope.agency_ids)
    sums = {f"n_{name}": Sum(name) for name in (*COUNTERS, *SUMS)}
    for row in daily.values("agency_id").annotate(**sums).order_by():
        add_into(out.setdefault(row["agency_id"], {}), unprefixed(row))
    live = _facts_in(period, scope, at).filter(Q(end_at__isnull=True) | Q(end_at__gte=boundary))
    for row in live.values("agency_id").annotate(**aggregates(counter_filters(at))).order_by():
        add_into(out.setdefault(row["agency_id"], {}), unprefixed(row))
    for agency_id, carried in carried_counts(period=period, scope=scope, at=at).items():
        add_into(out.setdefault(agency_id, {}), carried)
    return out


def carried_counts(
    *, period: Period, scope: Scope, at: dt.datetime
) -> dict[int | None, dict[str, int]]:
    """2.1's dossiers carried over: received before the period, ended in it (by `at`) — the SQL
    twin of `metrics.facts.is_carried_over` / `carried_contributions`."""
    qs = _annotated(at).filter(
        received_at__lt=period.start, end_at__gte=period.start, end_at__lt=min(period.end, at)
    )
    if scope.agency_ids is not None:
        qs = qs.filter(agency_id__in=scope.agency_ids)
    rows = (
        qs.values("agency_id")
        .annotate(
            carried=Count("pk"), carried_on_time=Count("pk", filter=counter_filters(at)["on_time"])
        )
        .order_by()
    )
    return {
        row["agency_id"]: {"carried": row["carried"], "carried_on_time": row["carried_on_time"]}
        for row in rows
    }


def counts_from_scratch(
    *, period: Period, scope: Scope, at: dt.datetime | None = None
) -> dict[int | None, dict[str, Any]]:
    """The same counters computed from the live dossiers and their history (slow; the reference)."""
    at = at or period.evaluation_instant()
    dossiers = Dossier.objects.filter(received_at__isnull=False)
    if scope.agency_ids is not None:
        dossiers = dossiers.filter(
            Q(competent_agency_id__in=scope.agency_ids)
            | Q(competent_agency__isnull=True, receiving_agency_id__in=scope.agency_ids)
        )
    # No date filter here: the first reception is read from the history (a supplement restarts
    # `received_at`), so every received dossier is looked at.
    return sum_by_agency(iter_facts(dossiers), at, period.start, period.end)


def total(
    counts: dict[int | None, dict[str, Any]], agency_ids: Collection[int] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = dict.fromkeys((*COUNTERS, *SUMS, *CARRIED), 0)
    for agency_id, row in counts.items():
        if agency_ids is None or agency_id in agency_ids:
            add_into(out, row)
    return out


# --- inputs that do not come from the dossier facts ----------------------------------------------


def catalogue_counts() -> dict[str, int]:
    """3.1, 3.5 and the plan's full-online share: the current catalogue (province and commune)."""

    share = online_share_province()
    local = Procedure.objects.filter(Q(at_province=True) | Q(at_commune=True))
    fee_bearing = set(
        FeeRule.objects.filter(amount_vnd__gt=0, procedure__in=local).values_list(
            "procedure_id", flat=True
        )
    ) | set(
        ProcedureChannel.objects.filter(fee_vnd__gt=0, procedure__in=local).values_list(
            "procedure_id", flat=True
        )
    )
    fee_online: set[int] = set()
    if online_payment_available():
        fee_online = set(
            FeeRule.objects.filter(
                Q(channel="") | Q(channel="online"), amount_vnd__gt=0, procedure__in=local
            ).values_list("procedure_id", flat=True)
        ) | set(
            ProcedureChannel.objects.filter(
                channel="online", fee_vnd__gt=0, procedure__in=local
            ).values_list("procedure_id", flat=True)
        )
    return {
        "procedures": share.total,
        "online": share.full + share.partial,
        "online_full": share.full,
        "fee_bearing": len(fee_bearing),
        "fee_online": len(fee_online & fee_bearing),
    }


def transparency_counts(*, period: Period) -> dict[str, int]:
    """1.1–1.3 from the province's catalogue (province and commune procedures).

    1.1 and 1.2 judge the procedures whose publication decision falls in the period; 1.3 every
    procedure currently published (`metrics.transparency`)."""

    calendar = working_calendar()
    local = Procedure.objects.filter(Q(at_province=True) | Q(at_commune=True))
    decided = local.filter(
        publication_decided_on__gte=period.first_day, publication_decided_on__lte=period.last_day
    ).values_list("publication_decided_on", "legal_basis_effective_on", "publicised_on")
    published = on_time = publicised = 0
    for decided_on, effective_on, publicised_on in decided:
        if decided_on is None:  # excluded by the filter; for the type checker
            continue
        published += 1
        on_time += published_on_time(
            decided_on=decided_on, effective_on=effective_on, calendar=calendar
        )
        publicised += publicised_on_time(
            decided_on=decided_on, publicised_on=publicised_on, calendar=calendar
        )
    today = timezone.localdate()
    current = local.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today)).annotate(
        has_channel=Exists(ProcedureChannel.objects.filter(procedure=OuterRef("pk"))),
        has_time=Exists(
            ProcedureChannel.objects.filter(procedure=OuterRef("pk"), time_value__isnull=False)
        ),
        has_documents=Exists(DocumentRequirement.objects.filter(procedure=OuterRef("pk"))),
        has_applicants=Exists(
            Procedure.applicant_types.through.objects.filter(procedure_id=OuterRef("pk"))
        ),
    )
    complete = total_current = 0
    for row in current.values(
        "name",
        "steps",
        "documents_raw_text",
        "implementing_agency_name",
        "competent_agency_name",
        "receipt_cutoff",
        "has_channel",
        "has_time",
        "has_documents",
        "has_applicants",
    ):
        total_current += 1
        parts = PublishedParts(
            name=bool(row["name"]),
            steps=bool(row["steps"]),
            method=row["has_channel"],
            documents=row["has_documents"] or bool(row["documents_raw_text"]),
            deadline=row["has_time"] or row["receipt_cutoff"] is not None,
            applicants=row["has_applicants"],
            agency=bool(row["implementing_agency_name"] or row["competent_agency_name"]),
        )
        complete += parts.complete
    return {
        "published": published,
        "published_on_time": on_time,
        "publicised_on_time": publicised,
        "current": total_current,
        "complete": complete,
    }


def online_services_with_dossiers(*, period: Period, scope: Scope) -> tuple[int, int]:
    """3.2: online services that received at least one online dossier ÷ online services (of the
    province; for an agency, the online services it received any dossier for). One query: an
    index probe per online service (`metrics_fact_online_idx`), not a scan of the period."""

    services = Procedure.objects.exclude(online_level=OnlineLevel.NONE).filter(
        Q(at_province=True) | Q(at_commune=True)
    )
    facts = DossierFact.objects.filter(
        procedure_code=OuterRef("code"), received_at__gte=period.start, received_at__lt=period.end
    )
    if scope.agency_ids is not None:
        facts = facts.filter(agency_id__in=scope.agency_ids)
        services = services.filter(Exists(facts))
    counts = services.annotate(has_online=Exists(facts.filter(channel_code=2))).aggregate(
        total=Count("pk"), with_online=Count("pk", filter=Q(has_online=True))
    )
    return counts["with_online"], counts["total"]


def helpdesk_counts(*, period: Period, scope: Scope) -> dict[str, Any]:
    """5.2 and 5.3 from the complaints (PAKN) received in the period."""

    if scope.agency_ids is None:
        raw = indicator_raw_data(since=period.start, until=period.end)
        return {
            "total": raw["reports_total"],
            "closed": raw["reports_closed"],
            "closed_on_time": raw["reports_closed_on_time"],
            "unhappy": raw["reports_unsatisfied_reopened_or_overdue"],
            "by_category": raw["reports_by_category"],
        }
    reports = FieldReport.objects.filter(
        received_at__gte=period.start,
        received_at__lt=period.end,
        assigned_agency_id__in=scope.agency_ids,
    ).exclude(status=ReportStatus.MERGED)
    by_category = dict(
        reports.values_list("category")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("category", "n")
    )
    closed = reports.filter(status__in=[ReportStatus.REFUSED, ReportStatus.PUBLISHED])
    late_open = Q(status__in=OPEN_REPORT_STATUSES, process_due_at__lt=period.end)
    return {
        "total": reports.count(),
        "closed": closed.count(),
        "closed_on_time": closed.filter(was_overdue=False).count(),
        "unhappy": reports.filter(
            Q(rating__lt=SATISFIED_FROM) | Q(reopen_count__gt=0) | Q(was_overdue=True) | late_open
        ).count(),
        "by_category": by_category,
    }


def sync_value(*, period: Period, scope: Scope) -> indicators.Value | None:
    """1.4 from `integrations.selectors.sync_rate` when that app provides it; None otherwise.

    Accepts a ratio, a (synced, total) pair, a mapping or an object with numerator/denominator."""
    try:
        # Local import: optional: the import itself is the check.
        from integrations import selectors as integration_selectors
    except ImportError:
        return None
    sync_rate = getattr(integration_selectors, "sync_rate", None)
    if sync_rate is None:
        return None
    params = inspect.signature(sync_rate).parameters
    kwargs: dict[str, Any] = {}
    for name, value in (
        ("since", period.start),
        ("until", period.end),
        ("start", period.start),
        ("end", period.end),
        ("agency_ids", None if scope.agency_ids is None else list(scope.agency_ids)),
    ):
        if name in params:
            kwargs[name] = value
    result = sync_rate(**kwargs)
    if result is None:
        return None
    if isinstance(result, tuple | list) and len(result) == 2:
        return indicators.share("1.4", result[0], result[1])
    if isinstance(result, dict):
        num = result.get("synced", result.get("numerator"))
        den = result.get("total", result.get("denominator"))
        if num is not None or den is not None:
            return indicators.share("1.4", num, den)
        result = result.get("ratio", result.get("rate"))
    for num_attr, den_attr in (
        ("numerator", "denominator"),
        ("synced", "received"),
        ("synced", "total"),
    ):
        if hasattr(result, num_attr) and hasattr(result, den_attr):
            return indicators.share("1.4", getattr(result, num_attr), getattr(result, den_attr))
    if hasattr(result, "ratio"):
        result = result.ratio
    if result is None:
        return indicators.Value("1.4", None, None, None)
    ratio = Decimal(str(result))
    if ratio > 1:  # a percent
        ratio = ratio / 100
    return indicators.Value("1.4", None, None, ratio.quantize(Decimal("0.0001")))


# --- the index ----------------------------------------------------------------------------------


@dataclass
class AgencyRow:
    agency: Agency
    counts: dict[str, Any]
    values: dict[str, indicators.Value]


@dataclass
class IndexResult:
    period: Period
    scope: Scope
    at: dt.datetime
    counts: dict[str, Any]
    values: dict[str, indicators.Value]
    groups: list[indicators.GroupScore]
    score: Decimal | None
    agencies: list[AgencyRow] = field(default_factory=list)
    levels: dict[str, dict[str, indicators.Value]] = field(default_factory=dict)


def index_for(
    *,
    period: Period,
    scope: Scope,
    source: str = "facts",
    at: dt.datetime | None = None,
    per_agency: bool = True,
) -> IndexResult:
    """The index of `scope` for `period`, with a row per agency and per level."""
    at = at or period.evaluation_instant()
    counter = counts_from_facts if source == "facts" else counts_from_scratch
    counts = counter(period=period, scope=scope, at=at)
    totals = total(counts)
    catalogue = catalogue_counts() if scope.is_province else {}
    values = indicators.compute(
        indicators.Inputs(
            counts=totals,
            sync=sync_value(period=period, scope=scope),
            catalogue=catalogue,
            transparency=transparency_counts(period=period) if scope.is_province else None,
            online_services=online_services_with_dossiers(period=period, scope=scope),
            helpdesk=helpdesk_counts(period=period, scope=scope),
        )
    )
    groups = indicators.group_scores(values)
    result = IndexResult(
        period=period,
        scope=scope,
        at=at,
        counts=totals,
        values=values,
        groups=groups,
        score=indicators.total_score(groups),
    )
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=[k for k in counts if k is not None])}
    if per_agency:
        for agency_id, row in sorted(
            counts.items(), key=lambda kv: agencies[kv[0]].name if kv[0] in agencies else ""
        ):
            if agency_id not in agencies:
                continue
            result.agencies.append(
                AgencyRow(
                    agencies[agency_id],
                    row,
                    indicators.compute(indicators.Inputs(counts=row)),
                )
            )
    for level in (AgencyLevel.PROVINCE, AgencyLevel.COMMUNE):
        ids = {pk for pk, a in agencies.items() if a.level == level}
        result.levels[level] = indicators.compute(indicators.Inputs(counts=total(counts, ids)))
    return result
