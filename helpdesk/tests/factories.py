"""Test helpers for the citizen-voice app."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from PIL import Image

from accounts.constants import Role
from accounts.models import User
from accounts.tests.factories import CitizenFactory, StaffFactory
from agencies.models import Agency
from agencies.tests.factories import StaffMembershipFactory
from helpdesk import services
from helpdesk.constants import IntakeChannel, ReportCategory
from helpdesk.models import FieldReport


def helpdesk_officer() -> User:
    return StaffFactory(roles=[Role.HELPDESK_OFFICER])


def agency_officer(agency: Agency) -> User:
    user = StaffFactory(roles=[Role.PROCESSING_OFFICER])
    StaffMembershipFactory(user=user, agency=agency, role=Role.PROCESSING_OFFICER)
    return user


_CITIZEN = object()


def submit_report(*, commune: Agency, reporter: Any = _CITIZEN, **kwargs: Any) -> FieldReport:
    defaults: dict[str, Any] = {
        "channel": IntakeChannel.WEB,
        "category": ReportCategory.LIGHTING,
        "title": "Đèn đường hỏng trên đường Cách Mạng Tháng Tám",
        "description": "Ba cột đèn liền nhau không sáng từ tối thứ Hai, đoạn gần chợ.",
        "commune": commune,
        "address": "Đường Cách Mạng Tháng Tám, khu phố 2",
        "reporter": CitizenFactory() if reporter is _CITIZEN else reporter,
    }
    defaults.update(kwargs)
    return services.report_submit(**defaults)


def jpeg_with_gps() -> bytes:
    """A small JPEG whose EXIF carries a GPS position (what a phone camera writes)."""
    image = Image.new("RGB", (40, 30), (200, 120, 40))
    exif = Image.Exif()
    gps = {1: "N", 2: (11.0, 18.0, 36.0), 3: "E", 4: (106.0, 6.0, 0.0)}
    exif[0x8825] = gps
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


TAY_NINH = (Decimal("11.310000"), Decimal("106.100000"))
