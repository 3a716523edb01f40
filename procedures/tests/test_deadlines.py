"""Due terms from the catalogue's published time (ADR 0252), on the catalogue's own examples."""

import datetime as dt
from decimal import Decimal
from io import StringIO

from django.core.management import call_command

import pytest

from agencies.calendar import WorkingCalendar
from agencies.tests.calendars import at
from procedures import importer
from procedures.constants import Channel, DueRule, TimeUnit
from procedures.deadlines import COUNTER_FIRST, channel_due_terms, procedure_due_terms
from procedures.models import Procedure
from procedures.tests.factories import import_records, national_record, sample_records

FIFTEEN = dt.time(15, 0)
# The catalogue's own sentences (steps of 1.001193 khai sinh, channel note of 1.011441).
BIRTH_STEP = (
    "(i) Trường hợp hồ sơ đầy đủ, hợp lệ thì tiếp nhận hồ sơ; nếu tiếp nhận hồ sơ sau 15 giờ thì "
    "có Phiếu hẹn, trả kết quả cho người yêu cầu trong ngày làm việc tiếp theo"
)
SECURITY_NOTE = (
    "- Cơ quan đăng ký có trách nhiệm giải quyết hồ sơ đăng ký trong ngày làm việc nhận được hồ "
    "sơ hợp lệ; nếu thời điểm nhận hồ sơ sau 15 giờ cùng ngày thì có thể hoàn thành việc đăng ký "
    "trong ngày làm việc tiếp theo."
)
# Not a result cut-off: a reply letter sent the next day when received after 16:00 (1.003867).
REPLY_STEP = (
    "Trường hợp nhận hồ sơ sau 16 giờ thì văn bản trả lời được gửi trong ngày làm việc tiếp theo"
)


class TestCutoffFromText:
    def test_the_same_day_sentences_of_the_catalogue_set_15_00(self):
        assert importer.receipt_cutoff_in(BIRTH_STEP) == FIFTEEN
        assert importer.receipt_cutoff_in("", SECURITY_NOTE) == FIFTEEN

    def test_other_hours_and_plain_text_set_nothing(self):
        assert importer.receipt_cutoff_in(REPLY_STEP) is None
        assert importer.receipt_cutoff_in("Bước 1: nộp hồ sơ.", None) is None

    def test_a_record_is_read_in_its_steps_and_its_channel_notes(self):
        note = national_record("9.100010", "Đăng ký biện pháp bảo đảm")
        note["cach_thuc_thuc_hien"][0]["mo_ta"] = SECURITY_NOTE
        assert importer.receipt_cutoff(note) == FIFTEEN
        steps = national_record("9.100011", "Khai sinh", trinh_tu_thuc_hien=BIRTH_STEP)
        assert importer.receipt_cutoff(steps) == FIFTEEN
        assert importer.receipt_cutoff(national_record("9.100012", "Khác")) is None


class TestChannelRule:
    def test_a_published_number_and_unit_are_used_as_published(self):
        terms = channel_due_terms(
            time_value=Decimal("1.5"), time_unit=TimeUnit.WORKING_DAY, cutoff=None
        )
        assert (terms.value, terms.unit, terms.rule) == (
            Decimal("1.5"),
            TimeUnit.WORKING_DAY,
            DueRule.PUBLISHED,
        )

    def test_one_without_unit_and_the_15_00_text_is_same_day(self):
        terms = channel_due_terms(time_value=Decimal(1), time_unit=TimeUnit.UNKNOWN, cutoff=FIFTEEN)
        assert (terms.value, terms.unit, terms.cutoff, terms.rule) == (
            0,
            TimeUnit.WORKING_DAY,
            FIFTEEN,
            DueRule.SAME_DAY,
        )

    def test_no_number_and_the_15_00_text_is_same_day(self):
        terms = channel_due_terms(time_value=None, time_unit=TimeUnit.UNKNOWN, cutoff=FIFTEEN)
        assert terms.rule == DueRule.SAME_DAY

    def test_a_number_without_unit_is_read_as_working_days(self):
        terms = channel_due_terms(time_value=Decimal(5), time_unit=TimeUnit.UNKNOWN, cutoff=None)
        assert (terms.value, terms.unit, terms.rule) == (
            5,
            TimeUnit.WORKING_DAY,
            DueRule.UNIT_ASSUMED,
        )

    def test_nothing_at_all_gives_no_due_date(self):
        terms = channel_due_terms(time_value=None, time_unit=TimeUnit.UNKNOWN, cutoff=None)
        assert not terms.has_due_date


@pytest.mark.django_db
class TestImportedProcedures:
    def test_khai_sinh_1_001193_gets_its_cutoff_and_a_same_day_due_date(self):
        import_records(*sample_records())
        birth = Procedure.objects.get(code="1.001193")
        assert birth.receipt_cutoff == FIFTEEN
        terms = procedure_due_terms(birth)
        assert terms.rule == DueRule.SAME_DAY
        calendar = WorkingCalendar()
        # Received Monday 02/03/2026 at 10:00: same day; at 15:30: the next working day.
        for received, due in (
            (at(2026, 3, 2, 10), at(2026, 3, 2, 17)),
            (at(2026, 3, 2, 15, 30), at(2026, 3, 3, 17)),
        ):
            assert calendar.add_period(received, terms.value, terms.unit, terms.cutoff) == due

    def test_a_procedure_without_the_text_has_no_cutoff(self):
        import_records(*sample_records())
        assert Procedure.objects.get(code="1.004222").receipt_cutoff is None

    def test_a_channel_without_time_falls_back_to_another_channel(self):
        record = national_record("9.100020", "Hai kênh")
        record["cach_thuc_thuc_hien"] = [
            {"kenh": "Trực tiếp", "thoi_han_so": None, "thoi_han_don_vi": None},
            {"kenh": "Trực tuyến", "thoi_han_so": 2, "thoi_han_don_vi": "Ngày làm việc"},
        ]
        import_records(record)
        terms = procedure_due_terms(Procedure.objects.get(code="9.100020"), order=COUNTER_FIRST)
        assert (terms.channel, terms.value, terms.rule) == (
            Channel.ONLINE,
            2,
            DueRule.PUBLISHED,
        )

    def test_the_report_lists_every_procedure_decided_by_a_rule(self):
        no_unit = national_record("9.100030", "Không đơn vị")
        no_unit["cach_thuc_thuc_hien"][0].update(thoi_han_so=4, thoi_han_don_vi=None)
        nothing = national_record("9.100031", "Không thời hạn")
        nothing["cach_thuc_thuc_hien"][0].update(thoi_han_so=None, thoi_han_don_vi=None)
        import_records(*sample_records(), no_unit, nothing)
        out, err = StringIO(), StringIO()
        call_command("procedures_deadline_report", stdout=out, stderr=err)
        lines = {line.split(",")[0]: line for line in out.getvalue().splitlines()[1:]}
        assert str(DueRule.SAME_DAY.label) in lines["1.001193"]
        assert "15:00" in lines["1.001193"]
        assert str(DueRule.UNIT_ASSUMED.label) in lines["9.100030"]
        assert str(DueRule.NONE.label) in lines["9.100031"]
        assert "1.004222" not in lines  # published time, no cut-off
