"""Per-dossier facts behind the QĐ 766 indicators, computed from the dossier's history.

`facts_from()` turns one dossier (its events, components and a few cross-app flags) into a
`Facts` row; `contributions()` says what that row adds to each counter when the period is judged
at instant `P`. Both are pure: the from-scratch computation calls them on live data, the
`DossierFact` table stores `Facts` (so the aggregate path re-implements `contributions()` in SQL,
and a test checks the two agree). The rules are in docs/metrics.md and ADR 0140.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dossiers.constants import (
    CHANNEL_NATIONAL_CODE,
    Channel,
    ComponentSource,
    DossierStatus,
    EventKind,
    ResultDelivery,
    ResultKind,
    component_from_data_store,
    component_reuses_data,
)

S = DossierStatus
# 2.2 counts in working days of the agency's day: 07:00–11:30 and 13:00–17:00 is 8.5 hours
# (agencies.constants.DEFAULT_SESSIONS); the calendar's own day length is used when there is one.
WORKING_DAY_HOURS = Decimal("8.5")
# Supplement states: the citizen's time (QĐ 766 subtracts it).
SUPPLEMENT_OUT = frozenset({S.SUPPLEMENT_SUBMITTED, S.RECEIVED})


@dataclass
class Facts:
    dossier_id: int
    agency_id: int | None
    level: str
    channel_code: int
    procedure_code: str
    time_unit: str
    received_at: dt.datetime
    due_ref: dt.datetime | None = None
    end_at: dt.datetime | None = None
    supp1_start: dt.datetime | None = None
    supp1_end: dt.datetime | None = None
    supp2_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    result_positive: bool = False
    e_result: bool = False
    # 2.2: processing time of a completed dossier, in the procedure's unit and in working days.
    processing_value: Decimal | None = None
    processing_wd: Decimal | None = None
    digitised: bool = False
    reused: bool = False
    from_store: bool = False
    vneid: bool = False
    individual: bool = True
    fee_bearing: bool = False
    paid_online: bool = False
    disliked: bool = False
    civil_servant: bool = False
    rated: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EventRow:
    kind: str
    to_status: str
    at: dt.datetime
    data: Mapping[str, Any]
    from_status: str = ""


@dataclass(frozen=True)
class ComponentRow:
    source: str
    document_uuid: Any
    is_required: bool


@dataclass(frozen=True)
class CrossAppFlags:
    """What other apps know about the dossier (read in batches by `metrics.sources`)."""

    paid_online: bool = False
    disliked: bool = False
    civil_servant: bool = False
    charged: bool = False
    rated: bool = False


def _parse_dt(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def facts_from(
    dossier: Any,
    events: Iterable[EventRow],
    components: Iterable[ComponentRow],
    flags: CrossAppFlags,
    *,
    agency_level: str = "",
    calendar: Any = None,
) -> Facts | None:
    """The facts of one dossier, or None when it was never received (not in any denominator)."""
    transitions = sorted((e for e in events if e.kind == EventKind.TRANSITION), key=lambda e: e.at)
    received = [e for e in transitions if e.to_status == S.RECEIVED]
    if not received:
        return None
    first = received[0]
    due_ref = _parse_dt(first.data.get("due_at")) or dossier.due_at_original or dossier.due_at
    # An extension (Art. 19.6) is a legal new appointment date.
    for event in events:
        if event.kind == EventKind.EXTENDED:
            new_due = _parse_dt(event.data.get("new_due_at") or event.data.get("due_at"))
            if new_due is not None:
                due_ref = new_due
            elif dossier.due_at is not None:
                due_ref = dossier.due_at

    supplements = [
        e for e in transitions if e.to_status == S.SUPPLEMENT_REQUESTED and e.at >= first.at
    ]
    supp1_start = supplements[0].at if supplements else None
    supp2_at = supplements[1].at if len(supplements) > 1 else None
    supp1_end = None
    if supp1_start is not None:
        supp1_end = next(
            (
                e.at
                for e in transitions
                if e.at > supp1_start
                and e.from_status == S.SUPPLEMENT_REQUESTED
                and e.to_status in SUPPLEMENT_OUT
            ),
            None,
        )

    def first_to(*statuses: str) -> dt.datetime | None:
        return next((e.at for e in transitions if e.to_status in statuses), None)

    completed_at = first_to(S.DONE)
    stopped_at = first_to(S.STOPPED)
    end_at = completed_at or first_to(S.RETURNED)
    if end_at is None and stopped_at is not None:
        # A withdrawal that was accepted ends the dossier when the applicant asked for it.
        withdrawal = [
            e.at
            for e in transitions
            if e.to_status == S.WITHDRAWAL_REQUESTED and e.at <= stopped_at
        ]
        end_at = withdrawal[-1] if withdrawal else stopped_at

    components = list(components)
    with_file = [c for c in components if c.document_uuid is not None]
    provided = all(
        c.document_uuid is not None or c.source == ComponentSource.STATE_HOLDS
        for c in components
        if c.is_required
    )
    result_positive = dossier.result_kind == ResultKind.POSITIVE
    e_result = result_positive and dossier.result_document_uuid is not None
    channel = Channel(dossier.channel)

    facts = Facts(
        dossier_id=dossier.pk,
        agency_id=dossier.competent_agency_id or dossier.receiving_agency_id,
        level=agency_level,
        channel_code=CHANNEL_NATIONAL_CODE[channel],
        procedure_code=dossier.procedure_code,
        time_unit=dossier.processing_time_unit or "",
        received_at=first.at,
        due_ref=due_ref,
        end_at=end_at,
        supp1_start=supp1_start,
        supp1_end=supp1_end,
        supp2_at=supp2_at,
        completed_at=completed_at,
        result_positive=result_positive,
        e_result=e_result,
        digitised=bool(with_file) and provided,
        reused=any(component_reuses_data(c.source) for c in components),
        from_store=any(component_from_data_store(c.source) for c in components)
        or (e_result and dossier.result_delivery == ResultDelivery.ELECTRONIC),
        vneid=bool(dossier.vneid_authenticated)
        or any(c.source == ComponentSource.NATIONAL_DATABASE for c in components),
        individual=dossier.organisation_id is None,
        fee_bearing=bool(dossier.fee_vnd) or flags.charged,
        paid_online=flags.paid_online,
        disliked=flags.disliked,
        civil_servant=flags.civil_servant,
        rated=flags.rated or flags.disliked,
    )
    if completed_at is not None:
        facts.processing_value, facts.processing_wd = _processing_time(facts, calendar)
    return facts


def _processing_time(facts: Facts, calendar: Any) -> tuple[Decimal | None, Decimal | None]:
    """2.2: completed − received − the citizen's supplement time, in the unit and in working days."""
    assert facts.completed_at is not None
    start, end = facts.received_at, facts.completed_at
    supp = (
        (facts.supp1_start, facts.supp1_end)
        if facts.supp1_start and facts.supp1_end and facts.supp1_end <= end
        else None
    )
    elapsed = end - start - ((supp[1] - supp[0]) if supp else dt.timedelta(0))
    seconds = Decimal(max(elapsed.total_seconds(), 0))
    working: Decimal | None = None
    day_hours = WORKING_DAY_HOURS
    if calendar is not None:
        worked = calendar.working_time_between(start, end)
        if supp:
            worked -= calendar.working_time_between(*supp)
        working = Decimal(max(worked.total_seconds(), 0)) / 3600
        day_hours = Decimal(calendar.working_day_length().total_seconds()) / 3600
    wd = (working / day_hours).quantize(Decimal("0.01")) if working is not None else None
    unit = facts.time_unit
    if unit == "working_day":
        value = wd
    elif unit == "working_hour":
        value = working.quantize(Decimal("0.01")) if working is not None else None
    elif unit == "hour":
        value = (seconds / 3600).quantize(Decimal("0.01"))
    elif unit == "month":
        value = (seconds / 86400 / 30).quantize(Decimal("0.01"))
    else:  # calendar days, or no unit: days
        value = (seconds / 86400).quantize(Decimal("0.01"))
    return value, wd


def is_on_time(f: Facts, at: dt.datetime) -> bool:
    """QĐ 766 indicator 2.1, judged at instant `at` (the period end, or now).

    The end is the first terminal moment before `at`, else `at` itself. More than one supplement
    request before the end is late; a single supplement still open at the end ends the clock at the
    request; a closed one subtracts the citizen's time. No appointment date: never late.
    """
    end = f.end_at if f.end_at is not None and f.end_at < at else at
    if f.supp2_at is not None and f.supp2_at < end:
        return False
    if (
        f.supp1_start is not None
        and f.supp1_start < end
        and (f.supp1_end is None or f.supp1_end >= end)
    ):
        effective = f.supp1_start
    elif f.supp1_start is not None and f.supp1_end is not None and f.supp1_end < end:
        effective = end - (f.supp1_end - f.supp1_start)
    else:
        effective = end
    return f.due_ref is None or effective <= f.due_ref


def contributions(f: Facts, at: dt.datetime) -> dict[str, Any]:
    """What one dossier adds to each counter of `metrics.constants.COUNTERS`, judged at `at`."""
    completed = f.completed_at is not None and f.completed_at < at
    result_due = f.result_positive and completed
    ended = f.end_at is not None and f.end_at < at
    online = f.channel_code == 2
    on_time = is_on_time(f, at)
    counts: dict[str, Any] = {
        "received": 1,
        "on_time": int(on_time),
        "completed": int(completed),
        "completed_wd_n": int(completed and f.processing_wd is not None),
        "completed_wd_sum": f.processing_wd if completed and f.processing_wd is not None else 0,
        "online": int(online),
        "counter": int(f.channel_code == 1),
        "postal": int(f.channel_code == 3),
        # 3.3: an online dossier counts once its electronic result exists (MaKetQua + the file),
        # not before: one still open has no electronic result yet.
        "online_e_result": int(online and result_due and f.e_result),
        "result_expected": int(result_due),
        "e_result": int(result_due and f.e_result),
        "digitised": int(f.digitised and (not result_due or f.e_result)),
        "reused": int(f.reused),
        "from_store": int(f.from_store),
        "vneid": int(f.vneid and f.individual),
        "individual": int(f.individual),
        "fee_bearing": int(f.fee_bearing),
        "paid_online": int(f.fee_bearing and f.paid_online),
        "disliked": int(f.disliked),
        "civil_servant": int(f.civil_servant),
        "civil_servant_online": int(f.civil_servant and online),
        # Still open at `at` and already late by the 2.1 rule (the heat table's figure).
        "overdue_open": int(not ended and not on_time),
        "open_on_time": int(not ended and on_time),
        "rated": int(f.rated),
    }
    return counts


def add_into(total: dict[str, Any], part: Mapping[str, Any]) -> None:
    for key, value in part.items():
        total[key] = total.get(key, 0) + value


def sum_by_agency(
    facts: Iterable[Facts], at: dt.datetime, since: dt.datetime, until: dt.datetime
) -> dict[int | None, dict[str, Any]]:
    """From-scratch counters per agency for dossiers first received in [since, until), plus the
    2.1 counters of the dossiers carried over from before `since` and ended in the period."""
    out: dict[int | None, dict[str, Any]] = {}
    for f in facts:
        if since <= f.received_at < until:
            add_into(out.setdefault(f.agency_id, {}), contributions(f, at))
        elif is_carried_over(f, at, since, until):
            add_into(out.setdefault(f.agency_id, {}), carried_contributions(f, at))
    return out


def is_carried_over(f: Facts, at: dt.datetime, since: dt.datetime, until: dt.datetime) -> bool:
    """QĐ 766 2.1 counts "hồ sơ tiếp nhận và giải quyết trong kỳ": a dossier received before the
    period (tồn kỳ trước chuyển sang) that ended within it was processed in it too."""
    return f.received_at < since and f.end_at is not None and since <= f.end_at < min(until, at)


def carried_contributions(f: Facts, at: dt.datetime) -> dict[str, Any]:
    return {"carried": 1, "carried_on_time": int(is_on_time(f, at))}


def chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
