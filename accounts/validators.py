"""Validators for Vietnamese identifiers: the 12-digit personal ID number (CCCD) and tax codes."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Birth-place codes of the 63 pre-2025 provinces, used as the first three digits of a CCCD
# (Circular 59/2021/TT-BCA, Annex I). IDs issued before the 2025 merger keep their old codes.
CCCD_PROVINCE_CODES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)
_ID_RE = re.compile(r"^\d{12}$")
_TAX_RE = re.compile(r"^\d{10}(-\d{3})?$")


def century_of(id_number: str) -> int:
    """The 4th digit codes century and gender: 0/1 → 1900s, 2/3 → 2000s, 4/5 → 2100s, …"""
    return 1900 + (int(id_number[3]) // 2) * 100


def validate_id_number(value: str, date_of_birth: dt.date | None = None) -> None:
    if (value or "").isdigit() and len(value) != 12:
        raise ValidationError(
            _("Số định danh cá nhân gồm đúng 12 chữ số; số đã nhập có %(count)s chữ số."),
            code="length",
            params={"count": len(value)},
        )
    if not _ID_RE.match(value or ""):
        raise ValidationError(_("Số định danh cá nhân gồm đúng 12 chữ số."), code="format")
    if value[:3] not in CCCD_PROVINCE_CODES:
        raise ValidationError(
            _("Ba chữ số đầu của số định danh không phải mã tỉnh hợp lệ."), code="province"
        )
    if date_of_birth is not None:
        birth_year = century_of(value) + int(value[4:6])
        if birth_year != date_of_birth.year:
            raise ValidationError(
                _("Số định danh không khớp với năm sinh %(year)s."),
                code="birth_year",
                params={"year": date_of_birth.year},
            )


def validate_tax_code(value: str) -> None:
    if not _TAX_RE.match(value or ""):
        raise ValidationError(
            _("Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch và 3 chữ số."), code="format"
        )


def validate_phone(value: str) -> None:
    if not re.match(r"^(\+84|0)\d{9,10}$", (value or "").replace(" ", "")):
        raise ValidationError(_("Số điện thoại không hợp lệ (ví dụ 0912345678)."), code="phone")
