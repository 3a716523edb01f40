"""Intake of field reports: phone verification of anonymous reporters, photos, the submission
itself and the rate limits of public lookups."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import system_account_ensure
from agencies.constants import COMMUNE_KINDS
from agencies.models import Agency
from common.links import site_url
from common.text import fold
from documents.constants import DocumentSource, UseKind
from documents.services import UseSpec, document_store
from helpdesk.constants import (
    IntakeChannel,
    ReportAction,
    ReportCategory,
    Stage,
)
from helpdesk.models import (
    FieldReport,
    PhoneVerification,
    ReportPhoto,
)
from helpdesk.services.base import (
    MAX_PHOTOS,
    PROVINCE_BOUNDS,
    HelpdeskError,
    _next_code,
    _rate_limit,
    _record,
    _require_helpdesk,
    stage_due,
)
from helpdesk.sms import send_sms
from notifications.channels.base import phone_e164
from notifications.constants import Event


def normalise_phone(phone: str) -> str:

    normalised = phone_e164(phone)
    if not normalised:
        raise HelpdeskError(_("Số điện thoại không hợp lệ, ví dụ: 0912 345 678."), code="phone")
    return normalised


def _code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


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
    return system_account_ensure(
        email=settings.HELPDESK_INTAKE_ACCOUNT_EMAIL, full_name="Tổng đài 1022 (hệ thống)"
    )


def _store_photos(report: FieldReport, photos: Sequence[Photo], by: User | None) -> None:

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
