"""The dossier's one door: `dossier_transition` is the only way a dossier's status changes.

Views, admin actions, tasks, the API and importers all call it: it locks the row, checks the
table (`dossiers.workflow`), the actor's role and agency, the registered guards and the note,
writes the `DossierEvent`, updates status and timestamps, runs the event's participants in
the same transaction and its listeners after commit (`dossiers.services.events`, ADR 0180). Facts go through `dossier_event_record`.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.calendar import add_period
from dossiers import workflow
from dossiers.codes import dossier_code_issue
from dossiers.constants import (
    APPLICANT_ACTORS,
    CLOCK_PAUSED_STATUSES,
    CORRECTION_WORKING_DAYS,
    RECEPTION_WINDOW_WORKING_HOURS,
    SUPPLEMENT_REPLY_DAYS,
    Actor,
    Channel,
    DossierStatus,
    EventKind,
    ResultKind,
    TimeUnit,
    is_online,
)
from dossiers.integrity import event_append
from dossiers.models import Dossier, DossierEvent
from dossiers.selectors.actors import dossier_actor_agency
from dossiers.services.events import dossier_event_dispatch
from dossiers.workflow import GuardContext, Transition, TransitionNotAllowed

logger = logging.getLogger(__name__)

S = DossierStatus


# --- the transition ------------------------------------------------------------------------------


def _acting_for(
    dossier: Dossier, by: User | None, role: Actor | str, on_behalf_of: User | None
) -> tuple[User | None, dict[str, Any]]:
    """Whom an applicant-side actor acts for, and the mandate it rests on: a helper acting on
    a person's dossier is recorded with the applicant and the mandate, so the history names
    both people whichever step they take (submission, withdrawal, supplement)."""
    if (
        on_behalf_of is not None
        or by is None
        or role not in APPLICANT_ACTORS
        or dossier.organisation_id is not None
        or by.pk == dossier.applicant_id
    ):
        return on_behalf_of, {}
    mandate = (dossier.applicant_data or {}).get("mandate")
    return dossier.applicant, ({"mandate": mandate} if mandate else {})


@transaction.atomic
def dossier_transition(
    *,
    dossier: Dossier,
    to: DossierStatus | str,
    by: User | None,
    role: Actor | str,
    note: str = "",
    form_code: str | None = None,
    on_behalf_of: User | None = None,
    result_kind: ResultKind | str | None = None,
    data: dict[str, Any] | None = None,
    holding_lock: bool = False,
) -> DossierEvent:
    """Move `dossier` to `to` as `by` acting in `role`; returns the event written.

    Raises `TransitionNotAllowed` (an `ApplicationError`) with a translated message when the
    table, the role, the agency, a guard, the note or the result kind refuses. `dossier` is
    refreshed in place; `event.dossier` is the same updated row. `holding_lock`: the caller read
    `dossier` with SELECT … FOR UPDATE in this transaction and saved every change it made, so
    the row in hand is the row (a submission: two reads fewer, ADR 0340).
    """
    locked = dossier if holding_lock else Dossier.objects.select_for_update().get(pk=dossier.pk)
    transition = workflow.get_transition(locked.status, to)
    if not transition.allows(role):
        raise TransitionNotAllowed(
            _("Vai trò “%(role)s” không được thực hiện bước này.") % {"role": _actor_label(role)},
            code="role_not_allowed",
        )
    agency = dossier_actor_agency(dossier=locked, by=by, role=role)
    note = note.strip()
    if transition.note_required and not note:
        raise TransitionNotAllowed(
            _("Bước này cần ghi rõ lý do hoặc nội dung."), code="note_required"
        )
    _apply_result_kind(locked, transition, result_kind)
    if transition.sets_result_kind and locked.result_kind == ResultKind.NEGATIVE and not note:
        # A refusal after appraisal states its reasons (Art. 19.3); Mẫu 03 prints them.
        raise TransitionNotAllowed(
            _("Đề xuất từ chối giải quyết cần ghi rõ lý do."), code="note_required"
        )
    expected_form = transition.form_for(locked.result_kind)
    if form_code and form_code != expected_form:
        raise TransitionNotAllowed(
            _("Bước này không phát hành biểu mẫu %(form)s.") % {"form": form_code},
            code="wrong_form",
        )
    reasons = workflow.check_guards(
        GuardContext(
            dossier=locked, transition=transition, by=by, role=str(role), note=note, data=data or {}
        )
    )
    if reasons:
        raise TransitionNotAllowed(
            " ".join(reasons), code="guard_refused", extra={"reasons": reasons}
        )

    on_behalf_of, mandate = _acting_for(locked, by, role, on_behalf_of)
    now = timezone.now()
    changed = _apply_effects(locked, transition, now)
    if transition.sets_result_kind:
        changed.append("result_kind")
    locked.status = transition.target
    locked.save(update_fields=[*changed, "status", "updated_at"])
    event = event_append(
        dossier=locked,
        kind=EventKind.TRANSITION,
        from_status=transition.source,
        to_status=transition.target,
        actor=by,
        on_behalf_of=on_behalf_of,
        role=role,
        agency=agency,
        note=note,
        form_code=expected_form or "",
        at=now,
        data={**(data or {}), **mandate, **_event_facts(locked, transition)},
    )
    dossier_event_dispatch(event)
    if dossier is not locked:
        dossier.refresh_from_db()
    return event


def _actor_label(role: str) -> str:
    try:
        return str(Actor(role).label)
    except ValueError:
        return role


def _apply_result_kind(dossier: Dossier, transition: Transition, result_kind: str | None) -> None:
    if transition.sets_result_kind:
        if result_kind not in ResultKind.values:
            raise TransitionNotAllowed(
                _("Cần chọn đề xuất giải quyết hay từ chối giải quyết."),
                code="result_kind_required",
            )
        dossier.result_kind = ResultKind(result_kind)
    elif result_kind:
        raise TransitionNotAllowed(
            _("Bước này không xác định loại kết quả."), code="result_kind_not_expected"
        )


def _event_facts(dossier: Dossier, transition: Transition) -> dict[str, Any]:
    """What the event must carry for later readers (sync, forms, the index)."""
    facts: dict[str, Any] = {}
    if transition.target in (S.SUBMITTED, S.RECEIVED) and dossier.code:
        facts["code"] = dossier.code
    if transition.target == S.RECEIVED and dossier.due_at:
        facts["due_at"] = timezone.localtime(dossier.due_at).isoformat()
    if transition.sets_result_kind or transition.target == S.DONE:
        facts["result_kind"] = dossier.result_kind
    return facts


def _apply_effects(dossier: Dossier, transition: Transition, now: dt.datetime) -> list[str]:
    """Timestamps and clock bookkeeping of entering `transition.target`; returns changed fields."""
    source, target = transition.source, transition.target
    changed: list[str] = []

    def put(field: str, value: Any) -> None:
        setattr(dossier, field, value)
        changed.append(field)

    if target == S.SUBMITTED:
        if source == S.DRAFT:
            put("submitted_at", now)
            if not dossier.code:  # a code from the National Portal is kept (§7.3)
                put("code", dossier_code_issue(dossier=dossier, at=now))
        if is_online(dossier.channel):
            put(
                "reception_due_at",
                _add(dossier, now, RECEPTION_WINDOW_WORKING_HOURS, TimeUnit.WORKING_HOUR),
            )
    elif target == S.RECEIVED:
        # The clock starts at reception, and restarts from zero after a supplement (Art. 17.3, 19.5).
        start = _postal_handover_at(dossier, now) if source == S.SUBMITTED else now
        put("received_at", start)
        due = dossier_due_at(dossier=dossier, start=start)
        put("due_at", due)
        put("due_at_original", due)
    elif target == S.SUPPLEMENT_REQUESTED:
        put("supplement_requested_at", now)
        put("supplement_deadline_at", _add(dossier, now, SUPPLEMENT_REPLY_DAYS, TimeUnit.DAY))
    elif target == S.WITHDRAWAL_REQUESTED:
        put("resume_status", source)
    elif target == S.DONE:
        put("completed_at", now)
        if dossier.due_at is not None and now < dossier.due_at:
            # Done before the appointment: the "result ready" notice this transition sends the
            # applicant (services.notices) is the prior notice of an early return (Art. 22.5).
            put("early_return_notified_at", now)
    elif target == S.RETURNED:
        if dossier.returned_at is None:  # the first return counts; a correction is an event
            put("returned_at", now)
        put("closed_at", now)
    elif target in (S.STOPPED, S.REJECTED_AT_INTAKE):
        put("closed_at", now)
    elif target == S.CORRECTION:
        put("closed_at", None)
        # The corrected result is due within 3 working days (Art. 23.1).
        put("correction_due_at", _add(dossier, now, CORRECTION_WORKING_DAYS, TimeUnit.WORKING_DAY))

    if source == S.WITHDRAWAL_REQUESTED:
        put("resume_status", "")
    if target in CLOCK_PAUSED_STATUSES and dossier.clock_paused_at is None:
        put("clock_paused_at", now)
    elif (
        target not in CLOCK_PAUSED_STATUSES
        and target != S.WITHDRAWAL_REQUESTED
        and dossier.clock_paused_at
    ):
        put(
            "paused_seconds",
            dossier.paused_seconds + int((now - dossier.clock_paused_at).total_seconds()),
        )
        put("clock_paused_at", None)
    return changed


def _postal_handover_at(dossier: Dossier, now: dt.datetime) -> dt.datetime:
    """For a dossier sent by post, the time the postal service handed it to the agency is the
    legal reception time (QĐ 45/2016/QĐ-TTg); the postal plugin records it on a HANDOVER event."""
    if dossier.channel != Channel.POSTAL:
        return now
    recorded = (
        DossierEvent.objects.filter(dossier_id=dossier.pk, kind=EventKind.HANDOVER)
        .filter(data__has_key="legal_reception_at")
        .order_by("-pk")
        .values_list("data__legal_reception_at", flat=True)
        .first()
    )
    handed_over = parse_datetime(recorded) if isinstance(recorded, str) else None
    return handed_over if handed_over is not None and handed_over <= now else now


def _add(dossier: Dossier, start: dt.datetime, amount: int | Decimal, unit: str) -> dt.datetime:
    return add_period(start, amount, unit, agency=dossier.competent_agency)


def dossier_due_at(*, dossier: Dossier, start: dt.datetime) -> dt.datetime | None:
    """The legal due moment of a period starting at `start`, from the procedure snapshot.

    Uses the working calendar of the competent agency (holidays, swaps, office hours) and the
    procedure's cut-off (Art. 18.2). None when the procedure states no time (the catalogue
    flags those for review); the back office then sets the date by hand.
    """
    if dossier.processing_time is None or not dossier.processing_time_unit:
        return None
    return add_period(
        start,
        dossier.processing_time,
        dossier.processing_time_unit,
        dossier.processing_cutoff,
        agency=dossier.competent_agency,
    )


# --- facts recorded without a state change ------------------------------------------------------


@transaction.atomic
def dossier_event_record(
    *,
    dossier: Dossier,
    kind: EventKind | str,
    by: User | None,
    role: Actor | str,
    note: str = "",
    form_code: str = "",
    on_behalf_of: User | None = None,
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    """Record a fact on the dossier's history (an extension, a handover, a consultation…).

    Checks the actor like a transition does, but never changes the status: use
    `dossier_transition` for that. Listeners run after commit as for transitions.
    """
    if kind == EventKind.TRANSITION:
        raise TransitionNotAllowed(
            _("Dùng dossier_transition để chuyển trạng thái."), code="use_transition"
        )
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    agency = dossier_actor_agency(dossier=locked, by=by, role=role, routed=True)
    on_behalf_of, mandate = _acting_for(locked, by, role, on_behalf_of)
    data = {**(data or {}), **mandate}
    event = event_append(
        dossier=locked,
        kind=kind,
        actor=by,
        on_behalf_of=on_behalf_of,
        role=role,
        agency=agency,
        note=note.strip(),
        form_code=form_code,
        data=data or {},
    )
    dossier_event_dispatch(event)
    return event
