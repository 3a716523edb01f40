"""Writes of the citizen-voice app: field reports and their triage, questions, dossier ratings.

Every state change goes through one function here, writes a `ReportEvent` (reports) or an audit
event (questions, ratings), and queues messages after commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.calendar import add_working_days
from agencies.constants import COMMUNE_KINDS
from agencies.models import Agency
from common.audit import audit_record
from common.exceptions import ApplicationError
from common.links import site_url
from common.ratelimit import rate_limit_hit
from common.text import fold
from helpdesk import selectors
from helpdesk.constants import (
    OPEN_REPORT_STATUSES,
    SATISFIED_FROM,
    IntakeChannel,
    Priority,
    QuestionStatus,
    RatingChannel,
    RatingCriterion,
    ReportAction,
    ReportCategory,
    ReportStatus,
    Stage,
)
from helpdesk.models import (
    CodeCounter,
    DossierRating,
    FieldReport,
    PhoneVerification,
    Question,
    ReportEvent,
    ReportPhoto,
)
from helpdesk.sms import send_sms
from notifications.constants import Event

logger = logging.getLogger(__name__)
R = ReportStatus

MAX_PHOTOS = 5
# Tây Ninh after the 2025 merger (with Long An), with a margin: a pin outside is a mistake.
PROVINCE_BOUNDS = {
    "lat": (Decimal("10.0"), Decimal("12.0")),
    "lon": (Decimal("105.5"), Decimal("107.0")),
}


class HelpdeskError(ApplicationError):
    """A citizen-voice rule refused the request; the message is translated and shown as is."""


# --- codes, clock and history -----------------------------------------------------------------


def _next_code(prefix: str, now: dt.datetime) -> str:
    year = timezone.localtime(now).year
    counter, _created = CodeCounter.objects.select_for_update().get_or_create(
        prefix=prefix, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"


def stage_due(stage: Stage, start: dt.datetime) -> dt.datetime:
    """The due moment of a QĐ 766 5.2 stage started at `start`, on the province's calendar."""
    return add_working_days(start, selectors.stage_working_days(stage))


def _record(
    report: FieldReport,
    action: ReportAction,
    *,
    actor: User | None,
    from_status: str = "",
    note: str = "",
    data: dict | None = None,
) -> ReportEvent:
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return ReportEvent.objects.create(
        report=report,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=report.status,
        note=note,
        data=data or {},
    )


def _require(report: FieldReport, allowed: set[str] | frozenset[str]) -> str:
    if report.status not in allowed:
        raise HelpdeskError(
            _("Không thể thực hiện thao tác này khi phản ánh đang ở trạng thái “%(status)s”.")
            % {"status": report.get_status_display()},
            code="wrong_status",
        )
    return report.status


def _require_helpdesk(user: User | None) -> None:
    if user is None or not selectors.is_helpdesk_officer(user=user):
        raise HelpdeskError(
            _("Chỉ cán bộ tổng đài 1022 được thực hiện thao tác này."), code="forbidden"
        )


def _locked(report: FieldReport) -> FieldReport:
    return FieldReport.objects.select_for_update().get(pk=report.pk)


# --- phone verification for anonymous reporters ---------------------------------------------------


def normalise_phone(phone: str) -> str:
    from notifications.channels.base import phone_e164

    normalised = phone_e164(phone)
    if not normalised:
        raise HelpdeskError(_("Số điện thoại không hợp lệ, ví dụ: 0912 345 678."), code="phone")
    return normalised


def _code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def _rate_limit(key: str, limit: int, seconds: int, message: str = "") -> None:
    if rate_limit_hit(key, limit=limit, window=seconds):
        message = message or _(
            "Bạn đã yêu cầu quá nhiều mã xác thực. Vui lòng thử lại sau %(minutes)s phút."
        )
        raise HelpdeskError(message % {"minutes": max(1, seconds // 60)}, code="rate_limited")


@transaction.atomic
def phone_verification_start(*, phone: str, client_ip: str = "") -> PhoneVerification:
    """Send a 6-digit code by SMS. Limited per phone and per address (HELPDESK_OTP_* settings)."""
    normalised = normalise_phone(phone)
    window = settings.HELPDESK_OTP_WINDOW_SECONDS
    _rate_limit(f"helpdesk:otp:phone:{normalised}", settings.HELPDESK_OTP_PER_PHONE, window)
    if client_ip:
        _rate_limit(f"helpdesk:otp:ip:{client_ip}", settings.HELPDESK_OTP_PER_IP, window)
    code = f"{secrets.randbelow(1_000_000):06d}"
    verification = PhoneVerification.objects.create(
        phone=normalised,
        code_hash=_code_hash(code),
        expires_at=timezone.now() + dt.timedelta(seconds=settings.HELPDESK_OTP_TTL_SECONDS),
    )
    # The outbox row holds the code in clear until it expires (ADR 0081); only its hash is kept here.
    send_sms(
        to=normalised,
        event=Event.HELPDESK_PHONE_CODE,
        context={"code": code, "minutes": str(settings.HELPDESK_OTP_TTL_SECONDS // 60)},
    )
    return verification


def _verification_for_update(verification_uuid: str) -> PhoneVerification | None:
    try:
        key = uuid.UUID(str(verification_uuid))
    except ValueError:
        return None
    return PhoneVerification.objects.select_for_update().filter(uuid=key).first()


def phone_verification_check(*, verification_uuid: str, code: str) -> PhoneVerification:
    """Check the code. A wrong try is counted and committed before the refusal is raised."""
    with transaction.atomic():
        verification = _verification_for_update(verification_uuid)
        if verification is None or verification.used_at is not None:
            raise HelpdeskError(
                _("Phiên xác thực không còn hiệu lực; hãy yêu cầu mã mới."), code="otp"
            )
        if verification.verified_at is not None:
            return verification
        if timezone.now() > verification.expires_at:
            raise HelpdeskError(
                _("Mã xác thực đã hết hạn; hãy yêu cầu mã mới."), code="otp_expired"
            )
        if verification.attempts >= settings.HELPDESK_OTP_MAX_ATTEMPTS:
            raise HelpdeskError(
                _("Đã nhập sai quá số lần cho phép; hãy yêu cầu mã mới."), code="otp"
            )
        verification.attempts += 1
        correct = hmac.compare_digest(verification.code_hash, _code_hash(code.strip()))
        if correct:
            verification.verified_at = timezone.now()
        verification.save(update_fields=["attempts", "verified_at", "updated_at"])
    if not correct:
        raise HelpdeskError(_("Mã xác thực không đúng."), code="otp_wrong")
    return verification


def _consume_verification(verification_uuid: str) -> PhoneVerification:
    verification = _verification_for_update(verification_uuid)
    fresh_after = timezone.now() - dt.timedelta(seconds=settings.HELPDESK_OTP_SESSION_SECONDS)
    if (
        verification is None
        or verification.verified_at is None
        or verification.used_at is not None
        or verification.verified_at < fresh_after
    ):
        raise HelpdeskError(
            _("Số điện thoại chưa được xác thực hoặc phiên xác thực đã hết hạn."), code="otp"
        )
    verification.used_at = timezone.now()
    verification.save(update_fields=["used_at", "updated_at"])
    return verification


# --- intake -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Photo:
    name: str
    data: bytes


def _check_place(commune: Agency, latitude: Decimal | None, longitude: Decimal | None) -> None:
    if commune.kind not in COMMUNE_KINDS:
        raise HelpdeskError(_("Hãy chọn một xã, phường hoặc đặc khu của tỉnh."), code="commune")
    if (latitude is None) != (longitude is None):
        raise HelpdeskError(_("Tọa độ phải có cả vĩ độ và kinh độ."), code="coordinates")
    if latitude is not None and longitude is not None:
        lat_lo, lat_hi = PROVINCE_BOUNDS["lat"]
        lon_lo, lon_hi = PROVINCE_BOUNDS["lon"]
        if not (lat_lo <= latitude <= lat_hi and lon_lo <= longitude <= lon_hi):
            raise HelpdeskError(_("Vị trí đã chọn nằm ngoài tỉnh Tây Ninh."), code="coordinates")


def _intake_account() -> User:
    """The system account that owns report photos (they belong to no citizen's data store)."""
    user, created = User.objects.get_or_create(
        email=settings.HELPDESK_INTAKE_ACCOUNT_EMAIL,
        defaults={"full_name": "Tổng đài 1022 (hệ thống)", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _store_photos(report: FieldReport, photos: Sequence[Photo], by: User | None) -> None:
    from documents.constants import DocumentSource, UseKind
    from documents.services import UseSpec, document_store

    if len(photos) + report.photos.count() > MAX_PHOTOS:
        raise HelpdeskError(
            _("Mỗi phản ánh được gửi tối đa %(n)s ảnh.") % {"n": MAX_PHOTOS}, code="photos"
        )
    owner = _intake_account()
    stored: list[str] = []
    try:
        for index, photo in enumerate(photos, start=1):
            document = document_store(
                data=photo.data,
                title=f"Ảnh phản ánh {report.code} ({index})",
                source=DocumentSource.UPLOADED,
                owner_user=owner,
                original_name=photo.name,
                created_by=by if getattr(by, "is_authenticated", False) else None,
                use=UseSpec(kind=UseKind.OTHER, reference=report.code, label="Phản ánh 1022"),
            )
            # `document_store` has just written the file, so it has a name.
            assert document.file.name is not None
            stored.append(document.file.name)
            ReportPhoto.objects.create(report=report, document=document)
    except Exception:
        # The rows roll back with the report; the files already written would stay behind.
        for name in stored:
            default_storage.delete(name)
        raise


@transaction.atomic
def report_submit(
    *,
    channel: IntakeChannel,
    category: str,
    title: str,
    description: str,
    commune: Agency,
    address: str,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    reporter: User | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    verification_uuid: str = "",
    entered_by: User | None = None,
    external_reference: str = "",
    dossier_code: str = "",
    photos: Sequence[Photo] = (),
) -> FieldReport:
    """Receive a report from any channel and start the 5.2 clock.

    Web: a signed-in `reporter`, or an anonymous one whose phone passed `verification_uuid`.
    Operator: `entered_by` a helpdesk officer typing in a call. API: channel hotline/zalo.
    """
    if category not in ReportCategory.values:
        raise HelpdeskError(_("Hãy chọn lĩnh vực phản ánh."), code="category")
    if not title.strip() or not description.strip() or not address.strip():
        raise HelpdeskError(_("Tiêu đề, nội dung và địa chỉ là bắt buộc."), code="required")
    _check_place(commune, latitude, longitude)
    phone_verified = False
    if reporter is not None and not reporter.is_authenticated:
        reporter = None
    if channel == IntakeChannel.WEB and reporter is None:
        verification = _consume_verification(verification_uuid)
        reporter_phone, phone_verified = verification.phone, True
    elif reporter_phone:
        reporter_phone = normalise_phone(reporter_phone)
    if channel == IntakeChannel.OPERATOR:
        _require_helpdesk(entered_by)
    if reporter is None and not reporter_phone:
        raise HelpdeskError(_("Cần số điện thoại để báo kết quả cho người phản ánh."), code="phone")
    if reporter is not None:
        reporter_name = reporter_name or reporter.get_full_name()
        reporter_email = reporter_email or reporter.email

    now = timezone.now()
    report = FieldReport(
        code=_next_code("PA", now),
        channel=channel,
        category=category,
        title=title.strip()[:200],
        description=description.strip(),
        search_text=fold(f"{title} {description} {address}"),
        commune=commune,
        address=address.strip()[:255],
        latitude=latitude,
        longitude=longitude,
        reporter=reporter,
        reporter_name=reporter_name[:150],
        reporter_phone=reporter_phone,
        reporter_email=reporter_email,
        phone_verified=phone_verified,
        entered_by=entered_by,
        external_reference=external_reference[:64],
        dossier_code=dossier_code[:64],
        received_at=now,
        refuse_due_at=stage_due(Stage.REFUSE, now),
        info_due_at=stage_due(Stage.REQUEST_INFO, now),
        process_due_at=stage_due(Stage.PROCESS, now),
    )
    report.full_clean(exclude=["commune", "reporter", "entered_by", "merged_into"])
    report.save()
    _store_photos(report, photos, reporter or entered_by)
    _record(report, ReportAction.SUBMITTED, actor=reporter or entered_by, data={"channel": channel})
    if reporter is None:
        send_sms(
            to=report.reporter_phone,
            event=Event.HELPDESK_REPORT_RECEIVED,
            context={
                "report_code": report.code,
                "tracking_url": site_url("helpdesk:track"),
            },
            reference=report.code,
        )
    return report


# --- triage -------------------------------------------------------------------------------------


@transaction.atomic
def report_triage(*, report: FieldReport, by: User, category: str, priority: str) -> FieldReport:
    _require_helpdesk(by)
    report = _locked(report)
    _require(report, OPEN_REPORT_STATUSES)
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
    previous = _require(report, {R.NEW, R.NEEDS_INFO})
    report.status, report.refusal_reason, report.refused_at = (
        R.REFUSED,
        reason.strip(),
        timezone.now(),
    )
    report.was_overdue = report.was_overdue or report.refused_at > report.refuse_due_at
    report.save(
        update_fields=["status", "refusal_reason", "refused_at", "was_overdue", "updated_at"]
    )
    _record(report, ReportAction.REFUSED, actor=by, from_status=previous, note=reason)
    _tell_reporter(report, _("Không được tiếp nhận: %(reason)s") % {"reason": reason.strip()[:100]})
    return report


@transaction.atomic
def report_request_info(*, report: FieldReport, by: User, note: str) -> FieldReport:
    _require_helpdesk(by)
    if not note.strip():
        raise HelpdeskError(_("Hãy nêu thông tin cần bổ sung."), code="note")
    report = _locked(report)
    previous = _require(report, {R.NEW})
    now = timezone.now()
    report.status, report.info_request = R.NEEDS_INFO, note.strip()
    report.info_requested_at = report.info_requested_at or now
    report.save(update_fields=["status", "info_request", "info_requested_at", "updated_at"])
    _record(report, ReportAction.INFO_REQUESTED, actor=by, from_status=previous, note=note)
    _tell_reporter(report, _("Cần bổ sung thông tin: %(reason)s") % {"reason": note.strip()[:100]})
    return report


@transaction.atomic
def report_supply_info(*, report: FieldReport, text: str, by: User | None = None) -> FieldReport:
    """The reporter answers a request for information; the processing clock restarts."""
    if not text.strip():
        raise HelpdeskError(_("Hãy nhập thông tin bổ sung."), code="text")
    report = _locked(report)
    previous = _require(report, {R.NEEDS_INFO})
    now = timezone.now()
    stamp = timezone.localtime(now).strftime("%d/%m/%Y %H:%M")
    report.description = f"{report.description}\n\n[{_('Bổ sung')} {stamp}] {text.strip()}"
    report.search_text = fold(f"{report.title} {report.description} {report.address}")
    report.status = R.NEW
    report.process_due_at = stage_due(Stage.PROCESS, now)
    report.save(
        update_fields=["description", "search_text", "status", "process_due_at", "updated_at"]
    )
    _record(report, ReportAction.INFO_SUPPLIED, actor=by, from_status=previous, note=text)
    return report


@transaction.atomic
def report_assign(*, report: FieldReport, by: User, agency: Agency, note: str = "") -> FieldReport:
    _require_helpdesk(by)
    report = _locked(report)
    previous = _require(report, {R.NEW, R.NEEDS_INFO, R.ASSIGNED, R.ANSWERED})
    report.status, report.assigned_agency, report.assigned_at = R.ASSIGNED, agency, timezone.now()
    report.save(update_fields=["status", "assigned_agency", "assigned_at", "updated_at"])
    _record(
        report,
        ReportAction.ASSIGNED,
        actor=by,
        from_status=previous,
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


def _notify_answer_ready(
    *, by: User, agency: Agency | None, code: str, title: str, url: str
) -> None:
    """Tell the helpdesk officers an agency's answer waits for their review and publication
    (not when a helpdesk officer answered: they publish it themselves)."""
    from notifications.services import notify

    if selectors.is_helpdesk_officer(user=by):
        return
    officers = list(selectors.helpdesk_officers())
    if officers:
        notify(
            event=Event.HELPDESK_ANSWER_READY,
            recipient=officers,
            context={
                "item_code": code,
                "item_title": title,
                "agency_name": agency.name if agency else "",
                "item_url": url,
            },
            reference=code,
        )


def _notify_assigned(*, agency: Agency, code: str, title: str, url: str) -> None:
    """Queue `helpdesk_assigned` for the agency's staff in the caller's transaction (sent after
    commit, nothing on rollback)."""
    from notifications.services import notify

    staff = list(selectors.agency_helpdesk_staff(agency=agency))
    if staff:
        notify(
            event=Event.HELPDESK_ASSIGNED,
            recipient=staff,
            context={
                "item_code": code,
                "item_title": title,
                "agency_name": agency.name,
                "item_url": url,
            },
            reference=code,
        )


@transaction.atomic
def report_answer(*, report: FieldReport, by: User, answer: str) -> FieldReport:
    """The assigned agency answers; the helpdesk then reviews and publishes within 2 days."""
    if not answer.strip():
        raise HelpdeskError(_("Hãy nhập nội dung trả lời."), code="answer")
    report = _locked(report)
    previous = _require(report, {R.ASSIGNED})
    if not selectors.report_answerable_by(report=report, user=by):
        raise HelpdeskError(
            _("Phản ánh này không được giao cho cơ quan của bạn."), code="forbidden"
        )
    now = timezone.now()
    report.status, report.answer, report.answered_by, report.answered_at = (
        R.ANSWERED,
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
    _record(report, ReportAction.ANSWERED, actor=by, from_status=previous, note=answer)
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
    previous = _require(report, {R.ANSWERED})
    report.status = R.ASSIGNED
    report.save(update_fields=["status", "updated_at"])
    _record(report, ReportAction.ANSWER_RETURNED, actor=by, from_status=previous, note=note)
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
    previous = _require(report, {R.ANSWERED})
    now = timezone.now()
    report.status, report.published_at = R.PUBLISHED, now
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
    _record(report, ReportAction.PUBLISHED, actor=by, from_status=previous)
    for each in [report, *report.duplicates.all()]:
        _tell_reporter(each, answered=True)
    return report


def _tell_reporter(report: FieldReport, update: str = "", *, answered: bool = False) -> None:
    """Queue the reporter's message in the outbox: to their account when they have one, else by
    SMS to the phone they verified (`notify_phone`). Sent after the caller's commit."""
    from notifications.services import notify

    url = site_url("helpdesk:track_detail", report.code)
    if answered:
        event = Event.HELPDESK_ANSWERED
        context = {
            "citizen_name": report.reporter_name
            or (report.reporter.get_full_name() if report.reporter else ""),
            "question_code": report.code,
            "question_title": report.shown_title,
            "answer_url": url,
        }
    else:
        event = Event.HELPDESK_REPORT_UPDATE
        context = {"report_code": report.code, "update": update, "tracking_url": url}
    if report.reporter is not None:
        notify(event=event, recipient=report.reporter, context=context, reference=report.code)
    elif report.reporter_phone:
        send_sms(to=report.reporter_phone, event=event, context=context, reference=report.code)


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
    previous = _require(report, {R.PUBLISHED})
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
        report.status = R.ASSIGNED if report.assigned_agency_id else R.NEW
        report.reopen_count += 1
        report.process_due_at = stage_due(Stage.PROCESS, now)
        report.publish_due_at = None
        fields += ["status", "reopen_count", "process_due_at", "publish_due_at"]
    report.save(update_fields=fields)
    _record(
        report,
        ReportAction.RATED,
        actor=by,
        from_status=previous,
        data={"rating": rating},
        note=comment,
    )
    if report.status != R.PUBLISHED:
        _record(report, ReportAction.REOPENED, actor=by, from_status=previous, note=comment)
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
    previous = _require(duplicate, OPEN_REPORT_STATUSES)
    if into.status not in OPEN_REPORT_STATUSES | {R.PUBLISHED}:
        raise HelpdeskError(
            _("Chỉ gộp vào một phản ánh đang xử lý hoặc đã công khai."), code="merge"
        )
    duplicate.status, duplicate.merged_into = R.MERGED, into
    duplicate.save(update_fields=["status", "merged_into", "updated_at"])
    # Reports already merged into the duplicate follow it to the surviving report.
    FieldReport.objects.filter(merged_into=duplicate).update(merged_into=into)
    _record(
        duplicate, ReportAction.MERGED, actor=by, from_status=previous, data={"into": into.code}
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


# --- questions and answers ----------------------------------------------------------------------


def _question_audit(question: Question, action: str, by: User | None, **data: Any) -> None:
    audit_record(action=f"helpdesk.question.{action}", actor=by, obj=question, data=data)


@transaction.atomic
def question_ask(*, asker: User, title: str, body: str, procedure_code: str = "") -> Question:
    if not title.strip() or not body.strip():
        raise HelpdeskError(_("Tiêu đề và nội dung câu hỏi là bắt buộc."), code="required")
    now = timezone.now()
    question = Question.objects.create(
        code=_next_code("HD", now),
        asker=asker,
        title=title.strip()[:200],
        body=body.strip(),
        procedure_code=procedure_code.strip()[:32],
        search_text=fold(f"{title} {body}"),
        due_at=stage_due(Stage.PROCESS, now),
    )
    _question_audit(question, "asked", asker)
    return question


def _question_locked(question: Question, allowed: set[str]) -> Question:
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status not in allowed:
        raise HelpdeskError(
            _("Không thể thực hiện thao tác này khi câu hỏi đang ở trạng thái “%(status)s”.")
            % {"status": question.get_status_display()},
            code="wrong_status",
        )
    return question


@transaction.atomic
def question_assign(*, question: Question, by: User, agency: Agency) -> Question:
    _require_helpdesk(by)
    question = _question_locked(
        question, {QuestionStatus.NEW, QuestionStatus.ASSIGNED, QuestionStatus.ANSWERED}
    )
    question.status, question.assigned_agency = QuestionStatus.ASSIGNED, agency
    question.save(update_fields=["status", "assigned_agency", "updated_at"])
    _question_audit(question, "assigned", by, agency=agency.code)
    _notify_assigned(
        agency=agency,
        code=question.code,
        title=question.title,
        url=site_url("helpdesk:question_detail", question.code),
    )
    return question


@transaction.atomic
def question_answer(*, question: Question, by: User, answer: str) -> Question:
    if not answer.strip():
        raise HelpdeskError(_("Hãy nhập nội dung trả lời."), code="answer")
    question = _question_locked(question, {QuestionStatus.NEW, QuestionStatus.ASSIGNED})
    if not selectors.question_answerable_by(question=question, user=by):
        raise HelpdeskError(_("Câu hỏi này không được giao cho cơ quan của bạn."), code="forbidden")
    question.status, question.answer = QuestionStatus.ANSWERED, answer.strip()
    question.answered_by, question.answered_at = by, timezone.now()
    question.save(update_fields=["status", "answer", "answered_by", "answered_at", "updated_at"])
    _question_audit(question, "answered", by)
    _notify_answer_ready(
        by=by,
        agency=question.assigned_agency,
        code=question.code,
        title=question.title,
        url=site_url("helpdesk:question_detail", question.code),
    )
    return question


@transaction.atomic
def question_publish(*, question: Question, by: User, answer: str) -> Question:
    _require_helpdesk(by)
    if not answer.strip():
        raise HelpdeskError(_("Hãy nhập nội dung trả lời."), code="answer")
    question = _question_locked(question, {QuestionStatus.ANSWERED})
    question.status, question.answer, question.published_at = (
        QuestionStatus.PUBLISHED,
        answer.strip(),
        timezone.now(),
    )
    question.search_text = fold(f"{question.title} {question.body} {question.answer}")
    question.save(update_fields=["status", "answer", "published_at", "search_text", "updated_at"])
    _question_audit(question, "published", by)
    if question.asker is not None:
        from notifications.services import notify

        notify(
            event=Event.HELPDESK_ANSWERED,
            recipient=question.asker,
            context={
                "citizen_name": question.asker.get_full_name(),
                "question_code": question.code,
                "question_title": question.title,
                "answer_url": site_url("helpdesk:faq_entry", question.code),
            },
            reference=question.code,
        )
    return question


@transaction.atomic
def question_refuse(*, question: Question, by: User, reason: str) -> Question:
    _require_helpdesk(by)
    if not reason.strip():
        raise HelpdeskError(_("Hãy nêu lý do."), code="reason")
    question = _question_locked(question, {QuestionStatus.NEW, QuestionStatus.ASSIGNED})
    question.status, question.refusal_reason = QuestionStatus.REFUSED, reason.strip()
    question.save(update_fields=["status", "refusal_reason", "updated_at"])
    _question_audit(question, "refused", by, reason=reason)
    return question


def tracking_attempt(*, client_ip: str) -> None:
    """Looking a report up by code + phone is limited per address, so codes cannot be trawled."""
    _rate_limit(
        f"helpdesk:track:{client_ip}",
        settings.HELPDESK_KIOSK_ATTEMPTS,
        600,
        _("Tra cứu quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút."),
    )


def kiosk_attempt(*, client_ip: str) -> None:
    """Counter tablets may not be used to guess dossier codes: a few tries per device and window."""
    _rate_limit(
        f"helpdesk:kiosk:{client_ip}",
        settings.HELPDESK_KIOSK_ATTEMPTS,
        600,
        _("Thử quá nhiều lần. Vui lòng nhờ cán bộ hỗ trợ hoặc thử lại sau %(minutes)s phút."),
    )


# --- satisfaction ratings of dossiers ------------------------------------------------------------

RATING_FIELDS = tuple(c.value for c in RatingCriterion)


@transaction.atomic
def dossier_rate(
    *,
    dossier_code: str,
    by: User,
    scores: dict[str, int],
    comment: str = "",
    channel: RatingChannel = RatingChannel.WEB,
) -> DossierRating:
    """The applicant rates a returned dossier, once (Decree 118 Art. 33)."""
    dossier = selectors.dossier_ratable_by(dossier_code=dossier_code, user=by)
    required = [f for f in RATING_FIELDS if f != RatingCriterion.ONLINE]
    if dossier.channel == "online":
        required.append(RatingCriterion.ONLINE)
    cleaned: dict[str, int] = {}
    for name in RATING_FIELDS:
        value = scores.get(name)
        if value is None and name not in required:
            continue
        if value is None or value not in range(1, 6):
            raise HelpdeskError(_("Hãy chấm điểm từ 1 đến 5 cho mọi tiêu chí."), code="scores")
        cleaned[name] = int(value)
    average = Decimal(sum(cleaned.values())) / Decimal(len(cleaned))
    rating = DossierRating.objects.create(
        dossier=dossier,
        rated_by=by,
        channel=channel,
        agency=dossier.competent_agency or dossier.receiving_agency,
        procedure_code=dossier.procedure_code,
        average=average.quantize(Decimal("0.01")),
        comment=comment.strip(),
        **cleaned,
    )
    audit_record(
        action="helpdesk.dossier_rated",
        actor=by,
        obj=rating,
        data={"dossier": dossier.code, "average": str(rating.average)},
    )
    return rating
