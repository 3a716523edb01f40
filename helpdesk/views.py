"""Thin views: parse → selector/service → render. Public pages never receive a FieldReport."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest, signed_in_or_none
from common.audit import client_ip
from common.exceptions import ApplicationError
from dossiers.constants import is_online
from dossiers.models import Dossier
from helpdesk import selectors, services
from helpdesk.constants import IntakeChannel, RatingChannel, ReportCategory, ReportStatus
from helpdesk.forms import (
    AskForm,
    DossierRatingForm,
    FaqSearchForm,
    KioskIdentifyForm,
    OtpForm,
    PhoneForm,
    ReporterRatingForm,
    ReportForm,
    SupplyInfoForm,
    TrackForm,
)
from helpdesk.models import FieldReport

OTP_PENDING = "helpdesk_otp_pending"


OTP_VERIFIED = "helpdesk_otp_verified"


TRACKED = "helpdesk_tracked"


def _map_context() -> dict:
    return {
        "map_tile_url": settings.HELPDESK_MAP_TILE_URL,
        "map_tile_attribution": settings.HELPDESK_MAP_TILE_ATTRIBUTION,
    }


def map_markers(reports: Iterable[Any], url_name: str) -> list[dict[str, Any]]:
    """The reports with coordinates as map markers; none without a tile URL, where the page's
    list is the whole view (issue #20)."""
    if not settings.HELPDESK_MAP_TILE_URL:
        return []
    return [
        {
            "code": r.code,
            "title": r.title,
            "lat": float(r.latitude),
            "lon": float(r.longitude),
            "url": reverse(url_name, args=[r.code]),
        }
        for r in reports
        if r.latitude is not None and r.longitude is not None
    ]


def _tracked(request: HttpRequest) -> list[str]:
    return list(request.session.get(TRACKED, []))


def public_list(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("linh_vuc", "")
    commune = request.GET.get("xa", "")
    q = request.GET.get("q", "")[:200]
    reports = selectors.public_reports(
        category=category if category in ReportCategory.values else "", commune_code=commune, q=q
    )
    page = Paginator(reports, 20).get_page(request.GET.get("trang"))
    markers = map_markers(reports, "helpdesk:public_detail")
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
        {"form": form, "anonymous": anonymous, "locate_here": True, **_map_context()},
    )


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
            "photos": report.photos.all(),
            "supply_form": SupplyInfoForm(),
            "rating_form": ReporterRatingForm(),
            "actions": selectors.report_actions(report=report, user=request.user, is_reporter=True),
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
def dossier_rate(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    try:
        dossier = selectors.dossier_ratable_by(dossier_code=code, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("portal:my_page"))
    online = is_online(dossier.channel)
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

    dossier = Dossier.objects.select_related("applicant").get(code=dossier_code)
    form = DossierRatingForm(request.POST or None, online=is_online(dossier.channel))
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
