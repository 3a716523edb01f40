"""The staff workspace of the helpdesk: the triage queue and report page of 1022 officers (and
of agency officers for the reports assigned to them), and the questions queue. What a user may
do on a report or a question comes from the actions selector (`helpdesk.workflow`)."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from agencies.selectors import staff_agencies
from common.exceptions import ApplicationError
from helpdesk import selectors, services
from helpdesk.constants import ReportCategory, ReportStatus
from helpdesk.forms import (
    AnswerForm,
    AssignForm,
    MergeForm,
    OperatorReportForm,
    PublishForm,
    QuestionAssignForm,
    ReasonForm,
    TriageForm,
)
from helpdesk.models import FieldReport
from helpdesk.views import _map_context, map_markers

logger = logging.getLogger(__name__)


def _staff_only(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    helpdesk = selectors.is_helpdesk_officer(user=user)
    if not helpdesk and not staff_agencies(user).exists():
        raise PermissionDenied
    return helpdesk


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    is_helpdesk = _staff_only(request)
    filters = selectors.QueueFilters(
        status=request.GET.get("trang_thai", "")
        if request.GET.get("trang_thai", "") in ReportStatus.values
        else "",
        category=request.GET.get("linh_vuc", "")
        if request.GET.get("linh_vuc", "") in ReportCategory.values
        else "",
        overdue=request.GET.get("qua_han") == "1",
        q=request.GET.get("q", "")[:100],
    )
    reports = selectors.triage_queue(user=request.user, filters=filters)
    page = Paginator(reports, 30).get_page(request.GET.get("trang"))
    rows = [(r, selectors.report_timers(r)) for r in page]
    return render(
        request,
        "helpdesk/staff/queue.html",
        {
            "page": page,
            "rows": rows,
            "is_helpdesk": is_helpdesk,
            "filters": filters,
            "statuses": ReportStatus.choices,
            "categories": ReportCategory.choices,
        },
    )


@login_required
def operator_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _staff_only(request):
        raise PermissionDenied
    form = OperatorReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_submit(
                channel=data["channel"],
                category=data["category"],
                title=data["title"],
                description=data["description"],
                commune=data["commune"],
                address=data["address"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                entered_by=request.user,
                photos=form.photo_list(),
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã tiếp nhận phản ánh %(code)s.") % {"code": report.code})
            return redirect("helpdesk:staff_detail", code=report.code)
    return render(request, "helpdesk/staff/operator_form.html", {"form": form, **_map_context()})


def _staff_context(request: HttpRequest, report: FieldReport, is_helpdesk: bool, **forms) -> dict:
    defaults = {
        "triage_form": TriageForm(
            initial={"category": report.category, "priority": report.priority}
        ),
        "refuse_form": ReasonForm(prefix="refuse"),
        "info_form": ReasonForm(prefix="info"),
        "assign_form": AssignForm(
            initial={"agency": report.assigned_agency.uuid if report.assigned_agency else None}
        ),
        "answer_form": AnswerForm(initial={"answer": report.answer}),
        "return_form": ReasonForm(prefix="return"),
        # Starts empty (or from what was published before): the agency's answer is shown
        # beside it but never copied into public text (issue #19).
        "publish_form": PublishForm(
            report=report,
            initial={
                "public_title": report.public_title,
                "public_description": report.public_description,
            },
        ),
        "merge_form": MergeForm(),
    }
    defaults.update(forms)
    suggestions = selectors.duplicate_suggestions(report=report, user=request.user)
    return {
        "report": report,
        "is_helpdesk": is_helpdesk,
        "actions": selectors.report_actions(report=report, user=request.user),
        "timers": selectors.report_timers(report),
        "events": report.events.select_related("actor"),
        # An agency sees what the reporter did, not who they are.
        "reporter_actions": ["submitted", "info_supplied", "rated", "reopened"],
        "suggestions": suggestions,
        "markers": map_markers([report, *(s.report for s in suggestions)], "helpdesk:staff_detail"),
        "duplicates": report.duplicates.all(),
        "photos": report.photos.all(),
        **_map_context(),
        **defaults,
    }


@login_required
def staff_detail(request: HttpRequest, code: str) -> HttpResponse:
    is_helpdesk = _staff_only(request)
    report = selectors.report_get_for(user=request.user, code=code)
    return render(
        request, "helpdesk/staff/detail.html", _staff_context(request, report, is_helpdesk)
    )


# action name → (form class, form prefix, service call)
def _run_action(action: str, report: FieldReport, form, user) -> None:
    data = form.cleaned_data
    if action == "phan-loai":
        services.report_triage(
            report=report, by=user, category=data["category"], priority=data["priority"]
        )
    elif action == "tu-choi":
        services.report_refuse(report=report, by=user, reason=data["note"])
    elif action == "yeu-cau-bo-sung":
        services.report_request_info(report=report, by=user, note=data["note"])
    elif action == "chuyen-xu-ly":
        services.report_assign(report=report, by=user, agency=data["agency"], note=data["note"])
    elif action == "tra-loi":
        services.report_answer(report=report, by=user, answer=data["answer"])
    elif action == "tra-lai":
        services.report_return_answer(report=report, by=user, note=data["note"])
    elif action == "cong-khai":
        services.report_publish(
            report=report,
            by=user,
            public_title=data["public_title"],
            public_description=data["public_description"],
            answer=data["answer"],
        )
    elif action == "gop":
        services.report_merge(duplicate=report, into=_merge_target(data["into"], user), by=user)


def _merge_target(typed_code: str, user) -> FieldReport:
    """The report a helpdesk officer typed the code of; a mistyped code is a form error."""
    code = typed_code.strip().upper()
    try:
        return selectors.report_get_for(user=user, code=code)
    except Http404:
        logger.info("helpdesk merge: no report %r visible to user %s", code, user.pk)
        raise ApplicationError(
            _("Không tìm thấy phản ánh mã %(code)s. Hãy kiểm tra lại mã cần gộp vào.")
            % {"code": code},
            code="merge_target_not_found",
        ) from None


ACTIONS = {
    "phan-loai": ("triage_form", TriageForm, None),
    "tu-choi": ("refuse_form", ReasonForm, "refuse"),
    "yeu-cau-bo-sung": ("info_form", ReasonForm, "info"),
    "chuyen-xu-ly": ("assign_form", AssignForm, None),
    "tra-loi": ("answer_form", AnswerForm, None),
    "tra-lai": ("return_form", ReasonForm, "return"),
    "cong-khai": ("publish_form", PublishForm, None),
    "gop": ("merge_form", MergeForm, None),
}


@login_required
@require_POST
def staff_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    is_helpdesk = _staff_only(request)
    if action not in ACTIONS:
        raise Http404
    report = selectors.report_get_for(user=request.user, code=code)
    name, form_class, prefix = ACTIONS[action]
    form: forms.Form
    if form_class is PublishForm:
        form = PublishForm(request.POST, prefix=prefix, report=report)
    else:
        form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            _run_action(action, report, form, request.user)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã cập nhật phản ánh %(code)s.") % {"code": report.code})
            return redirect("helpdesk:staff_detail", code=report.code)
    report.refresh_from_db()
    context = _staff_context(request, report, is_helpdesk, **{name: form})
    context["failed_action"] = name
    return render(request, "helpdesk/staff/detail.html", context, status=400)


@login_required
@require_POST
def staff_hide_photo(request: AuthenticatedHttpRequest, code: str, uuid) -> HttpResponse:
    _staff_only(request)
    report = selectors.report_get_for(user=request.user, code=code)
    photo = report.photos.filter(uuid=uuid).first()
    if photo is None:
        raise Http404
    try:
        services.report_photo_hide(photo=photo, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("helpdesk:staff_detail", code=code)


@login_required
def question_queue(request: HttpRequest) -> HttpResponse:
    is_helpdesk = _staff_only(request)
    questions = selectors.question_queue(user=request.user)
    return render(
        request,
        "helpdesk/staff/question_queue.html",
        {"questions": questions, "is_helpdesk": is_helpdesk},
    )


QUESTION_ACTIONS = {
    "chuyen": ("assign_form", QuestionAssignForm, None),
    "tra-loi": ("answer_form", AnswerForm, None),
    "cong-khai": ("publish_form", AnswerForm, "publish"),
    "tu-choi": ("refuse_form", ReasonForm, "refuse"),
}


def _question_context(request, question, is_helpdesk, **forms) -> dict:
    context = {
        "question": question,
        "is_helpdesk": is_helpdesk,
        "actions": selectors.question_actions(question=question, user=request.user),
        "assign_form": QuestionAssignForm(),
        "answer_form": AnswerForm(),
        "publish_form": AnswerForm(prefix="publish", initial={"answer": question.answer}),
        "refuse_form": ReasonForm(prefix="refuse"),
    }
    context.update(forms)
    return context


@login_required
def question_detail(request: HttpRequest, code: str) -> HttpResponse:
    is_helpdesk = _staff_only(request)
    question = selectors.question_get_for(user=request.user, code=code)
    return render(
        request,
        "helpdesk/staff/question_detail.html",
        _question_context(request, question, is_helpdesk),
    )


@login_required
@require_POST
def question_action(request: AuthenticatedHttpRequest, code: str, action: str) -> HttpResponse:
    is_helpdesk = _staff_only(request)
    if action not in QUESTION_ACTIONS:
        raise Http404
    question = selectors.question_get_for(user=request.user, code=code)
    name, form_class, prefix = QUESTION_ACTIONS[action]
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "chuyen":
                services.question_assign(question=question, by=request.user, agency=data["agency"])
            elif action == "tra-loi":
                services.question_answer(question=question, by=request.user, answer=data["answer"])
            elif action == "cong-khai":
                services.question_publish(question=question, by=request.user, answer=data["answer"])
            else:
                services.question_refuse(question=question, by=request.user, reason=data["note"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã cập nhật câu hỏi %(code)s.") % {"code": question.code})
            return redirect("helpdesk:question_detail", code=question.code)
    question.refresh_from_db()
    return render(
        request,
        "helpdesk/staff/question_detail.html",
        _question_context(request, question, is_helpdesk, **{name: form}),
        status=400,
    )
