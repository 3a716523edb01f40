"""The life of a field report after intake: each step is an action of `helpdesk.workflow`
taken through `transitions.report_take`, leaves a `ReportEvent` and queues its messages."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.models import Agency
from common.links import site_url
from common.text import fold
from helpdesk import selectors
from helpdesk.constants import (
    SATISFIED_FROM,
    Priority,
    ReportAction,
    ReportCategory,
    Stage,
)
from helpdesk.models import (
    FieldReport,
    ReportPhoto,
)
from helpdesk.services.base import (
    HelpdeskError,
    _locked,
    _notify_answer_ready,
    _notify_assigned,
    _record,
    _require_helpdesk,
    _tell_reporter,
    stage_due,
)
from helpdesk.services.transitions import report_take
from helpdesk.workflow import MERGE_INTO_STATUSES, Actor


@transaction.atomic
def report_triage(*, report: FieldReport, by: User, category: str, priority: str) -> FieldReport:
    _require_helpdesk(by)
    report = _locked(report)
    report_take(report, "triage", actor=Actor.HELPDESK)
    if category not in ReportCategory.values or priority not in Priority.values:
        raise HelpdeskError(_("Lĩnh vực hoặc mức ưu tiên không hợp lệ."), code="invalid")
    before = {"category": report.category, "priority": report.priority}
    report.category, report.priority = category, priority
    report.save(update_fields=["category", "priority", "updated_at"])
    _record(
        report,
        ReportAction.TRIAGED,
        actor=by,
        from_status=report.status,
        data={"before": before, "after": {"category": category, "priority": priority}},
    )
    return report


@transaction.atomic
def report_refuse(*, report: FieldReport, by: User, reason: str) -> FieldReport:
    _require_helpdesk(by)
    if not reason.strip():
        raise HelpdeskError(_("Hãy nêu lý do không tiếp nhận."), code="reason")
    report = _locked(report)
    step = report_take(report, "refuse", actor=Actor.HELPDESK)
    report.status, report.refusal_reason, report.refused_at = (
        step.target,
        reason.strip(),
        timezone.now(),
    )
    report.was_overdue = report.was_overdue or report.refused_at > report.refuse_due_at
    report.save(
        update_fields=["status", "refusal_reason", "refused_at", "was_overdue", "updated_at"]
    )
    _record(report, ReportAction.REFUSED, actor=by, from_status=step.previous, note=reason)
    _tell_reporter(report, _("Không được tiếp nhận: %(reason)s") % {"reason": reason.strip()[:100]})
    return report


@transaction.atomic
def report_request_info(*, report: FieldReport, by: User, note: str) -> FieldReport:
    _require_helpdesk(by)
    if not note.strip():
        raise HelpdeskError(_("Hãy nêu thông tin cần bổ sung."), code="note")
    report = _locked(report)
    step = report_take(report, "request_info", actor=Actor.HELPDESK)
    now = timezone.now()
    report.status, report.info_request = step.target, note.strip()
    report.info_requested_at = report.info_requested_at or now
    report.save(update_fields=["status", "info_request", "info_requested_at", "updated_at"])
    _record(report, ReportAction.INFO_REQUESTED, actor=by, from_status=step.previous, note=note)
    _tell_reporter(report, _("Cần bổ sung thông tin: %(reason)s") % {"reason": note.strip()[:100]})
    return report


@transaction.atomic
def report_supply_info(*, report: FieldReport, text: str, by: User | None = None) -> FieldReport:
    """The reporter answers a request for information; the processing clock restarts."""
    if not text.strip():
        raise HelpdeskError(_("Hãy nhập thông tin bổ sung."), code="text")
    report = _locked(report)
    step = report_take(report, "supply_info", actor=Actor.REPORTER)
    now = timezone.now()
    stamp = timezone.localtime(now).strftime("%d/%m/%Y %H:%M")
    report.description = f"{report.description}\n\n[{_('Bổ sung')} {stamp}] {text.strip()}"
    report.search_text = fold(f"{report.title} {report.description} {report.address}")
    report.status = step.target
    report.process_due_at = stage_due(Stage.PROCESS, now)
    report.save(
        update_fields=["description", "search_text", "status", "process_due_at", "updated_at"]
    )
    _record(report, ReportAction.INFO_SUPPLIED, actor=by, from_status=step.previous, note=text)
    return report


@transaction.atomic
def report_assign(*, report: FieldReport, by: User, agency: Agency, note: str = "") -> FieldReport:
    _require_helpdesk(by)
    report = _locked(report)
    step = report_take(report, "assign", actor=Actor.HELPDESK)
    report.status, report.assigned_agency, report.assigned_at = step.target, agency, timezone.now()
    report.save(update_fields=["status", "assigned_agency", "assigned_at", "updated_at"])
    _record(
        report,
        ReportAction.ASSIGNED,
        actor=by,
        from_status=step.previous,
        note=note,
        data={"agency": agency.code, "agency_name": agency.name},
    )
    _notify_assigned(
        agency=agency,
        code=report.code,
        title=report.shown_title,
        url=site_url("helpdesk:staff_detail", report.code),
    )
    return report


@transaction.atomic
def report_answer(*, report: FieldReport, by: User, answer: str) -> FieldReport:
    """The assigned agency answers; the helpdesk then reviews and publishes within 2 days."""
    if not answer.strip():
        raise HelpdeskError(_("Hãy nhập nội dung trả lời."), code="answer")
    report = _locked(report)
    step = report_take(report, "answer", actor=Actor.AGENCY)
    if not selectors.report_answerable_by(report=report, user=by):
        raise HelpdeskError(
            _("Phản ánh này không được giao cho cơ quan của bạn."), code="forbidden"
        )
    now = timezone.now()
    report.status, report.answer, report.answered_by, report.answered_at = (
        step.target,
        answer.strip(),
        by,
        now,
    )
    report.publish_due_at = stage_due(Stage.PUBLISH, now)
    report.was_overdue = report.was_overdue or now > report.process_due_at
    report.save(
        update_fields=[
            "status",
            "answer",
            "answered_by",
            "answered_at",
            "publish_due_at",
            "was_overdue",
            "updated_at",
        ]
    )
    _record(report, ReportAction.ANSWERED, actor=by, from_status=step.previous, note=answer)
    _notify_answer_ready(
        by=by,
        agency=report.assigned_agency,
        code=report.code,
        title=report.shown_title,
        url=site_url("helpdesk:staff_detail", report.code),
    )
    return report


@transaction.atomic
def report_return_answer(*, report: FieldReport, by: User, note: str) -> FieldReport:
    _require_helpdesk(by)
    if not note.strip():
        raise HelpdeskError(_("Hãy nêu lý do trả lại."), code="note")
    report = _locked(report)
    step = report_take(report, "return_answer", actor=Actor.HELPDESK)
    report.status = step.target
    report.save(update_fields=["status", "updated_at"])
    _record(report, ReportAction.ANSWER_RETURNED, actor=by, from_status=step.previous, note=note)
    return report


@transaction.atomic
def report_publish(
    *,
    report: FieldReport,
    by: User,
    public_title: str,
    public_description: str,
    answer: str,
) -> FieldReport:
    """Publish the reviewed answer. The public text is what the helpdesk wrote here, never the
    reporter's own words unedited, so names and phone numbers stay out of public pages."""
    _require_helpdesk(by)
    if not (public_title.strip() and public_description.strip() and answer.strip()):
        raise HelpdeskError(
            _("Tiêu đề, nội dung công khai và trả lời là bắt buộc."), code="required"
        )
    report = _locked(report)
    step = report_take(report, "publish", actor=Actor.HELPDESK)
    now = timezone.now()
    report.status, report.published_at = step.target, now
    report.public_title, report.public_description = (
        public_title.strip()[:200],
        public_description.strip(),
    )
    report.answer = answer.strip()
    report.public_search_text = fold(
        f"{report.public_title} {report.public_description} {report.answer} {report.address}"
    )
    if report.publish_due_at is not None:
        report.was_overdue = report.was_overdue or now > report.publish_due_at
    report.save(
        update_fields=[
            "status",
            "published_at",
            "public_title",
            "public_description",
            "public_search_text",
            "answer",
            "was_overdue",
            "updated_at",
        ]
    )
    _record(report, ReportAction.PUBLISHED, actor=by, from_status=step.previous)
    for each in [report, *report.duplicates.all()]:
        _tell_reporter(each, answered=True)
    return report


@transaction.atomic
def report_rate(
    *,
    report: FieldReport,
    rating: int,
    comment: str = "",
    reopen: bool = False,
    by: User | None = None,
) -> FieldReport:
    """The reporter rates the published answer; an unhappy reporter may ask to reopen it."""
    if rating not in range(1, 6):
        raise HelpdeskError(_("Hãy chọn mức đánh giá từ 1 đến 5."), code="rating")
    report = _locked(report)
    step = report_take(report, "rate", actor=Actor.REPORTER)
    if (
        report.rated_at is not None
        and report.published_at
        and report.rated_at >= report.published_at
    ):
        raise HelpdeskError(_("Bạn đã đánh giá kết quả này."), code="already_rated")
    now = timezone.now()
    report.rating, report.rating_comment, report.rated_at = rating, comment.strip(), now
    fields = ["rating", "rating_comment", "rated_at", "updated_at"]
    if reopen and rating < SATISFIED_FROM:
        report.status = report_take(report, "reopen", actor=Actor.REPORTER).target
        report.reopen_count += 1
        report.process_due_at = stage_due(Stage.PROCESS, now)
        report.publish_due_at = None
        fields += ["status", "reopen_count", "process_due_at", "publish_due_at"]
    report.save(update_fields=fields)
    _record(
        report,
        ReportAction.RATED,
        actor=by,
        from_status=step.previous,
        data={"rating": rating},
        note=comment,
    )
    if report.status != step.previous:
        _record(report, ReportAction.REOPENED, actor=by, from_status=step.previous, note=comment)
    return report


@transaction.atomic
def report_merge(*, duplicate: FieldReport, into: FieldReport, by: User) -> FieldReport:
    """Close `duplicate` as a copy of `into`; its reporter follows and is told the answer of `into`."""
    _require_helpdesk(by)
    if duplicate.pk == into.pk:
        raise HelpdeskError(_("Không thể gộp một phản ánh vào chính nó."), code="merge_self")
    first, second = sorted([duplicate.pk, into.pk])
    locked = {
        r.pk: r for r in FieldReport.objects.select_for_update().filter(pk__in=[first, second])
    }
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    step = report_take(duplicate, "merge", actor=Actor.HELPDESK)
    if into.status not in MERGE_INTO_STATUSES:
        raise HelpdeskError(
            _("Chỉ gộp vào một phản ánh đang xử lý hoặc đã công khai."), code="merge"
        )
    duplicate.status, duplicate.merged_into = step.target, into
    duplicate.save(update_fields=["status", "merged_into", "updated_at"])
    # Reports already merged into the duplicate follow it to the surviving report.
    FieldReport.objects.filter(merged_into=duplicate).update(merged_into=into)
    _record(
        duplicate,
        ReportAction.MERGED,
        actor=by,
        from_status=step.previous,
        data={"into": into.code},
    )
    _record(
        into,
        ReportAction.DUPLICATE_ATTACHED,
        actor=by,
        from_status=into.status,
        data={"duplicate": duplicate.code},
    )
    return duplicate


@transaction.atomic
def report_photo_hide(*, photo: ReportPhoto, by: User) -> ReportPhoto:
    _require_helpdesk(by)
    report_take(photo.report, "hide_photo", actor=Actor.HELPDESK)
    photo.hidden = True
    photo.save(update_fields=["hidden", "updated_at"])
    _record(
        photo.report,
        ReportAction.PHOTO_HIDDEN,
        actor=by,
        from_status=photo.report.status,
        data={"photo": str(photo.uuid)},
    )
    return photo
