"""The back office's services at the competent agency (NĐ 118/2025 Art. 19–21, 23).

Assignment, notes, consultations, inter-agency tasks, an early return and the correction of an
erroneous result (the one extension is `dossiers.services.extensions`). Every status change goes
through `dossiers.services.transition`; facts go through `dossier_event_record`. The officer-facing views (`dossiers.office`) call these by name.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.models import Agency
from dossiers.constants import (
    FINAL_STATUSES,
    IN_PROCESS_STATUSES,
    Actor,
    ConsultationStatus,
    DossierStatus,
    EventKind,
    InteragencyTaskStatus,
)
from dossiers.models import Dossier, DossierConsultation, DossierEvent, InteragencyTask
from dossiers.selectors.actors import dossier_actor_agency
from dossiers.services.notices import (
    _datetime,
    _membership_role,
    citizen_notify,
    notify_staff,
    result_ready_facts,
    staff_in,
)
from dossiers.services.transition import dossier_event_record, dossier_transition
from dossiers.workflow import TransitionNotAllowed

A = Actor
S = DossierStatus

logger = logging.getLogger(__name__)

# A dossier counts towards an officer's load until its result exists.
OPEN_WORK_STATUSES = frozenset(set(DossierStatus) - set(FINAL_STATUSES) - {S.DONE, S.DRAFT})
# Who works on a consultation or an inter-agency task at the other agency.
AGENCY_WORKER_ROLES = (A.PROCESSING_OFFICER, A.AGENCY_HEAD)


def _lock(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


# --- assignment (Art. 19.1) --------------------------------------------------------------------


def least_loaded_officer(*, agency: Agency) -> User | None:
    """The assignment rule: the agency's processing officer with the fewest open dossiers
    assigned (ties: the longest-serving account first)."""
    return (
        staff_in([agency.pk], [A.PROCESSING_OFFICER])
        .annotate(
            load=Count(
                "assigned_dossiers", filter=Q(assigned_dossiers__status__in=OPEN_WORK_STATUSES)
            )
        )
        .order_by("load", "pk")
        .first()
    )


@transaction.atomic
def dossier_assign(
    *,
    dossier: Dossier,
    assignee: User | None,
    by: User | None,
    role: Actor | str = A.AGENCY_HEAD,
    note: str = "",
    expected_assignee: str | None = None,
) -> Dossier:
    """The agency head assigns a processing officer; with `assignee=None` the rule picks the
    least-loaded one; with `by=None` the system assigns. Records ASSIGNED, and moves a dossier
    waiting for assignment (IN_PROCESS) to APPRAISING through `dossier_transition`.
    Re-assigning a dossier already under appraisal records the change only.

    `expected_assignee`: the UUID of the officer the head saw assigned ("" for nobody); when
    someone else assigned since (a second tab, a second head), the call is refused."""
    locked = _lock(dossier)
    current = str(locked.assignee.uuid) if locked.assignee else ""
    if expected_assignee is not None and expected_assignee != current:
        raise TransitionNotAllowed(
            _(
                "Hồ sơ %(code)s vừa được phân công cho %(name)s. Trang đã được tải lại, vui "
                "lòng kiểm tra trước khi phân công lại."
            )
            % {
                "code": locked.code,
                "name": locked.assignee.get_full_name() if locked.assignee else "—",
            },
            code="stale_assignment",
        )
    if locked.status not in IN_PROCESS_STATUSES:
        raise TransitionNotAllowed(
            _("Chỉ phân công được hồ sơ đang giải quyết tại cơ quan."), code="not_assignable"
        )
    actor_role = A.SYSTEM if by is None else role
    if actor_role not in (A.AGENCY_HEAD, A.SYSTEM):
        raise TransitionNotAllowed(
            _("Chỉ lãnh đạo cơ quan được phân công xử lý hồ sơ."), code="role_not_allowed"
        )
    dossier_actor_agency(dossier=locked, by=by, role=actor_role)
    if locked.competent_agency is None:
        raise TransitionNotAllowed(_("Hồ sơ chưa có cơ quan giải quyết."), code="no_agency")
    rule = assignee is None
    if assignee is None:
        assignee = least_loaded_officer(agency=locked.competent_agency)
        if assignee is None:
            raise TransitionNotAllowed(
                _("Cơ quan chưa có chuyên viên xử lý để phân công."), code="no_officer"
            )
    elif (
        not staff_in([locked.competent_agency_id], [A.PROCESSING_OFFICER])
        .filter(pk=assignee.pk)
        .exists()
    ):
        raise TransitionNotAllowed(
            _("Người được phân công không phải chuyên viên xử lý của cơ quan giải quyết."),
            code="not_an_officer_here",
        )
    previous = locked.assignee_id
    locked.assignee = assignee
    locked.assigned_at = timezone.now()
    locked.save(update_fields=["assignee", "assigned_at", "updated_at"])
    dossier_event_record(
        dossier=locked,
        kind=EventKind.ASSIGNED,
        by=by,
        role=actor_role,
        note=note,
        data={
            "assignee_id": assignee.pk,
            "assignee_name": assignee.get_full_name(),
            "previous_assignee_id": previous,
            "rule": "least_loaded" if rule else "",
        },
    )
    if locked.status == S.IN_PROCESS:
        dossier_transition(dossier=locked, to=S.APPRAISING, by=by, role=actor_role)
    if previous != assignee.pk:
        notify_staff(
            dossier=locked,
            users=[assignee],
            queue_name=_("Hồ sơ được phân công cho tôi"),
        )
    if dossier is not locked:
        dossier.refresh_from_db()
    return locked


# --- notes ---------------------------------------------------------------------------------------


def dossier_note_add(
    *, dossier: Dossier, by: User, role: Actor | str, text: str, internal: bool = True
) -> DossierEvent:
    """A note on the history. Internal notes are for staff only and never shown to citizens
    (the citizen timeline does not list NOTE events; `data.internal` says which they are)."""
    if not text.strip():
        raise TransitionNotAllowed(_("Ghi chú không được để trống."), code="note_required")
    if role not in {
        *AGENCY_WORKER_ROLES,
        A.RECEPTION_OFFICER,
        A.RECORDS_CLERK,
        A.ONESTOP_SUPERVISOR,
    }:
        raise TransitionNotAllowed(_("Chỉ cán bộ được ghi chú nội bộ."), code="role_not_allowed")
    return dossier_event_record(
        dossier=dossier,
        kind=EventKind.NOTE,
        by=by,
        role=role,
        note=text,
        data={"internal": internal},
    )


# --- consultation, verification (Art. 19.4) ---------------------------------------------------


def consulted_agency_scope(dossier: Dossier, role: str) -> list[int]:
    """`dossier_agency_scopes`: an agency asked for its opinion may act on the dossier (reply)
    while its request is open."""
    if role not in AGENCY_WORKER_ROLES or dossier.pk is None:
        return []
    return list(
        DossierConsultation.objects.filter(
            dossier_id=dossier.pk, status=ConsultationStatus.OPEN
        ).values_list("consulted_agency_id", flat=True)
    )


@transaction.atomic
def consultation_request(
    *,
    dossier: Dossier,
    by: User,
    agency: Agency,
    question: str,
    due_at: dt.datetime,
    role: Actor | str = A.PROCESSING_OFFICER,
) -> DossierConsultation:
    """Ask another agency for its opinion or a verification, with content and deadline. A
    dossier under appraisal moves to CONSULTING; further requests may follow while it is there."""
    question = question.strip()
    if not question:
        raise TransitionNotAllowed(_("Cần ghi rõ nội dung lấy ý kiến."), code="note_required")
    if due_at <= timezone.now():
        raise TransitionNotAllowed(_("Hạn trả lời phải sau thời điểm hiện tại."), code="bad_due")
    locked = _lock(dossier)
    if locked.status == S.APPRAISING:
        dossier_transition(
            dossier=locked,
            to=S.CONSULTING,
            by=by,
            role=role,
            note=question,
            data={
                "consulted_agency_id": agency.pk,
                "due_at": timezone.localtime(due_at).isoformat(),
            },
        )
    elif locked.status != S.CONSULTING:
        raise TransitionNotAllowed(
            _("Chỉ lấy ý kiến khi hồ sơ đang được thẩm định."), code="not_appraising"
        )
    requesting = dossier_actor_agency(dossier=locked, by=by, role=role)
    consultation = DossierConsultation.objects.create(
        dossier=locked,
        requesting_agency=requesting,
        consulted_agency=agency,
        question=question,
        due_at=due_at,
        requested_by=by,
    )
    dossier_event_record(
        dossier=locked,
        kind=EventKind.CONSULTATION_SENT,
        by=by,
        role=role,
        note=question,
        data={
            "consultation": str(consultation.uuid),
            "consulted_agency_id": agency.pk,
            "consulted_agency_name": agency.name,
            "due_at": timezone.localtime(due_at).isoformat(),
        },
    )
    notify_staff(
        dossier=locked,
        users=staff_in([agency.pk], AGENCY_WORKER_ROLES),
        queue_name=_("Lấy ý kiến — %(agency)s") % {"agency": agency.name},
    )
    return consultation


@transaction.atomic
def consultation_reply(
    *, consultation: DossierConsultation, by: User, answer: str
) -> DossierConsultation:
    """The consulted agency's processing officer or head answers (once)."""
    answer = answer.strip()
    if not answer:
        raise TransitionNotAllowed(_("Cần nhập ý kiến trả lời."), code="note_required")
    _lock(consultation.dossier)
    locked = DossierConsultation.objects.select_for_update().get(pk=consultation.pk)
    if locked.status != ConsultationStatus.OPEN:
        raise TransitionNotAllowed(_("Yêu cầu lấy ý kiến này đã được trả lời."), code="answered")
    role = _membership_role(by, locked.consulted_agency, AGENCY_WORKER_ROLES)
    if role is None:
        raise TransitionNotAllowed(
            _("Bạn không thuộc cơ quan được lấy ý kiến."), code="actor_not_allowed"
        )
    # Recorded while the request is open: the scope lets the consulted agency act.
    dossier_event_record(
        dossier=locked.dossier,
        kind=EventKind.CONSULTATION_REPLIED,
        by=by,
        role=role,
        note=answer,
        data={"consultation": str(locked.uuid), "consulted_agency_id": locked.consulted_agency_id},
    )
    locked.status = ConsultationStatus.ANSWERED
    locked.answer = answer
    locked.answered_by = by
    locked.answered_at = timezone.now()
    locked.save(update_fields=["status", "answer", "answered_by", "answered_at", "updated_at"])
    dossier = locked.dossier
    asker = [dossier.assignee] if dossier.assignee is not None else [locked.requested_by]
    notify_staff(
        dossier=dossier,
        users=asker,
        queue_name=_("Ý kiến trả lời của %(agency)s") % {"agency": locked.consulted_agency.name},
    )
    consultation.refresh_from_db()
    return locked


# --- inter-agency processing (Art. 20) ---------------------------------------------------------


def interagency_agency_scope(dossier: Dossier, role: str) -> list[int]:
    """`dossier_agency_scopes`: participants of an inter-agency dossier act on it while their
    task is open."""
    if role not in AGENCY_WORKER_ROLES or dossier.pk is None:
        return []
    return list(
        InteragencyTask.objects.filter(
            dossier_id=dossier.pk, status=InteragencyTaskStatus.OPEN
        ).values_list("agency_id", flat=True)
    )


@transaction.atomic
def interagency_start(
    *,
    dossier: Dossier,
    by: User,
    lead_agency: Agency,
    participants: Sequence[tuple[Agency, str, dt.datetime]],
    role: Actor | str | None = None,
) -> list[InteragencyTask]:
    """Send the dossier to every participating agency at once, naming the lead agency and each
    agency's task and deadline (Art. 20, electronic dossier at the same level).

    From IN_PROCESS the agency head does it, from APPRAISING the processing officer."""
    locked = _lock(dossier)
    if role is None:
        role = A.AGENCY_HEAD if locked.status == S.IN_PROCESS else A.PROCESSING_OFFICER
    if not participants:
        raise TransitionNotAllowed(_("Cần chọn các cơ quan phối hợp."), code="no_participants")
    agency_ids = [agency.pk for agency, _task, _due in participants]
    if len(set(agency_ids)) != len(agency_ids):
        raise TransitionNotAllowed(
            _("Mỗi cơ quan chỉ được giao một nhiệm vụ."), code="duplicate_participant"
        )
    if lead_agency.pk not in agency_ids:
        raise TransitionNotAllowed(
            _("Cơ quan chủ trì phải có trong danh sách cơ quan phối hợp."), code="lead_missing"
        )
    now = timezone.now()
    for _agency, task, due_at in participants:
        if not task.strip():
            raise TransitionNotAllowed(_("Cần ghi rõ nhiệm vụ của từng cơ quan."), code="no_task")
        if due_at <= now:
            raise TransitionNotAllowed(
                _("Hạn hoàn thành phải sau thời điểm hiện tại."), code="bad_due"
            )
    summary = "; ".join(
        f"{agency.name}: {task.strip()} ({_('hạn')} {_datetime(due_at)})"
        for agency, task, due_at in participants
    )
    dossier_transition(
        dossier=locked,
        to=S.INTERAGENCY,
        by=by,
        role=role,
        note=_("Cơ quan chủ trì: %(lead)s. %(summary)s")
        % {"lead": lead_agency.name, "summary": summary},
        data={
            "lead_agency_id": lead_agency.pk,
            "participants": [
                {
                    "agency_id": agency.pk,
                    "agency_name": agency.name,
                    "task": task.strip(),
                    "due_at": timezone.localtime(due_at).isoformat(),
                }
                for agency, task, due_at in participants
            ],
        },
    )
    tasks = InteragencyTask.objects.bulk_create(
        [
            InteragencyTask(
                dossier=locked,
                agency=agency,
                is_lead=agency.pk == lead_agency.pk,
                task=task.strip(),
                due_at=due_at,
                sent_by=by,
            )
            for agency, task, due_at in participants
        ]
    )
    for created in tasks:
        notify_staff(
            dossier=locked,
            users=staff_in([created.agency_id], AGENCY_WORKER_ROLES),
            queue_name=_("Liên thông — %(agency)s") % {"agency": created.agency.name},
        )
    if dossier is not locked:
        dossier.refresh_from_db()
    return tasks


@transaction.atomic
def interagency_task_complete(
    *, task: InteragencyTask, by: User, result_note: str = ""
) -> InteragencyTask:
    """A participant hands its output over (a HANDOVER event); when the last task is done the
    assigned officer is told, and moves the dossier back to appraisal."""
    _lock(task.dossier)
    locked = (
        InteragencyTask.objects.select_for_update()
        .select_related("dossier", "agency")
        .get(pk=task.pk)
    )
    if locked.status != InteragencyTaskStatus.OPEN:
        raise TransitionNotAllowed(_("Nhiệm vụ này đã hoàn thành."), code="task_done")
    role = _membership_role(by, locked.agency, AGENCY_WORKER_ROLES)
    if role is None:
        raise TransitionNotAllowed(
            _("Bạn không thuộc cơ quan được giao nhiệm vụ này."), code="actor_not_allowed"
        )
    dossier_event_record(
        dossier=locked.dossier,
        kind=EventKind.HANDOVER,
        by=by,
        role=role,
        note=result_note,
        data={
            "interagency_task": str(locked.uuid),
            "from_agency_id": locked.agency_id,
            "from_agency_name": locked.agency.name,
            "is_lead": locked.is_lead,
        },
    )
    locked.status = InteragencyTaskStatus.DONE
    locked.result_note = result_note.strip()
    locked.completed_by = by
    locked.completed_at = timezone.now()
    locked.save(
        update_fields=["status", "result_note", "completed_by", "completed_at", "updated_at"]
    )
    dossier = locked.dossier
    if not dossier.interagency_tasks.filter(status=InteragencyTaskStatus.OPEN).exists():
        users = (
            [dossier.assignee]
            if dossier.assignee is not None
            else staff_in([dossier.competent_agency_id], [A.AGENCY_HEAD])
        )
        notify_staff(dossier=dossier, users=users, queue_name=_("Liên thông đã hoàn thành"))
    task.refresh_from_db()
    return locked


def interagency_all_done(*, dossier: Dossier) -> bool:
    tasks = dossier.interagency_tasks.all()
    return tasks.exists() and not tasks.filter(status=InteragencyTaskStatus.OPEN).exists()


# --- early return (Art. 22.5) -------------------------------------------------------------------


@transaction.atomic
def dossier_early_return_notify(
    *, dossier: Dossier, by: User, role: Actor | str = A.RECEPTION_OFFICER
) -> Dossier:
    """Tell the applicant their result can be collected before the appointment (Art. 22.5) and
    record when: a result done early normally carries this from its "result ready" notice; this
    is for one that does not (imported, or done before the rule existed)."""
    locked = _lock(dossier)
    dossier_actor_agency(dossier=locked, by=by, role=role)
    if locked.status != S.DONE:
        raise TransitionNotAllowed(_("Chỉ báo trả sớm cho hồ sơ đã có kết quả."), code="not_done")
    citizen_notify(locked, "result_ready", **result_ready_facts(locked))
    locked.early_return_notified_at = timezone.now()
    locked.save(update_fields=["early_return_notified_at", "updated_at"])
    if dossier is not locked:
        dossier.refresh_from_db()
    return locked


# --- correction of an erroneous result (Art. 23.1) ---------------------------------------------


def dossier_correction_request(*, dossier: Dossier, by: User, reason: str) -> DossierEvent:
    """The one-stop unit sends a returned result back for correction; due in 3 working days."""
    return dossier_transition(
        dossier=dossier, to=S.CORRECTION, by=by, role=A.RECEPTION_OFFICER, note=reason
    )


@transaction.atomic
def dossier_correction_complete(
    *, dossier: Dossier, by: User | None, role: Actor | str = A.RECEPTION_OFFICER
) -> DossierEvent:
    """Return the corrected result: a new result document must have been attached since the
    dossier was sent back (the erroneous one does not count)."""
    locked = _lock(dossier)
    sent_back = (
        locked.events.filter(kind=EventKind.TRANSITION, to_status=S.CORRECTION)
        .order_by("-id")
        .first()
    )
    if locked.status != S.CORRECTION or sent_back is None:
        raise TransitionNotAllowed(_("Hồ sơ không ở bước đính chính."), code="not_correcting")
    if not locked.events.filter(kind=EventKind.RESULT_ATTACHED, id__gt=sent_back.id).exists():
        raise TransitionNotAllowed(
            _("Cần đính kèm văn bản kết quả đã đính chính."), code="correction_missing"
        )
    event = dossier_transition(dossier=locked, to=S.RETURNED, by=by, role=role)
    if dossier is not locked:
        dossier.refresh_from_db()
    return event
