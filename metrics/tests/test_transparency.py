"""QĐ 766 indicators 1.1–1.3 (publication of procedures) and 5.1 (PAKN by category), from the
VPCP description of the formulas (regulation-spec §11.1; issue #21, item 7)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

import pytest

from agencies.tests.calendars import seeded_calendar
from metrics import periods
from metrics.indicators import Inputs, compute
from metrics.selectors import Scope, helpdesk_counts, index_for, transparency_counts
from metrics.transparency import (
    publicised_on_time,
    published_on_time,
    working_days_after,
    working_days_before,
)
from procedures.models import Procedure
from procedures.tests.factories import import_records, national_record

D = dt.date


@pytest.fixture
def cal():
    return seeded_calendar()


class TestPublicationRules:
    """A province publishes a procedure at least 5 working days before its legal basis takes
    effect (1.1) and makes it public on the national database within 5 working days of the
    decision (1.2)."""

    def test_five_working_days_back_skips_the_weekend(self, cal):
        # Effective Monday 15/06/2026: Mon 8/6 … Fri 12/6 are the 5 working days before it.
        assert working_days_before(cal, D(2026, 6, 15), 5) == D(2026, 6, 8)

    def test_five_working_days_back_skip_the_national_day_holiday(self, cal):
        # Effective Mon 07/09/2026, with Mon 31/8 (swap), Tue 1/9 and Wed 2/9 off: the 5 working
        # days before it are Fri 4/9, Thu 3/9, Fri 28/8, Thu 27/8 and Wed 26/8.
        assert working_days_before(cal, D(2026, 9, 7), 5) == D(2026, 8, 26)

    def test_a_decision_five_working_days_ahead_is_on_time_one_day_later_is_not(self, cal):
        effective = D(2026, 6, 15)
        assert published_on_time(decided_on=D(2026, 6, 8), effective_on=effective, calendar=cal)
        assert not published_on_time(decided_on=D(2026, 6, 9), effective_on=effective, calendar=cal)
        assert not published_on_time(decided_on=D(2026, 6, 1), effective_on=None, calendar=cal)

    def test_public_within_five_working_days_of_the_decision(self, cal):
        decided = D(2026, 6, 10)  # Wednesday
        assert working_days_after(cal, decided, 5) == D(2026, 6, 17)
        assert publicised_on_time(decided_on=decided, publicised_on=D(2026, 6, 17), calendar=cal)
        assert not publicised_on_time(
            decided_on=decided, publicised_on=D(2026, 6, 18), calendar=cal
        )
        assert not publicised_on_time(decided_on=decided, publicised_on=None, calendar=cal)

    def test_compute_reads_the_shares_and_is_na_without_data(self):
        values = compute(
            Inputs(
                counts={},
                transparency={
                    "published": 4,
                    "published_on_time": 3,
                    "publicised_on_time": 2,
                    "current": 5,
                    "complete": 4,
                },
            )
        )
        assert values["1.1"].percent == Decimal("75.00")
        assert values["1.2"].percent == Decimal("50.00")
        assert values["1.3"].percent == Decimal("80.00")
        empty = compute(Inputs(counts={}))
        assert all(empty[code].is_na for code in ("1.1", "1.2", "1.3", "5.1"))


@pytest.mark.django_db
class TestFromTheCatalogue:
    def test_transparency_counts_on_imported_procedures(self):
        complete = national_record("9.200001", "Đủ bảy bộ phận")
        no_documents = national_record("9.200002", "Thiếu thành phần hồ sơ", thanh_phan_ho_so=[])
        no_deadline = national_record("9.200003", "Thiếu thời hạn")
        no_deadline["cach_thuc_thuc_hien"][0].update(thoi_han_so=None, thoi_han_don_vi=None)
        import_records(complete, no_documents, no_deadline)
        Procedure.objects.filter(code="9.200001").update(
            publication_decided_on=D(2026, 6, 8),
            legal_basis_effective_on=D(2026, 6, 15),
            publicised_on=D(2026, 6, 12),
        )
        Procedure.objects.filter(code="9.200002").update(
            publication_decided_on=D(2026, 6, 10),
            legal_basis_effective_on=D(2026, 6, 15),
            publicised_on=D(2026, 6, 30),
        )
        counts = transparency_counts(period=periods.month(2026, 6))
        assert counts == {
            "published": 2,
            "published_on_time": 1,
            "publicised_on_time": 1,
            "current": 3,
            "complete": 1,
        }
        values = index_for(period=periods.month(2026, 6), scope=Scope(None)).values
        assert values["1.1"].percent == Decimal("50.00")
        assert values["1.3"].percent == Decimal("33.33")
        # Another month has no publication decision: 1.1 and 1.2 are N/A, not 0 %.
        other = index_for(period=periods.month(2026, 5), scope=Scope(None)).values
        assert other["1.1"].is_na
        assert other["1.2"].is_na

    def test_5_1_counts_the_reports_of_the_period_by_category(self):
        from agencies.tests.factories import AgencyFactory
        from helpdesk.constants import ReportCategory
        from helpdesk.tests.factories import submit_report

        commune = AgencyFactory(level="commune", kind="commune")
        submit_report(commune=commune)
        submit_report(commune=commune)
        submit_report(commune=commune, category=ReportCategory.ROADS)
        today = timezone.localdate()
        period = periods.month(today.year, today.month)
        counts = helpdesk_counts(period=period, scope=Scope(None))
        assert counts["by_category"] == {ReportCategory.LIGHTING: 2, ReportCategory.ROADS: 1}
        value = compute(Inputs(counts={}, helpdesk=counts))["5.1"]
        assert value.display == "3"
        assert dict(value.breakdown) == {"lighting": 2, "roads": 1}
