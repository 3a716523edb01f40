"""The guards dossiers can answer from its own data; registered in `DossiersConfig.ready()`.

Guards owned by higher apps ("fees_settled" by payments) are registered by those apps. Each
guard returns None to let the transition go ahead, or the translated reason it may not.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.calendar import add_working_days
from dossiers.constants import (
    SUPPLEMENT_WINDOW_WORKING_DAYS,
    ConsultationStatus,
    DossierStatus,
    EventKind,
)
from dossiers.services.results import result_signature_record
from dossiers.workflow import GuardContext, guards


@guards.register("agencies_set")
def agencies_set(ctx: GuardContext) -> str | None:
    dossier = ctx.dossier
    if dossier.receiving_agency_id is None or dossier.competent_agency_id is None:
        return _("Hồ sơ chưa có nơi tiếp nhận và cơ quan giải quyết.")
    return None


@guards.register("required_documents_present")
def required_documents_present(ctx: GuardContext) -> str | None:
    missing = [
        c.requirement_name
        for c in ctx.dossier.components.all()
        if c.is_required and not c.is_provided
    ]
    if missing:
        return _("Còn thiếu thành phần hồ sơ: %(items)s.") % {"items": "; ".join(missing)}
    return None


@guards.register("intake_supplement_not_used")
def intake_supplement_not_used(ctx: GuardContext) -> str | None:
    """Only one request to supplement at intake (Art. 11.2.c, 16.3)."""
    used = ctx.dossier.events.filter(
        kind=EventKind.TRANSITION, to_status=DossierStatus.INTAKE_SUPPLEMENT
    ).exists()
    if used:
        return _("Chỉ được yêu cầu bổ sung hồ sơ một lần khi tiếp nhận.")
    return None


@guards.register("supplement_not_used")
def supplement_not_used(ctx: GuardContext) -> str | None:
    """A supplement after appraisal is requested once (Art. 11.2.c: "chỉ được yêu cầu bổ sung
    một lần"): once the dossier was received again, a second request is refused (issue #21)."""
    used = ctx.dossier.events.filter(
        kind=EventKind.TRANSITION, to_status=DossierStatus.SUPPLEMENT_REQUESTED
    ).exists()
    if used:
        return _(
            "Hồ sơ đã được yêu cầu bổ sung một lần; theo Điều 11.2.c Nghị định 118/2025/NĐ-CP "
            "không yêu cầu bổ sung lần thứ hai."
        )
    return None


@guards.register("consultations_answered")
def consultations_answered(ctx: GuardContext) -> str | None:
    """Appraisal resumes once every consulted agency has answered (Art. 19.4): until then the
    officer waits, or the deadline alert tells the supervisors."""
    waiting = list(
        ctx.dossier.consultations.filter(status=ConsultationStatus.OPEN)
        .select_related("consulted_agency")
        .values_list("consulted_agency__name", flat=True)
    )
    if waiting:
        return _("Còn chờ ý kiến của: %(agencies)s.") % {"agencies": "; ".join(waiting)}
    return None


@guards.register("supplement_window_open")
def supplement_window_open(ctx: GuardContext) -> str | None:
    """A supplement after appraisal only within 3 working days of receipt (Art. 19.5)."""
    received_at = ctx.dossier.received_at
    if received_at is None:
        return _("Hồ sơ chưa được tiếp nhận.")
    closes = add_working_days(
        received_at, SUPPLEMENT_WINDOW_WORKING_DAYS, agency=ctx.dossier.competent_agency
    )
    if timezone.now() > closes:
        return _(
            "Đã quá %(days)s ngày làm việc kể từ khi tiếp nhận, không được yêu cầu bổ sung."
        ) % {"days": SUPPLEMENT_WINDOW_WORKING_DAYS}
    return None


@guards.register("supplement_deadline_passed")
def supplement_deadline_passed(ctx: GuardContext) -> str | None:
    """Closing for no answer only once the 15 days have run out (Art. 19.5)."""
    deadline: dt.datetime | None = ctx.dossier.supplement_deadline_at
    if deadline is None or timezone.now() <= deadline:
        return _("Chưa hết thời hạn bổ sung hồ sơ.")
    return None


@guards.register("resumes_previous_status")
def resumes_previous_status(ctx: GuardContext) -> str | None:
    if ctx.dossier.resume_status != ctx.transition.target:
        return _("Hồ sơ chỉ có thể trở lại bước trước khi yêu cầu rút.")
    return None


@guards.register("early_return_notified")
def early_return_notified(ctx: GuardContext) -> str | None:
    """Returning a result before the appointment is encouraged, but the applicant is told first
    (Art. 22.5: "phải thông báo trước")."""
    dossier = ctx.dossier
    early = dossier.due_at is not None and timezone.now() < dossier.due_at
    if early and dossier.early_return_notified_at is None:
        return _(
            "Trả kết quả trước ngày hẹn phải thông báo trước cho người nộp hồ sơ (Điều 22.5 "
            "Nghị định 118/2025/NĐ-CP): gửi thông báo trả sớm trước."
        )
    return None


@guards.register("result_kind_set")
def result_kind_set(ctx: GuardContext) -> str | None:
    if not ctx.dossier.result_kind:
        return _("Chưa xác định kết quả giải quyết hay từ chối.")
    return None


@guards.register("result_signed")
def result_signed(ctx: GuardContext) -> str | None:
    """The result is a draft until the portal has validated its signer's signature over it; the
    head moving it on from the signing step must be the person who signed it."""
    if ctx.dossier.result_document_uuid is None:
        return None  # result_document_attached says so
    record = result_signature_record(ctx.dossier) or {}
    if record.get("draft"):
        return _("Văn bản kết quả chưa được ký số: hãy ký số (ký số từ xa) trước khi ban hành.")
    signed_by = record.get("signed_by")
    if (
        signed_by is not None
        and ctx.transition.source == DossierStatus.SIGNING
        and ctx.by is not None
        and signed_by != ctx.by.pk
    ):
        return _("Văn bản kết quả được ký bởi người khác; người chuyển ban hành phải là người ký.")
    return None


@guards.register("result_document_attached")
def result_document_attached(ctx: GuardContext) -> str | None:
    if ctx.dossier.result_document_uuid is None:
        return _("Chưa đính kèm văn bản kết quả.")
    return None


@guards.register("draft_result_attached")
def draft_result_attached(ctx: GuardContext) -> str | None:
    """The head approves what they can see: the officer's draft result must be attached first
    (issue #20: "Phê duyệt" was accepted with no draft, so the head approved blind)."""
    if ctx.dossier.result_document_uuid is None:
        return _(
            "Chưa có dự thảo kết quả để phê duyệt: chuyên viên cần đính kèm dự thảo (PDF) "
            "trước, hoặc trả lại chuyên viên kèm ghi chú."
        )
    return None
