"""Load the agency tree and the working calendar from the data files in `agencies/data/`.

Both loaders are idempotent and never overwrite what an administrator changed: an agency that
already exists (by identifier) is left as it is, and a calendar date is replaced only by a source
of higher rank (package < official document < manual edit). See docs/agencies.md.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

import holidays

from agencies.constants import (
    HOLIDAY_SEED_YEARS,
    ORIGIN_RANK,
    REFORM_DATE,
    TAY_NINH_PROVINCE_CODE,
    AgencyKind,
    AgencyLevel,
    CalendarDayKind,
    CalendarOrigin,
)
from agencies.models import Agency, CalendarOverride
from agencies.selectors import calendar_cache_invalidate
from common.audit import audit_record

DATA_DIR = Path(__file__).resolve().parent / "data"
PROVINCIAL_FILE = DATA_DIR / "provincial_agencies.csv"
COMMUNES_FILE = DATA_DIR / "communes_tay_ninh_2025.csv"
OFFICIAL_CALENDAR_FILE = DATA_DIR / "calendar_official.csv"
EXPECTED_COMMUNES = 96
HOLIDAYS_SOURCE = "Gói Python holidays {version} (MIT), quốc gia VN; Điều 112 Bộ luật Lao động 2019"
HOLIDAYS_PROJECTION_NOTE = "; dự kiến, thay khi Chính phủ công bố lịch nghỉ năm {year}"
FIRST_UNPUBLISHED_YEAR = 2027
# Holidays the package adds without a legal text we could verify: seeded (the package's authors
# cite their source) but marked so, and an administrator confirms or deletes them (ADR 0251).
UNVERIFIED_PACKAGE_HOLIDAYS: dict[tuple[int, int], str] = {
    (11, 24): (
        "CHƯA XÁC MINH: Ngày Văn hóa Việt Nam 24/11. Gói holidays dẫn Nghị quyết 80-NQ/TW "
        "(chủ trương của Đảng, tin laodong.vn); chưa tìm thấy văn bản sửa Điều 112 Bộ luật Lao "
        "động 2019 cho nghỉ hưởng lương (regulation-spec §8.1 [U]). Xác nhận với Sở Nội vụ; sửa "
        "hoặc xóa trong trang quản trị (bản sửa tay không bị ghi đè)."
    ),
}

COMMUNE_KIND_BY_TYPE = {
    "Xã": AgencyKind.COMMUNE,
    "Phường": AgencyKind.WARD,
    "Đặc khu": AgencyKind.SPECIAL_ZONE,
}
CENTRE_NAME = "Trung tâm Phục vụ hành chính công {unit}"

Progress = Callable[[str, int, int], None]


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)

    def count(self, section: str, *, created: bool) -> None:
        bucket = self.created if created else self.existing
        bucket[section] = bucket.get(section, 0) + 1

    @property
    def anything_created(self) -> bool:
        return any(self.created.values())


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def commune_rows() -> list[dict[str, str]]:
    """The 96 communes and wards of Tây Ninh (dvhc 2025, province code 80), codes as strings."""
    rows = _rows(COMMUNES_FILE)
    wrong = [row["ma_xa"] for row in rows if row["ma_tinh"] != TAY_NINH_PROVINCE_CODE]
    if wrong or len(rows) != EXPECTED_COMMUNES:
        raise ValueError(f"{COMMUNES_FILE.name}: expected {EXPECTED_COMMUNES} rows of province 80")
    return rows


def centre_code(commune_identifier: str) -> str:
    """The commune centre sits one level below its commune: 000.NN.50.H59 → 001.NN.50.H59."""
    return "001" + commune_identifier[3:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


@transaction.atomic
def seed_agencies(*, progress: Progress | None = None) -> SeedReport:
    """Create the province, its departments and centre, and the 96 communes with their centres."""
    report = SeedReport()
    by_code: dict[str, Agency] = {}

    provincial = _rows(PROVINCIAL_FILE)
    for index, row in enumerate(provincial, start=1):
        parent = by_code.get(row["ma_cha"]) if row["ma_cha"] else None
        agency, created = Agency.objects.get_or_create(
            code=row["ma_dinh_danh"],
            defaults={
                "name": row["ten"],
                "short_name": row["ten_viet_tat"],
                "kind": AgencyKind(row["loai"]),
                "level": AgencyLevel.PROVINCE,
                "parent": parent,
                "position": index * 10,
                "valid_from": REFORM_DATE,
            },
        )
        by_code[agency.code] = agency
        report.count("provincial", created=created)
        if progress:
            progress("provincial", index, len(provincial))

    province = by_code[provincial[0]["ma_dinh_danh"]]
    communes = commune_rows()
    for index, row in enumerate(communes, start=1):
        commune, created = Agency.objects.get_or_create(
            code=row["ma_dinh_danh"],
            defaults={
                "name": row["ten_xa"],
                "short_name": row["ten_xa"],
                "kind": COMMUNE_KIND_BY_TYPE[row["loai_xa"]],
                "level": AgencyLevel.COMMUNE,
                "parent": province,
                "commune_code": row["ma_xa"],
                "position": 1000 + index,
                "valid_from": REFORM_DATE,
            },
        )
        report.count("communes", created=created)
        _, created = Agency.objects.get_or_create(
            code=centre_code(row["ma_dinh_danh"]),
            defaults={
                "name": CENTRE_NAME.format(unit=_lower_first(row["ten_xa"])),
                "short_name": f"TTPVHCC {row['ten_xa']}",
                "kind": AgencyKind.SERVICE_CENTRE,
                "level": AgencyLevel.COMMUNE,
                "parent": commune,
                "position": 0,
                "valid_from": REFORM_DATE,
            },
        )
        report.count("commune_centres", created=created)
        if progress:
            progress("communes", index, len(communes))

    if report.anything_created:
        audit_record(action="agencies.seeded", data={"created": report.created})
    return report


# --- working calendar ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEntry:
    date: dt.date
    kind: CalendarDayKind
    name: str
    source_document: str
    origin: CalendarOrigin


def official_calendar_entries() -> list[CalendarEntry]:
    """Dates the Government fixed by notice (Tết 2026, the 2026 National Day swap…)."""
    return [
        CalendarEntry(
            date=dt.date.fromisoformat(row["ngay"]),
            kind=CalendarDayKind(row["loai"]),
            name=row["ten"],
            source_document=row["van_ban"],
            origin=CalendarOrigin.OFFICIAL,
        )
        for row in _rows(OFFICIAL_CALENDAR_FILE)
    ]


def package_calendar_entries(years: Iterable[int] = HOLIDAY_SEED_YEARS) -> list[CalendarEntry]:
    """Vietnam's public holidays and swapped working Saturdays from the `holidays` package."""

    years = list(years)
    calendar = holidays.country_holidays("VN", years=years, language="vi")
    source = HOLIDAYS_SOURCE.format(version=holidays.__version__)

    def source_for(day: dt.date) -> str:
        unverified = UNVERIFIED_PACKAGE_HOLIDAYS.get((day.month, day.day))
        if unverified is not None and day in calendar:
            return f"{unverified} ({source})"
        if day.year >= FIRST_UNPUBLISHED_YEAR:
            return source + HOLIDAYS_PROJECTION_NOTE.format(year=day.year)
        return source

    entries = [
        CalendarEntry(day, CalendarDayKind.HOLIDAY, name, source_for(day), CalendarOrigin.PACKAGE)
        for day, name in sorted(calendar.items())
    ]
    entries += [
        CalendarEntry(
            day,
            CalendarDayKind.WORKING_DAY,
            f"Làm việc bù (hoán đổi ngày làm việc năm {day.year})",
            source_for(day),
            CalendarOrigin.PACKAGE,
        )
        for day in sorted(calendar.weekend_workdays)
        if day.year in years
    ]
    return entries


@transaction.atomic
def seed_calendar(
    *, years: Iterable[int] = HOLIDAY_SEED_YEARS, progress: Progress | None = None
) -> SeedReport:
    """Write calendar overrides: official notices first, then the package for the other dates.

    An existing date is replaced only by a source of higher rank, so a manual correction in the
    admin survives every later seed.
    """
    report = SeedReport()
    entries = official_calendar_entries() + package_calendar_entries(years)
    best: dict[dt.date, CalendarEntry] = {}
    for entry in entries:
        current = best.get(entry.date)
        if current is None or ORIGIN_RANK[entry.origin] > ORIGIN_RANK[current.origin]:
            best[entry.date] = entry

    existing = {row.date: row for row in CalendarOverride.objects.filter(date__in=list(best))}
    for index, entry in enumerate(sorted(best.values(), key=lambda e: e.date), start=1):
        row = existing.get(entry.date)
        if row is None:
            CalendarOverride.objects.create(
                date=entry.date,
                kind=entry.kind,
                name=entry.name,
                source_document=entry.source_document,
                origin=entry.origin,
            )
            report.count("calendar", created=True)
        elif ORIGIN_RANK[CalendarOrigin(row.origin)] < ORIGIN_RANK[entry.origin]:
            row.kind, row.name = entry.kind, entry.name
            row.source_document, row.origin = entry.source_document, entry.origin
            row.save(update_fields=["kind", "name", "source_document", "origin", "updated_at"])
            report.count("calendar_upgraded", created=True)
        else:
            report.count("calendar", created=False)
        if progress:
            progress("calendar", index, len(best))

    if report.anything_created:
        audit_record(action="agencies.calendar.seeded", data={"created": report.created})
        transaction.on_commit(calendar_cache_invalidate)
    return report
