import csv
import re
from io import StringIO

from django.core.management import call_command

import pytest

from agencies.constants import (
    COMMUNE_KINDS,
    AgencyKind,
    AgencyLevel,
    CalendarDayKind,
    CalendarOrigin,
)
from agencies.models import Agency, CalendarOverride
from agencies.seeding import (
    COMMUNES_FILE,
    PROVINCIAL_FILE,
    centre_code,
    commune_rows,
    seed_agencies,
    seed_calendar,
)
from common.models import AuditEvent

IDENTIFIER = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.H59$")


class TestDataFiles:
    def test_the_commune_file_holds_the_96_units_of_province_80_with_padded_codes(self):
        rows = commune_rows()
        assert len(rows) == 96
        assert {row["ma_tinh"] for row in rows} == {"80"}
        assert all(re.fullmatch(r"\d{5}", row["ma_xa"]) for row in rows)
        assert sum(row["loai_xa"] == "Xã" for row in rows) == 82
        assert sum(row["loai_xa"] == "Phường" for row in rows) == 14

    def test_identifiers_follow_the_documented_scheme_and_are_unique(self):
        with PROVINCIAL_FILE.open(encoding="utf-8") as handle:
            provincial = [row["ma_dinh_danh"] for row in csv.DictReader(handle)]
        communes = [row["ma_dinh_danh"] for row in commune_rows()]
        centres = [centre_code(code) for code in communes]
        every = provincial + communes + centres
        assert all(IDENTIFIER.match(code) for code in every)
        assert len(set(every)) == len(every)
        # communes are numbered 01..96 in the order of their administrative codes
        assert communes == [f"000.{i:02d}.50.H59" for i in range(1, 97)]
        assert [row["ma_xa"] for row in commune_rows()] == sorted(
            row["ma_xa"] for row in commune_rows()
        )

    def test_the_data_files_carry_their_attribution(self):
        readme = (COMMUNES_FILE.parent / "README.md").read_text(encoding="utf-8")
        assert "vietnamadminunits" in readme
        assert "MIT" in readme


@pytest.mark.django_db
class TestSeedAgencies:
    def test_seeds_96_communes_of_tay_ninh_under_the_province(self):
        seed_agencies()
        communes = Agency.objects.filter(kind__in=COMMUNE_KINDS)
        assert communes.count() == 96
        assert communes.filter(level=AgencyLevel.COMMUNE).count() == 96
        assert set(communes.values_list("parent__code", flat=True)) == {"000.00.00.H59"}
        assert communes.filter(kind=AgencyKind.WARD).count() == 14
        tan_ninh = Agency.objects.get(commune_code="25459")
        assert tan_ninh.name == "Phường Tân Ninh"
        assert tan_ninh.kind == AgencyKind.WARD
        assert Agency.objects.get(commune_code="28243").name == "Xã An Lục Long"

    def test_each_commune_has_its_public_administration_service_centre(self):
        seed_agencies()
        centre = Agency.objects.get(code="001.01.50.H59")
        assert centre.kind == AgencyKind.SERVICE_CENTRE
        assert centre.parent.commune_code == "25459"
        assert centre.name == "Trung tâm Phục vụ hành chính công phường Tân Ninh"
        assert (
            Agency.objects.filter(kind=AgencyKind.SERVICE_CENTRE, level=AgencyLevel.COMMUNE).count()
            == 96
        )

    def test_seeds_the_provincial_departments_and_the_centre_with_reception_points(self):
        seed_agencies()
        justice = Agency.objects.get(name="Sở Tư pháp")
        assert justice.parent.code == "000.00.00.H59"
        assert justice.level == AgencyLevel.PROVINCE
        centre = Agency.objects.get(kind=AgencyKind.SERVICE_CENTRE, level=AgencyLevel.PROVINCE)
        assert centre.parent.name == "Văn phòng Ủy ban nhân dân tỉnh"
        assert centre.children.filter(kind=AgencyKind.RECEPTION_POINT).count() == 2
        for name in ("Sở Nội vụ", "Sở Tài chính", "Sở Nông nghiệp và Môi trường", "Thanh tra tỉnh"):
            assert Agency.objects.filter(name=name, kind=AgencyKind.DEPARTMENT).exists()

    def test_seeding_twice_creates_nothing_new_and_keeps_admin_edits(self):
        first = seed_agencies()
        total = Agency.objects.count()
        Agency.objects.filter(code="000.00.03.H59").update(phone="02763822000")
        second = seed_agencies()
        assert Agency.objects.count() == total == sum(first.created.values())
        assert not second.anything_created
        assert sum(second.existing.values()) == total
        assert Agency.objects.get(code="000.00.03.H59").phone == "02763822000"
        assert AuditEvent.objects.filter(action="agencies.seeded").count() == 1

    def test_the_command_reports_progress_and_is_idempotent(self):
        out = StringIO()
        call_command("seed_agencies", stdout=out)
        text = out.getvalue()
        assert "communes: 96/96" in text
        assert "communes: 96 created, 0 already present" in text
        out = StringIO()
        call_command("seed_agencies", stdout=out)
        assert "communes: 0 created, 96 already present" in out.getvalue()
        assert Agency.objects.filter(kind__in=COMMUNE_KINDS).count() == 96


@pytest.mark.django_db
class TestSeedCalendar:
    def test_official_2026_dates_are_seeded_with_their_source(self):
        seed_calendar()
        tet = CalendarOverride.objects.filter(date__range=("2026-02-16", "2026-02-20"))
        assert tet.count() == 5
        assert all(not row.is_working_day for row in tet)
        assert set(tet.values_list("origin", flat=True)) == {CalendarOrigin.OFFICIAL}
        swap = CalendarOverride.objects.get(date="2026-08-22")
        assert swap.is_working_day
        assert swap.origin == CalendarOrigin.OFFICIAL
        assert "Quốc khánh 2026" in swap.source_document
        assert not CalendarOverride.objects.get(date="2026-08-31").is_working_day

    def test_package_dates_cover_2024_to_2027_including_swapped_saturdays(self):
        seed_calendar()
        years = {row.date.year for row in CalendarOverride.objects.all()}
        assert years == {2024, 2025, 2026, 2027}
        assert CalendarOverride.objects.get(date="2025-04-26").is_working_day
        assert CalendarOverride.objects.get(date="2024-05-04").is_working_day
        national_day = CalendarOverride.objects.get(date="2025-09-02")
        assert national_day.origin == CalendarOrigin.PACKAGE
        assert "holidays" in national_day.source_document

    def test_reseeding_is_idempotent_and_never_overwrites_a_manual_edit(self):
        seed_calendar()
        count = CalendarOverride.objects.count()
        CalendarOverride.objects.filter(date="2027-02-10").update(
            name="Sửa tay", origin=CalendarOrigin.MANUAL
        )
        report = seed_calendar()
        assert not report.anything_created
        assert CalendarOverride.objects.count() == count
        assert CalendarOverride.objects.get(date="2027-02-10").name == "Sửa tay"

    def test_an_official_notice_upgrades_a_date_first_seeded_from_the_package(self):
        seed_calendar()
        CalendarOverride.objects.filter(date="2026-02-17").update(
            name="Tết Nguyên Đán", origin=CalendarOrigin.PACKAGE, source_document="holidays"
        )
        report = seed_calendar()
        assert report.created == {"calendar_upgraded": 1}
        row = CalendarOverride.objects.get(date="2026-02-17")
        assert row.origin == CalendarOrigin.OFFICIAL
        assert "Tết Âm lịch 2026" in row.source_document


@pytest.mark.django_db
class TestVietnamCultureDay:
    """24/11 "Ngày Văn hóa Việt Nam": the holidays package adds it from 2026 citing Resolution
    80-NQ/TW; no amendment of Labour Code Art. 112 could be verified (regulation-spec §8.1 [U]).
    It is kept, marked as unverified, and an administrator's decision overrides it (ADR 0251)."""

    def test_it_is_seeded_with_its_source_marked_unverified(self):
        seed_calendar()
        row = CalendarOverride.objects.get(date="2026-11-24")
        assert not row.is_working_day
        assert row.origin == CalendarOrigin.PACKAGE
        assert row.source_document.startswith("CHƯA XÁC MINH")
        assert "80-NQ/TW" in row.source_document
        assert "Điều 112" in row.source_document
        assert len(row.source_document) <= 500
        # Dates with a verified source are not marked.
        assert (
            "CHƯA XÁC MINH" not in CalendarOverride.objects.get(date="2026-09-02").source_document
        )

    def test_an_administrator_s_decision_survives_reseeding(self):
        from agencies.services import calendar_override_save

        seed_calendar()
        row = CalendarOverride.objects.get(date="2026-11-24")
        row.kind = CalendarDayKind.WORKING_DAY
        row.source_document = "Sở Nội vụ: không phải ngày nghỉ"
        calendar_override_save(override=row)
        seed_calendar()
        row.refresh_from_db()
        assert row.is_working_day
        assert row.origin == CalendarOrigin.MANUAL
