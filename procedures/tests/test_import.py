import gzip
import json
from decimal import Decimal
from io import StringIO

from django.core.management import call_command

import pytest

from procedures import importer
from procedures.constants import Channel, OnlineLevel, ReviewFlag, StateDatabase, TimeUnit
from procedures.demo import DATA_FILE
from procedures.models import (
    AgencyNameMapping,
    DocumentRequirement,
    FeeRule,
    FormField,
    Procedure,
    ProcedureChannel,
)
from procedures.services import _refresh_planner_statistics
from procedures.tests.factories import SAMPLE_FILE, import_records, national_record, sample_records

pytestmark = pytest.mark.django_db


def channel(code: str, kind: str) -> ProcedureChannel:
    return ProcedureChannel.objects.get(procedure__code=code, channel=kind)


def test_import_creates_then_is_idempotent():
    first = import_records(*sample_records())
    assert (first.created, first.updated, first.skipped) == (9, 0, 0)
    counts_before = (
        Procedure.objects.count(),
        DocumentRequirement.objects.count(),
        ProcedureChannel.objects.count(),
        AgencyNameMapping.objects.count(),
    )

    second = import_records(*sample_records())

    assert (second.created, second.updated, second.unchanged) == (0, 0, 9)
    assert second.flagged == first.flagged > 0
    assert counts_before == (
        Procedure.objects.count(),
        DocumentRequirement.objects.count(),
        ProcedureChannel.objects.count(),
        AgencyNameMapping.objects.count(),
    )


def test_reimport_updates_catalogue_fields_but_keeps_local_configuration():
    record = national_record("9.100001", "Tên cũ")
    import_records(record)
    procedure = Procedure.objects.get(code="9.100001")
    procedure.online_level = OnlineLevel.FULL
    procedure.online_only = True
    procedure.save()
    FormField.objects.create(
        procedure=procedure, key="full_name", label_vi="Họ tên", field_type="text"
    )
    FeeRule.objects.create(
        procedure=procedure, name="Lệ phí", amount_vnd=10_000, online_discount_percent=50
    )
    requirement = procedure.requirements.get()
    requirement.state_holds = True
    requirement.state_database = StateDatabase.POPULATION
    requirement.save()

    changed = national_record(
        "9.100001",
        "Tên mới",
        thanh_phan_ho_so=[
            {"ten_giay_to": "Tờ khai theo mẫu", "so_ban_chinh": 2, "so_ban_sao": 1},
            {"ten_giay_to": "Giấy tờ mới", "so_ban_chinh": 1, "so_ban_sao": 0},
        ],
    )
    counts = import_records(changed)

    assert (counts.created, counts.updated) == (0, 1)
    procedure.refresh_from_db()
    assert procedure.name == "Tên mới"
    assert procedure.online_level == OnlineLevel.FULL
    assert procedure.online_only is True
    assert procedure.form_fields.count() == 1
    assert procedure.fee_rules.get().online_discount_percent == 50
    kept = procedure.requirements.get(name="Tờ khai theo mẫu")
    assert (kept.pk, kept.state_holds, kept.originals, kept.copies) == (requirement.pk, True, 2, 1)
    assert procedure.requirements.count() == 2


def test_time_without_unit_is_kept_with_unknown_unit_and_flagged():
    import_records(*sample_records())
    birth = Procedure.objects.get(code="1.001193")  # khai sinh: "1" with no unit
    assert ReviewFlag.TIME_UNIT_MISSING in birth.flags
    row = channel("1.001193", Channel.IN_PERSON)
    assert (row.time_value, row.time_unit) == (Decimal("1"), TimeUnit.UNKNOWN)


def test_channel_without_any_time_is_flagged():
    record = national_record("9.100002", "Không có thời hạn")
    record["cach_thuc_thuc_hien"][0].update(thoi_han_so=None, thoi_han_don_vi=None)
    import_records(record)
    assert Procedure.objects.get(code="9.100002").flags == [ReviewFlag.TIME_MISSING]
    assert channel("9.100002", Channel.IN_PERSON).time_value is None


def test_fee_that_disagrees_with_its_note_is_kept_and_flagged():
    import_records(*sample_records())
    procedure = Procedure.objects.get(code="1.001258")
    assert ReviewFlag.FEE_NOTE_MISMATCH in procedure.flags
    in_person = channel("1.001258", Channel.IN_PERSON)
    assert in_person.fee_vnd == 40_000  # as published; the note (50.000đ) stays visible
    assert "50.000đ" in in_person.notes


def test_fee_that_lost_its_thousands_separator_is_repaired_from_the_note_and_flagged():
    import_records(*sample_records())
    procedure = Procedure.objects.get(code="1.001200")
    assert ReviewFlag.FEE_THOUSANDS_LOST in procedure.flags
    assert channel("1.001200", Channel.ONLINE).fee_vnd == 40_000
    assert channel("1.001200", Channel.IN_PERSON).fee_vnd == 50_000
    assert "40 Việt Nam Đồng" in channel("1.001200", Channel.ONLINE).notes  # raw text kept


def test_document_list_that_did_not_parse_keeps_the_raw_text():
    import_records(*sample_records())
    procedure = Procedure.objects.get(code="2.002338")
    assert ReviewFlag.DOCUMENTS_UNPARSED in procedure.flags
    assert "biểu mẫu điện tử" in procedure.documents_raw_text
    assert not procedure.requirements.exists()


def test_empty_document_list_is_flagged():
    import_records(*sample_records())
    assert ReviewFlag.DOCUMENTS_MISSING in Procedure.objects.get(code="1.014951").flags


def test_no_information_agency_is_blank_and_flagged():
    import_records(*sample_records())
    procedure = Procedure.objects.get(code="1.001193")
    assert ReviewFlag.AGENCY_UNKNOWN in procedure.flags
    assert procedure.implementing_agency_name == ""
    assert procedure.implementing_mapping is None


def test_generic_commune_agency_maps_to_every_commune():
    import_records(*sample_records())
    mapping = Procedure.objects.get(code="1.004222").implementing_mapping
    assert mapping.source_name == "Công an cấp Xã"
    assert mapping.agency_level == "commune"


def test_same_code_twice_in_one_file_updates_instead_of_duplicating():
    counts = import_records(
        national_record("9.100004", "Bản đầu"),
        national_record("9.100004", "Bản đầu"),
        national_record("9.100004", "Bản sau"),
    )
    assert (counts.created, counts.unchanged, counts.updated) == (1, 1, 1)
    assert Procedure.objects.get(code="9.100004").name == "Bản sau"
    assert ProcedureChannel.objects.filter(procedure__code="9.100004").count() == 1


def test_broken_record_is_skipped_and_the_rest_imported():
    broken = national_record("", "Không mã")
    counts = import_records(broken, national_record("9.100003", "Thủ tục tốt"))
    assert (counts.created, counts.skipped) == (1, 1)
    assert Procedure.objects.filter(code="9.100003").exists()


def test_command_reads_gzipped_json_lines_and_prints_counts():
    out, err = StringIO(), StringIO()
    call_command("import_procedures", str(SAMPLE_FILE), stdout=out, stderr=err)
    assert "created=9 updated=0 unchanged=0 flagged=" in out.getvalue()
    assert "9/9" in err.getvalue()  # the progress bar reached the end
    call_command("import_procedures", str(SAMPLE_FILE), stdout=out, stderr=err)
    assert "created=0 updated=0 unchanged=9" in out.getvalue()


def test_command_reads_a_plain_json_array(tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(sample_records()[:2], ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    call_command("import_procedures", str(path), "--local-only", stdout=out, stderr=StringIO())
    assert "created=2" in out.getvalue()


def test_command_reports_an_unreadable_file(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không đọc được"):
        call_command("import_procedures", str(tmp_path / "missing.json"))


def test_shipped_subset_is_the_provincial_and_commune_catalogue():
    records = list(importer.read_records(DATA_FILE))
    assert len(records) == 1601
    assert all(importer.levels_of(r) & {"province", "commune"} for r in records)
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as handle:
        assert json.loads(handle.readline())["ma_thu_tuc"]


@pytest.mark.slow
def test_shipped_subset_imports_whole_and_again_unchanged():
    records = list(importer.read_records(DATA_FILE))
    first = import_records(*records)
    assert (first.created, first.skipped) == (1601, 0)
    assert first.flagged == Procedure.objects.exclude(review_flags="").count() > 0
    again = import_records(*records)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1601)
    assert Procedure.objects.count() == 1601


def test_the_catalogue_tables_are_analysed_once_the_import_commits(
    django_capture_on_commit_callbacks,
):
    """Without statistics the planner guessed 6 rows for 2,117 and searches took 10x longer."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")

    def reltuples() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'procedures_procedure'")
            return cursor.fetchone()[0]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_records(*sample_records(), national_record("9.500001", "Thủ tục thứ mười"))
    # The import is one transaction; the ANALYZE is queued for after its commit.
    assert _refresh_planner_statistics in callbacks
    for callback in callbacks:
        callback()
    assert reltuples() == Procedure.objects.count() == 10


@pytest.mark.parametrize("path", [DATA_FILE, DATA_FILE.with_name("tthc_toan_quoc.jsonl.gz")])
def test_shipped_catalogue_has_whole_result_names_and_codes(path):
    """The 2026-12-07 correction: no result code swallowed the first letter of the next name."""
    import re

    swallowed = re.compile(r"^KQ\.[A-Z]\d{2}\.\d{5,6}[A-ZĐÀ-Ỹ]$")
    results = [r for record in importer.read_records(path) for r in record.get("ket_qua") or []]
    assert results
    assert not [r["ma"] for r in results if r.get("ma") and swallowed.match(r["ma"])]
    assert not [r["ten"] for r in results if (r.get("ten") or "").startswith("hông báo")]
