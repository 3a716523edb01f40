"""Writes that hand the dossier in and follow it up: submit (online, and the generic
`dossier_submit`), answer a supplement request, request or cancel a withdrawal.

Status changes go through `dossiers.services.transition`. See docs/submission.md, ADR 0090.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import Role
from accounts.models import User
from agencies.models import Agency, StaffMembership
from common.exceptions import ApplicationError
from documents.constants import UseKind
from documents.services import document_uses_lock
from dossiers import eform
from dossiers.constants import (
    Actor,
    Channel,
    DossierStatus,
    DraftStep,
)
from dossiers.models import Dossier, DossierEvent
from dossiers.selectors.cases import CASE_NOT_CHOSEN, case_choice_missing
from dossiers.services.components import delivery_errors, postal_collection_offered
from dossiers.services.drafts import (
    SUPPLEMENT_TARGET,
    _locked_draft,
    applicant_errors,
    applicant_problem_lines,
    assurance_check,
    document_reference,
    procedure_for,
)
from dossiers.services.transition import dossier_transition
from dossiers.workflow import TransitionNotAllowed
from notifications.constants import Event
from notifications.services import notify

S = DossierStatus


class SubmissionIncomplete(ApplicationError):
    """The draft cannot be submitted yet; `extra["problems"]` maps step → messages."""


def submission_problems(dossier: Dossier) -> dict[str, list[str]]:
    """Everything that keeps the draft from being submitted, grouped by form step."""
    problems: dict[str, list[str]] = {}
    procedure = procedure_for(dossier)
    if procedure is None or not procedure.offers_online:
        problems[DraftStep.APPLICANT] = [_("Thủ tục không còn nhận hồ sơ trực tuyến.")]
        return problems
    applicant = applicant_errors(dossier.applicant_data)
    if applicant:
        problems[DraftStep.APPLICANT] = applicant_problem_lines(applicant)
    if dossier.receiving_agency_id is None or dossier.competent_agency_id is None:
        problems.setdefault(DraftStep.APPLICANT, []).append(_("Chọn nơi nộp hồ sơ."))
    specs = list(procedure.form_fields.all())
    answers = eform.with_applicant_answers(specs, dossier.form_data, dossier.applicant_data or {})
    _values, field_errors = eform.validate_values(specs, answers)
    if field_errors:
        organisation = eform.is_for_organisation(dossier.applicant_data)
        labels = {spec.key: eform.field_label(spec, organisation=organisation) for spec in specs}
        problems[DraftStep.FIELDS] = [
            f"{labels.get(k, k)}: {' '.join(v)}" for k, v in field_errors.items()
        ]
    # Read once for this check, the transition's guard and the answer (ADR 0340).
    prefetch_related_objects([dossier], "components")
    missing = [
        c.requirement_name for c in dossier.components.all() if c.is_required and not c.is_provided
    ]
    if missing:
        problems[DraftStep.DOCUMENTS] = [_("Còn thiếu: %(name)s") % {"name": n} for n in missing]
    if case_choice_missing(dossier, procedure):
        problems.setdefault(DraftStep.DOCUMENTS, []).insert(0, str(CASE_NOT_CHOSEN))
    delivery = delivery_errors(
        dossier.result_delivery,
        dossier.delivery_address,
        dossier.delivery_commune_code,
        dossier.channel,
    )
    if dossier.channel == Channel.POSTAL and not postal_collection_offered(procedure):
        delivery["submission_channel"] = [_("Thủ tục này không nhận hồ sơ qua bưu chính.")]
    if delivery:
        problems[DraftStep.DELIVERY] = [m for v in delivery.values() for m in v]
    return problems


@transaction.atomic
def dossier_submit_online(*, dossier: Dossier, by: User, declaration: bool) -> DossierEvent:
    """Check the whole draft, then submit it through the transition service (code, event,
    participants, listeners after commit); lock its documents and notify the reception queue."""
    locked = _locked_draft(dossier, by)
    problems = submission_problems(locked)
    if not declaration:
        problems.setdefault(DraftStep.REVIEW, []).append(
            _("Cần xác nhận lời cam đoan trước khi nộp.")
        )
    if problems:
        raise SubmissionIncomplete(
            _("Hồ sơ chưa đủ để nộp."), code="incomplete", extra={"problems": problems}
        )
    procedure = procedure_for(locked)
    if procedure is not None:
        assurance_check(procedure=procedure, user=by)
    locked.declared_at = timezone.now()
    locked.save(update_fields=["declared_at", "updated_at"])
    if locked.applicant_id == by.pk:
        locked.applicant = by  # the citizen's notice names them: no need to read them again
    _agencies_in_one_read(locked)
    on_behalf_of = locked.applicant if locked.applicant_id != by.pk else None
    # `locked` is this transaction's locked row: the transition works on it (ADR 0340).
    event = dossier_submit(
        dossier=locked, by=by, role=Actor.CITIZEN, on_behalf_of=on_behalf_of, holding_lock=True
    )
    document_uses_lock(
        kind=UseKind.DOSSIER,
        reference=document_reference(locked),
        label=f"{locked.code} — {locked.procedure_name}",
    )
    _notify_reception(locked)
    if dossier is not locked:
        _copy_row(locked, into=dossier)
    return event


def _agencies_in_one_read(dossier: Dossier) -> None:
    """The code's prefix, the citizen's notice and the reception queue's each name an agency of
    the dossier (often the same one): one query for both instead of one per use."""
    ids = {dossier.receiving_agency_id, dossier.competent_agency_id} - {None}
    found = Agency.objects.in_bulk(ids)
    if dossier.receiving_agency_id in found:
        dossier.receiving_agency = found[dossier.receiving_agency_id]
    if dossier.competent_agency_id in found:
        dossier.competent_agency = found[dossier.competent_agency_id]


def _copy_row(locked: Dossier, *, into: Dossier) -> None:
    """`refresh_from_db` without the queries: every change of the submission was saved through
    `locked`, read under lock in this transaction, so its fields are the row's."""
    for field in Dossier._meta.concrete_fields:
        setattr(into, field.attname, getattr(locked, field.attname))
    into._state.fields_cache.clear()
    # The components read by the checks: a submission does not change them.
    into._prefetched_objects_cache = dict(getattr(locked, "_prefetched_objects_cache", {}))  # type: ignore[attr-defined]


def dossier_public_url(dossier: Dossier) -> str:
    return settings.SITE_URL + reverse("dossiers:detail", kwargs={"uuid": dossier.uuid})


def _notify_reception(dossier: Dossier) -> None:
    """Outbox rows in this transaction for the reception queue (the citizen's own notice is the
    `CITIZEN_NOTICES` participant's, `dossiers.services.notices`)."""
    agency_name = dossier.receiving_agency.name if dossier.receiving_agency else ""
    officers = _reception_officers(dossier)
    if officers:
        notify(
            event=Event.STAFF_NEW_IN_QUEUE,
            recipient=officers,
            reference=dossier.code or "",
            context={
                "dossier_code": dossier.code,
                "procedure_name": dossier.procedure_name,
                "queue_name": _("Tiếp nhận — %(agency)s") % {"agency": agency_name},
                "dossier_url": dossier_public_url(dossier),
            },
        )


def _reception_officers(dossier: Dossier) -> list[User]:
    if dossier.receiving_agency_id is None:
        return []
    today = timezone.localdate()
    memberships = (
        StaffMembership.objects.filter(
            agency_id=dossier.receiving_agency_id,
            role=Role.RECEPTION_OFFICER,
            valid_from__lte=today,
            user__is_active=True,
        )
        .exclude(valid_to__lt=today)
        .select_related("user")
    )
    return list({m.user_id: m.user for m in memberships}.values())


# --- after submission ---------------------------------------------------------------------------


@transaction.atomic
def dossier_supplement_answer(*, dossier: Dossier, by: User, note: str = "") -> DossierEvent:
    """Send the requested items back: same code, history kept (NĐ 45/2020 Art. 12)."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    target = SUPPLEMENT_TARGET.get(DossierStatus(locked.status))
    if target is None:
        raise ApplicationError(_("Hồ sơ không ở bước chờ bổ sung."), code="no_supplement")
    event = dossier_transition(dossier=locked, to=target, by=by, role=Actor.CITIZEN, note=note)
    if dossier is not locked:
        dossier.refresh_from_db()
    return event


@transaction.atomic
def dossier_withdrawal_request(*, dossier: Dossier, by: User, reason: str) -> DossierEvent:
    """Ask to stop the dossier (NĐ 118 Art. 21); the one-stop unit accepts it with Mẫu 05."""
    if not reason.strip():
        raise ApplicationError(_("Cho biết lý do rút hồ sơ."), code="reason_required")
    return dossier_transition(
        dossier=dossier, to=S.WITHDRAWAL_REQUESTED, by=by, role=Actor.CITIZEN, note=reason
    )


@transaction.atomic
def dossier_withdrawal_cancel(*, dossier: Dossier, by: User) -> DossierEvent:
    return dossier_transition(dossier=dossier, to=dossier.resume_status, by=by, role=Actor.CITIZEN)


@transaction.atomic
def dossier_submit(
    *,
    dossier: Dossier,
    by: User | None,
    role: Actor | str = Actor.CITIZEN,
    on_behalf_of: User | None = None,
    code: str | None = None,
    note: str = "",
    data: dict | None = None,
    holding_lock: bool = False,
) -> DossierEvent:
    """Submit a draft: assigns the dossier code (or keeps the National Portal's `code`), starts
    the 8-working-hour reception window for online dossiers, writes the event.

    Field validation against the procedure's e-form is the submission form's job before this
    call; the table's guards check agencies and required documents.
    """
    if code:
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if locked.status != S.DRAFT:
            raise TransitionNotAllowed(_("Hồ sơ đã được nộp."), code="already_submitted")
        locked.code = code
        locked.save(update_fields=["code", "updated_at"])
    return dossier_transition(
        dossier=dossier,
        to=S.SUBMITTED,
        by=by,
        role=role,
        on_behalf_of=on_behalf_of,
        note=note,
        data=data,
        holding_lock=holding_lock and not code,
    )
