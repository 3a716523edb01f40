"""The one extension of the return date (NĐ 118/2025 Art. 19.6), decided by the agency head.

The apology letter (Mẫu 04) is the agency's letter: it is signed under "THỦ TRƯỞNG CƠ QUAN" in
the name of whoever records the EXTENDED event, so only an agency head (or the deputy the agency
designates by giving them the agency-head role) records it (ADR 0272). The processing officer
who sees the delay coming proposes it (`extension_propose`); the head approves it — the extension
is then recorded in the head's name — or declines it with a reason (`extension_decide`). The
head may also extend directly (`dossier_extend`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.selectors import working_calendar
from dossiers.constants import (
    EXTEND_ROLES,
    EXTENSION_PROPOSE_ROLES,
    IN_PROCESS_STATUSES,
    Actor,
    DossierStatus,
    EventKind,
    FormCode,
)
from dossiers.models import Dossier, DossierEvent
from dossiers.selectors.actors import dossier_actor_agency
from dossiers.selectors.proposals import extension_proposal_pending
from dossiers.services.notices import _date, _datetime, notify_staff, staff_in
from dossiers.services.transition import dossier_event_record
from dossiers.workflow import TransitionNotAllowed

A = Actor
S = DossierStatus
EXTENDABLE_STATUSES = frozenset({S.RECEIVED, *IN_PROCESS_STATUSES})


def _lock(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def extension_latest_at(*, due_at: dt.datetime, agency: Any) -> dt.datetime:
    """The last moment an extension may be asked: "chậm nhất 01 ngày trước ngày hết hạn" (Art.
    19.6), read as the close of the last working day before the due date's day — never on the
    due date itself, even before the office opens."""
    calendar = working_calendar(agency=agency)
    due_day = timezone.localtime(due_at).date()
    return calendar.end_of_working_day(calendar.previous_working_day(due_day))


def _check_extendable(locked: Dossier, *, new_due_at: dt.datetime, reason: str) -> None:
    """The rules of Art. 19.6 both for a proposal and for the extension itself."""
    if locked.status not in EXTENDABLE_STATUSES or locked.due_at is None:
        raise TransitionNotAllowed(
            _("Chỉ gia hạn được hồ sơ đang giải quyết và đã có ngày hẹn trả."),
            code="not_extendable",
        )
    if locked.extension_count >= 1:
        raise TransitionNotAllowed(
            _(
                "Hồ sơ đã được gia hạn một lần (đến %(due)s). Theo Điều 19.6 Nghị định "
                "118/2025/NĐ-CP, chỉ được hẹn lại ngày trả kết quả một lần."
            )
            % {"due": _datetime(locked.due_at)},
            code="already_extended",
        )
    if not reason:
        raise TransitionNotAllowed(
            _("Cần nêu lý do chậm trễ trong văn bản xin lỗi."), code="note_required"
        )
    if timezone.now() > extension_latest_at(due_at=locked.due_at, agency=locked.competent_agency):
        raise TransitionNotAllowed(
            _(
                "Phải đề nghị gia hạn chậm nhất 01 ngày làm việc trước ngày hẹn trả kết quả "
                "(%(due)s)."
            )
            % {"due": _datetime(locked.due_at)},
            code="too_late_to_extend",
        )
    if new_due_at <= locked.due_at:
        raise TransitionNotAllowed(
            _("Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại."), code="bad_due"
        )


@transaction.atomic
def extension_propose(
    *, dossier: Dossier, by: User, new_due_at: dt.datetime, reason: str
) -> DossierEvent:
    """The processing officer proposes the one extension; the agency's heads are told."""
    reason = reason.strip()
    locked = _lock(dossier)
    role = next(
        (r for r in EXTENSION_PROPOSE_ROLES if _may_act(locked, by, r)),
        None,
    )
    if role is None:
        raise TransitionNotAllowed(
            _("Chỉ chuyên viên xử lý của cơ quan giải quyết được đề xuất gia hạn."),
            code="role_not_allowed",
        )
    _check_extendable(locked, new_due_at=new_due_at, reason=reason)
    if extension_proposal_pending(locked) is not None:
        raise TransitionNotAllowed(
            _("Đã có đề xuất gia hạn đang chờ lãnh đạo cho ý kiến."), code="already_proposed"
        )
    event = dossier_event_record(
        dossier=locked,
        kind=EventKind.EXTENSION_PROPOSED,
        by=by,
        role=role,
        note=reason,
        data={"new_due_at": timezone.localtime(new_due_at).isoformat()},
    )
    notify_staff(
        dossier=locked,
        users=staff_in([locked.competent_agency_id], [A.AGENCY_HEAD]),
        queue_name=_("Đề xuất gia hạn — chờ lãnh đạo phê duyệt"),
    )
    if dossier is not locked:
        dossier.refresh_from_db()
    return event


@transaction.atomic
def extension_decide(*, dossier: Dossier, by: User, approve: bool, note: str = "") -> DossierEvent:
    """The head approves the pending proposal (the extension and Mẫu 04 in the head's name) or
    declines it with a reason; the proposing officer is told either way."""
    locked = _lock(dossier)
    dossier_actor_agency(dossier=locked, by=by, role=A.AGENCY_HEAD)
    proposal = extension_proposal_pending(locked)
    if proposal is None:
        raise TransitionNotAllowed(_("Không có đề xuất gia hạn nào đang chờ."), code="no_proposal")
    proposer = proposal.event.actor
    if approve:
        event = dossier_extend(
            dossier=locked,
            by=by,
            new_due_at=proposal.new_due_at,
            reason=proposal.reason,
            proposal_event_id=proposal.event.pk,
        )
        told = _("Lãnh đạo đã đồng ý gia hạn đến %(due)s") % {"due": _date(proposal.new_due_at)}
    else:
        if not note.strip():
            raise TransitionNotAllowed(
                _("Nêu lý do không đồng ý gia hạn để chuyên viên biết."), code="note_required"
            )
        event = dossier_event_record(
            dossier=locked,
            kind=EventKind.EXTENSION_DECLINED,
            by=by,
            role=A.AGENCY_HEAD,
            note=note,
            data={"proposal_event_id": proposal.event.pk},
        )
        told = _("Lãnh đạo không đồng ý gia hạn")
    if proposer is not None:
        notify_staff(dossier=locked, users=[proposer], queue_name=told)
    if dossier is not locked:
        dossier.refresh_from_db()
    return event


@transaction.atomic
def dossier_extend(
    *,
    dossier: Dossier,
    by: User,
    new_due_at: dt.datetime,
    reason: str,
    role: Actor | str = A.AGENCY_HEAD,
    proposal_event_id: int | None = None,
) -> DossierEvent:
    """Set a new return date, once only, asked at least one working day before the due date;
    records EXTENDED with the apology letter (Mẫu 04, signed in the name of `by`, an agency head)
    and tells the applicant."""
    reason = reason.strip()
    locked = _lock(dossier)
    if role not in EXTEND_ROLES:
        raise TransitionNotAllowed(
            _(
                "Chỉ lãnh đạo cơ quan giải quyết được gia hạn: văn bản xin lỗi (Mẫu 04) do thủ "
                "trưởng cơ quan ký. Chuyên viên đề xuất gia hạn để lãnh đạo phê duyệt."
            ),
            code="role_not_allowed",
        )
    dossier_actor_agency(dossier=locked, by=by, role=role)
    _check_extendable(locked, new_due_at=new_due_at, reason=reason)
    old_due = locked.due_at
    assert old_due is not None  # _check_extendable refuses a dossier without a due date
    locked.due_at = new_due_at
    locked.extension_count += 1
    locked.save(update_fields=["due_at", "extension_count", "updated_at"])
    data: dict[str, Any] = {
        "old_due_at": timezone.localtime(old_due).isoformat(),
        "new_due_at": timezone.localtime(new_due_at).isoformat(),
    }
    if proposal_event_id is not None:
        data["proposal_event_id"] = proposal_event_id
    event = dossier_event_record(
        dossier=locked,
        kind=EventKind.EXTENDED,
        by=by,
        role=role,
        note=reason,
        form_code=FormCode.APOLOGY_EXTENSION,
        data=data,
    )
    # The citizen's letter of apology (Mẫu 04) is the EXTENDED notice of CITIZEN_NOTICES.
    # The one-stop unit updates the due date and is told in writing (Art. 19.6, 12.5).
    notify_staff(
        dossier=locked,
        users=staff_in([locked.receiving_agency_id], [A.RECEPTION_OFFICER, A.ONESTOP_SUPERVISOR]),
        queue_name=_("Gia hạn — hẹn trả mới %(due)s") % {"due": _date(new_due_at)},
    )
    if dossier is not locked:
        dossier.refresh_from_db()
    return event


def _may_act(dossier: Dossier, by: User, role: str) -> bool:
    try:
        dossier_actor_agency(dossier=dossier, by=by, role=role)
    except TransitionNotAllowed:
        return False
    return True
