import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    PROVINCE = "province", _("UBND tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    SERVICE_CENTRE = "service_centre", _("Trung tâm Phục vụ hành chính công")
    RECEPTION_POINT = "reception_point", _("Điểm tiếp nhận")
    COMMUNE = "commune", _("Xã")
    WARD = "ward", _("Phường")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")
    VERTICAL = "vertical", _("Cơ quan ngành dọc")
    OTHER = "other", _("Khác")


# The kinds that are commune-level administrative units (dvhc 2025: Xã / Phường / Đặc khu).
COMMUNE_KINDS = frozenset({AgencyKind.COMMUNE, AgencyKind.WARD, AgencyKind.SPECIAL_ZONE})


class AgencyLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Ngày nghỉ")
    WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")


class CalendarOrigin(models.TextChoices):
    """Where an override came from; the seeder never overwrites a manual edit."""

    PACKAGE = "package", _("Gói holidays (tự sinh)")
    OFFICIAL = "official", _("Văn bản chính thức")
    MANUAL = "manual", _("Nhập tay")


# Precedence when seeding: a higher origin replaces a lower one, never the other way round.
ORIGIN_RANK = {CalendarOrigin.PACKAGE: 0, CalendarOrigin.OFFICIAL: 1, CalendarOrigin.MANUAL: 2}

# The 2025 reform took effect on 01/07/2025 (two-level local government).
REFORM_DATE = dt.date(2025, 7, 1)
TAY_NINH_PROVINCE_CODE = "80"

# Seeding range for the holidays package (years the Government has published or the package projects).
HOLIDAY_SEED_YEARS = range(2024, 2028)

# Default office hours: Monday–Friday, 07:00–11:30 and 13:00–17:00 (regulation-spec §8.2 [U]).
DEFAULT_SESSIONS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(7, 0), dt.time(11, 30)),
    (dt.time(13, 0), dt.time(17, 0)),
)
DEFAULT_WORKING_WEEKDAYS = frozenset({0, 1, 2, 3, 4})

# Per-procedure cut-off used by same-day procedures (NĐ 118/2025 Art. 18.2; regulation-spec §8.1).
DEFAULT_CUTOFF = dt.time(15, 0)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Thứ Hai")
    TUESDAY = 1, _("Thứ Ba")
    WEDNESDAY = 2, _("Thứ Tư")
    THURSDAY = 3, _("Thứ Năm")
    FRIDAY = 4, _("Thứ Sáu")
    SATURDAY = 5, _("Thứ Bảy")
    SUNDAY = 6, _("Chủ nhật")


class PeriodUnit(models.TextChoices):
    """Units a procedure states its processing time in (`DonViTinh` in the national data)."""

    WORKING_DAY = "working_day", _("Ngày làm việc")
    DAY = "day", _("Ngày")
    WORKING_HOUR = "working_hour", _("Giờ làm việc")
    HOUR = "hour", _("Giờ")
    MONTH = "month", _("Tháng")
