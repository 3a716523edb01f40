"""Thin views: parse → selector/service → render. Public pages never receive a FieldReport."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest, signed_in_or_none
from agencies.selectors import staff_agencies
from common.audit import client_ip
from common.exceptions import ApplicationError
from helpdesk import selectors, services
from helpdesk.constants import IntakeChannel, RatingChannel, ReportCategory, ReportStatus
from helpdesk.forms import (
    AnswerForm,
    AskForm,
    AssignForm,
    DossierRatingForm,
    FaqSearchForm,
    KioskIdentifyForm,
    MergeForm,
    OperatorReportForm,
    OtpForm,
    PhoneForm,
    PublishForm,
    QuestionAssignForm,
    ReasonForm,
    ReporterRatingForm,
    ReportForm,
    SupplyInfoForm,
    TrackForm,
    TriageForm,
)
from helpdesk.models import FieldReport

logger = logging.getLogger(__name__)

OTP_PENDING = "helpdesk_otp_pending"
OTP_VERIFIED = "helpdesk_otp_verified"
TRACKED = "helpdesk_tracked"


def _map_context() -> dict:
    return {
        "map_tile_url": settings.HELPDESK_MAP_TILE_URL,
        "map_tile_attribution": settings.HELPDESK_MAP_TILE_ATTRIBUTION,
    }


def _tracked(request: HttpRequest) -> list[str]:
    return list(request.session.get(TRACKED, []))


# --- public list ---------------------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("linh_vuc", "")
    commune = request.GET.get("xa", "")
    q = request.GET.get("q", "")[:200]
    reports = selectors.public_reports(
        category=category if category in ReportCategory.values else "", commune_code=commune, q=q
    )
    page = Paginator(reports, 20).get_page(request.GET.get("trang"))
    markers = [
        {
            "code": r.code,
            "title": r.title,
            "lat": float(r.latitude),
            "lon": float(r.longitude),
            "url": reverse("helpdesk:public_detail", args=[r.code]),
        }
        for r in reports
        if r.latitude is not None and r.longitude is not None
    ]
    return render(
        request,
        "helpdesk/public_list.html",
        {
            "page": page,
            "markers": markers,
            "categories": ReportCategory.choices,
            "communes": selectors.communes(),
            "selected": {"category": category, "commune": commune, "q": q},
            **_map_context(),
        },
    )


def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    report = selectors.public_report(code=code)
    return render(request, "helpdesk/public_detail.html", {"report": report, **_map_context()})


def photo(request: HttpRequest, uuid) -> FileResponse:
    photo = selectors.photo_for(user=request.user, uuid=str(uuid), tracked_codes=_tracked(request))
    document = photo.document
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Cache-Control"] = (
        "private, no-store"
        if photo.report.status != ReportStatus.PUBLISHED
        else "public, max-age=300"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- submitting a report -------------------------------------------------------------------------


def verify_phone(request: HttpRequest) -> HttpResponse:
    """Anonymous reporters prove their phone first, so the report form loses nothing later."""
    if request.user.is_authenticated:
        return redirect("helpdesk:report_new")
    phone_form, otp_form = PhoneForm(), OtpForm()
    pending = request.session.get(OTP_PENDING)
    if request.method == "POST" and "phone" in request.POST:
        phone_form = PhoneForm(request.POST)
        if phone_form.is_valid():
            try:
                verification = services.phone_verification_start(
                    phone=phone_form.cleaned_data["phone"], client_ip=client_ip(request) or ""
                )
            except ApplicationError as exc:
                phone_form.add_error("phone", exc.message)
            else:
                request.session[OTP_PENDING] = str(verification.uuid)
                messages.info(request, _("Đã gửi mã xác thực qua SMS."))
                return redirect("helpdesk:verify_phone")
    elif request.method == "POST" and pending:
        otp_form = OtpForm(request.POST)
        if otp_form.is_valid():
            try:
                services.phone_verification_check(
                    verification_uuid=pending, code=otp_form.cleaned_data["code"]
                )
            except ApplicationError as exc:
                otp_form.add_error("code", exc.message)
            else:
                request.session[OTP_VERIFIED] = pending
                request.session.pop(OTP_PENDING, None)
                return redirect("helpdesk:report_new")
    return render(
        request,
        "helpdesk/verify_phone.html",
        {"phone_form": phone_form, "otp_form": otp_form, "pending": bool(pending)},
    )


def report_new(request: HttpRequest) -> HttpResponse:
    anonymous = not request.user.is_authenticated
    verified = request.session.get(OTP_VERIFIED)
    if anonymous and not verified:
        return redirect("helpdesk:verify_phone")
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_submit(
                channel=IntakeChannel.WEB,
                category=data["category"],
                title=data["title"],
                description=data["description"],
                commune=data["commune"],
                address=data["address"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                reporter=signed_in_or_none(request),
                verification_uuid=verified or "",
                photos=form.photo_list(),
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            request.session.pop(OTP_VERIFIED, None)
            request.session[TRACKED] = [*_tracked(request), report.code][-20:]
            messages.success(
                request, _("Đã gửi phản ánh. Mã tra cứu của bạn: %(code)s") % {"code": report.code}
            )
            return redirect("helpdesk:track_detail", code=report.code)
    return render(
        request,
        "helpdesk/report_form.html",
        {"form": form, "anonymous": anonymous, **_map_context()},
    )


# --- following a report --------------------------------------------------------------------------


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.tracking_attempt(client_ip=client_ip(request) or "")
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return render(request, "helpdesk/track.html", {"form": form}, status=429)
        report = selectors.report_track(
            code=form.cleaned_data["code"], phone=form.cleaned_data["phone"]
        )
        if report is None:
            form.add_error(None, _("Không tìm thấy phản ánh với mã và số điện thoại này."))
        else:
            request.session[TRACKED] = [*_tracked(request), report.code][-20:]
            return redirect("helpdesk:track_detail", code=report.code)
    return render(request, "helpdesk/track.html", {"form": form})


def _report_for_reporter(request: HttpRequest, code: str) -> FieldReport:
    report = FieldReport.objects.filter(code=code).select_related("commune", "merged_into").first()
    if report is None:
        raise Http404
    owner = request.user.is_authenticated and report.reporter_id == request.user.pk
    if not (owner or code in _tracked(request)):
        raise Http404
    return report


def track_detail(request: HttpRequest, code: str) -> HttpResponse:
    report = _report_for_reporter(request, code)
    public_events = report.events.exclude(note="").filter(
        action__in=["info_requested", "refused", "published", "reopened"]
    )
    return render(
        request,
        "helpdesk/track_detail.html",
        {
            "report": report,
            "events": report.events.all(),
            "public_events": public_events,
            "supply_form": SupplyInfoForm(),
            "rating_form": ReporterRatingForm(),
            "can_rate": report.status == ReportStatus.PUBLISHED
            and (
                report.rated_at is None
                or (report.published_at is not None and report.rated_at < report.published_at)
            ),
        },
    )


@require_POST
def track_supply(request: HttpRequest, code: str) -> HttpResponse:
    report = _report_for_reporter(request, code)
    form = SupplyInfoForm(request.POST)
    if form.is_valid():
        try:
            services.report_supply_info(
                report=report, text=form.cleaned_data["text"], by=signed_in_or_none(request)
            )
            messages.success(request, _("Đã gửi thông tin bổ sung."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Hãy nhập thông tin bổ sung."))
    return redirect("helpdesk:track_detail", code=code)


@require_POST
def track_rate(request: HttpRequest, code: str) -> HttpResponse:
    report = _report_for_reporter(request, code)
    form = ReporterRatingForm(request.POST)
    if form.is_valid():
        try:
            services.report_rate(
                report=report,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                reopen=form.cleaned_data["reopen"],
                by=signed_in_or_none(request),
            )
            messages.success(request, _("Cảm ơn bạn đã đánh giá."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Hãy chọn mức đánh giá."))
    return redirect("helpdesk:track_detail", code=code)


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    reports = selectors.reports_for_reporter(user=request.user)
    return render(request, "helpdesk/my_reports.html", {"reports": reports})


# --- triage workspace ----------------------------------------------------------------------------


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
    return {
        "report": report,
        "is_helpdesk": is_helpdesk,
        "can_answer": report.status == ReportStatus.ASSIGNED
        and selectors.report_answerable_by(report=report, user=request.user),
        "timers": selectors.report_timers(report),
        "events": report.events.select_related("actor"),
        # An agency sees what the reporter did, not who they are.
        "reporter_actions": ["submitted", "info_supplied", "rated", "reopened"],
        "suggestions": selectors.duplicate_suggestions(report=report, user=request.user),
        "duplicates": report.duplicates.all(),
        "photos": report.photos.all(),
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
    extra = {"report": report} if form_class is PublishForm else {}
    form = form_class(request.POST, prefix=prefix, **extra)
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


# --- questions and answers -----------------------------------------------------------------------


def faq(request: HttpRequest) -> HttpResponse:
    form = FaqSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    questions = selectors.faq(q=q, procedure_code=request.GET.get("thu_tuc", "")[:32])
    page = Paginator(questions, 20).get_page(request.GET.get("trang"))
    return render(request, "helpdesk/faq.html", {"form": form, "page": page, "q": q})


def faq_entry(request: HttpRequest, code: str) -> HttpResponse:
    question = selectors.faq_entry(code=code)
    return render(request, "helpdesk/faq_entry.html", {"question": question})


@login_required
def ask(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AskForm(request.POST or None, initial={"procedure_code": request.GET.get("thu_tuc", "")})
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_ask(asker=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã gửi câu hỏi %(code)s.") % {"code": question.code})
            return redirect("helpdesk:my_questions")
    return render(request, "helpdesk/ask.html", {"form": form})


@login_required
def my_questions(request: AuthenticatedHttpRequest) -> HttpResponse:
    questions = selectors.questions_visible_to(user=request.user).filter(asker=request.user)
    return render(request, "helpdesk/my_questions.html", {"questions": questions})


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
        "can_answer": question.status in ("new", "assigned")
        and selectors.question_answerable_by(question=question, user=request.user),
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


# --- satisfaction ratings ------------------------------------------------------------------------


@login_required
def dossier_rate(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    try:
        dossier = selectors.dossier_ratable_by(dossier_code=code, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("portal:my_page"))
    online = dossier.channel == "online"
    form = DossierRatingForm(request.POST or None, online=online)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_rate(
                dossier_code=code,
                by=request.user,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Cảm ơn bạn đã đánh giá mức độ hài lòng."))
            return redirect(reverse("portal:my_page"))
    survey = selectors.survey_link_for(procedure_code=dossier.procedure_code)
    return render(
        request, "helpdesk/dossier_rate.html", {"form": form, "dossier": dossier, "survey": survey}
    )


# --- kiosk at the counter ------------------------------------------------------------------------

KIOSK_DOSSIER = "helpdesk_kiosk_dossier"
# A tablet left mid-rating forgets the dossier, so the next person starts from the beginning.
KIOSK_IDLE_SECONDS = 300


def _kiosk_dossier(request: HttpRequest) -> str | None:
    held = request.session.get(KIOSK_DOSSIER)
    if not held or time.time() - held.get("at", 0) > KIOSK_IDLE_SECONDS:
        request.session.pop(KIOSK_DOSSIER, None)
        return None
    return held["code"]


def kiosk(request: HttpRequest) -> HttpResponse:
    """A counter tablet: dossier code (typed or scanned from the receipt's QR) + last 4 phone
    digits → the rating form → thanks, and back to the start for the next person."""
    dossier_code = _kiosk_dossier(request)
    if request.method == "POST" and request.POST.get("step") == "identify":
        identify_form = KioskIdentifyForm(request.POST)
        if identify_form.is_valid():
            try:
                services.kiosk_attempt(client_ip=client_ip(request) or "")
                dossier = selectors.dossier_for_kiosk(**identify_form.cleaned_data)
            except ApplicationError as exc:
                identify_form.add_error(None, exc.message)
            else:
                request.session[KIOSK_DOSSIER] = {"code": dossier.code, "at": time.time()}
                return redirect("helpdesk:kiosk")
        return render(request, "helpdesk/kiosk.html", {"identify_form": identify_form})
    if dossier_code is None:
        initial = {"dossier_code": request.GET.get("ma", "")[:64]}
        return render(
            request, "helpdesk/kiosk.html", {"identify_form": KioskIdentifyForm(initial=initial)}
        )
    from dossiers.models import Dossier

    dossier = Dossier.objects.select_related("applicant").get(code=dossier_code)
    form = DossierRatingForm(request.POST or None, online=dossier.channel == "online")
    if request.method == "POST" and request.POST.get("step") == "rate" and form.is_valid():
        try:
            services.dossier_rate(
                dossier_code=dossier_code,
                by=dossier.applicant,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                channel=RatingChannel.KIOSK,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            request.session.pop(KIOSK_DOSSIER, None)
            return render(request, "helpdesk/kiosk_thanks.html")
    return render(request, "helpdesk/kiosk.html", {"rating_form": form, "dossier": dossier})


@require_POST
def kiosk_reset(request: HttpRequest) -> HttpResponse:
    request.session.pop(KIOSK_DOSSIER, None)
    return redirect("helpdesk:kiosk")
