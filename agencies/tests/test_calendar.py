"""Worked examples of the working-time rules (regulation-spec §8), on the seeded 2024–2027 calendar."""

import datetime as dt
from decimal import Decimal

import pytest

from agencies.calendar import LOCAL_TZ, CalendarError, Session, WorkingCalendar, as_hours
from agencies.constants import DEFAULT_CUTOFF, PeriodUnit
from agencies.tests.calendars import at, seeded_calendar

H = dt.timedelta(hours=1)


@pytest.fixture
def cal() -> WorkingCalendar:
    return seeded_calendar()


class TestTet2026:
    @pytest.mark.parametrize("day", [16, 17, 18, 19, 20])
    def test_monday_to_friday_16_to_20_february_are_off(self, cal, day):
        assert not cal.is_working_day(dt.date(2026, 2, day))

    def test_the_days_around_tet_are_working_days(self, cal):
        assert cal.is_working_day(dt.date(2026, 2, 13))
        assert cal.is_working_day(dt.date(2026, 2, 23))
        assert cal.next_working_day(dt.date(2026, 2, 13)) == dt.date(2026, 2, 23)

    def test_one_working_day_from_the_friday_before_tet_is_the_monday_after(self, cal):
        assert cal.add_working_days(at(2026, 2, 13, 9), 1) == at(2026, 2, 23, 17)

    def test_a_period_spanning_tet_skips_the_whole_break(self, cal):
        # day 1 = Fri 13/02, day 2 = Mon 23/02, day 3 = Tue 24/02
        assert cal.add_working_days(at(2026, 2, 12, 10), 3) == at(2026, 2, 24, 17)

    def test_working_hours_do_not_run_during_tet(self, cal):
        assert cal.add_working_hours(at(2026, 2, 13, 16), 2) == at(2026, 2, 23, 8)
        assert cal.working_time_between(at(2026, 2, 13, 17), at(2026, 2, 23, 7)) == dt.timedelta(0)


class TestNationalDaySwap2026:
    def test_saturday_22_august_is_worked_and_monday_31_august_is_off(self, cal):
        assert cal.is_working_day(dt.date(2026, 8, 22))
        assert not cal.is_working_day(dt.date(2026, 8, 31))
        assert not cal.is_working_day(dt.date(2026, 9, 1))
        assert not cal.is_working_day(dt.date(2026, 9, 2))
        assert not cal.is_working_day(dt.date(2026, 8, 23))  # the Sunday stays a rest day

    def test_a_day_counted_from_friday_lands_on_the_make_up_saturday(self, cal):
        assert cal.add_working_days(at(2026, 8, 21, 10), 1) == at(2026, 8, 22, 17)

    def test_the_break_from_29_august_to_2_september_is_skipped(self, cal):
        assert cal.add_working_days(at(2026, 8, 28, 10), 1) == at(2026, 9, 3, 17)

    def test_working_hours_run_on_the_make_up_saturday(self, cal):
        assert cal.add_working_hours(at(2026, 8, 21, 16), 2) == at(2026, 8, 22, 8)
        assert cal.working_time_between(at(2026, 8, 22, 0), at(2026, 8, 23, 0)) == 8.5 * H


class TestDayCounting:
    def test_day_one_is_the_next_working_day(self, cal):
        assert cal.add_working_days(at(2026, 3, 2, 9), 1) == at(2026, 3, 3, 17)

    def test_a_start_on_a_weekend_counts_from_the_next_working_day(self, cal):
        # Saturday 07/03: day 0 = Monday 09/03, day 1 = Tuesday 10/03
        assert cal.add_working_days(at(2026, 3, 7, 9), 1) == at(2026, 3, 10, 17)

    def test_weekends_are_not_counted(self, cal):
        assert cal.add_working_days(at(2026, 3, 5, 9), 2) == at(2026, 3, 9, 17)

    def test_a_start_after_office_hours_counts_from_the_next_working_day(self, cal):
        assert cal.add_working_days(at(2026, 3, 2, 20), 1) == at(2026, 3, 4, 17)
        assert cal.add_working_days(at(2026, 3, 2, 20), 0) == at(2026, 3, 3, 17)

    def test_a_start_at_closing_time_still_counts_that_day(self, cal):
        assert cal.add_working_days(at(2026, 3, 2, 17), 0) == at(2026, 3, 2, 17)

    def test_zero_days_is_the_end_of_the_same_working_day(self, cal):
        assert cal.add_working_days(at(2026, 3, 2, 9), 0) == at(2026, 3, 2, 17)


class TestCutoff:
    def test_before_the_cutoff_a_same_day_procedure_ends_today(self, cal):
        assert cal.add_working_days(at(2026, 3, 2, 14, 59), 0, cutoff=DEFAULT_CUTOFF) == at(
            2026, 3, 2, 17
        )

    def test_exactly_at_the_cutoff_is_not_after_it(self, cal):
        assert cal.add_working_days(at(2026, 3, 2, 15), 0, cutoff=DEFAULT_CUTOFF) == at(
            2026, 3, 2, 17
        )

    def test_after_the_cutoff_the_result_comes_the_next_working_day(self, cal):
        assert cal.add_working_days(at(2026, 3, 2, 15, 1), 0, cutoff=DEFAULT_CUTOFF) == at(
            2026, 3, 3, 17
        )

    def test_without_a_cutoff_a_late_start_still_counts_from_today(self, cal):
        assert cal.add_working_days(at(2026, 3, 2, 15, 30), 0) == at(2026, 3, 2, 17)
        assert cal.add_working_days(at(2026, 3, 2, 15, 30), 3) == at(2026, 3, 5, 17)

    def test_after_the_cutoff_the_whole_period_shifts_by_one_working_day(self, cal):
        assert cal.add_working_days(at(2026, 3, 2, 15, 30), 3, cutoff=DEFAULT_CUTOFF) == at(
            2026, 3, 6, 17
        )

    def test_after_the_cutoff_on_friday_moves_to_monday(self, cal):
        assert cal.add_working_days(at(2026, 3, 6, 16), 0, cutoff=DEFAULT_CUTOFF) == at(
            2026, 3, 9, 17
        )

    def test_after_the_cutoff_before_tet_moves_past_tet(self, cal):
        assert cal.add_working_days(at(2026, 2, 13, 15, 30), 0, cutoff=DEFAULT_CUTOFF) == at(
            2026, 2, 23, 17
        )


class TestWorkingHours:
    def test_hours_jump_the_lunch_break(self, cal):
        assert cal.add_working_hours(at(2026, 3, 2, 10, 30), 2) == at(2026, 3, 2, 14)

    def test_hours_that_end_exactly_at_lunch_end_at_11_30(self, cal):
        assert cal.add_working_hours(at(2026, 3, 2, 10, 30), 1) == at(2026, 3, 2, 11, 30)

    def test_a_start_during_lunch_counts_from_13_00(self, cal):
        assert cal.add_working_hours(at(2026, 3, 2, 12), 1) == at(2026, 3, 2, 14)

    def test_a_start_before_opening_counts_from_07_00(self, cal):
        assert cal.add_working_hours(at(2026, 3, 2, 6), 1) == at(2026, 3, 2, 8)

    def test_eight_working_hours_across_a_weekend(self, cal):
        # Fri 16:00–17:00 (1 h), Mon 07:00–11:30 (4.5 h), Mon 13:00–15:30 (2.5 h)
        assert cal.add_working_hours(at(2026, 3, 6, 16), 8) == at(2026, 3, 9, 15, 30)

    def test_a_start_friday_evening_counts_from_monday_morning(self, cal):
        assert cal.add_working_hours(at(2026, 3, 6, 18), 1) == at(2026, 3, 9, 8)

    def test_a_full_day_holds_eight_and_a_half_working_hours(self, cal):
        assert cal.add_working_hours(at(2026, 3, 2, 7), 8.5) == at(2026, 3, 2, 17)

    def test_between_across_lunch_counts_only_office_time(self, cal):
        assert cal.working_time_between(at(2026, 3, 2, 11), at(2026, 3, 2, 13, 30)) == H

    def test_between_across_a_weekend(self, cal):
        assert cal.working_time_between(at(2026, 3, 6, 16), at(2026, 3, 9, 15, 30)) == 8 * H

    def test_between_is_negative_when_reversed(self, cal):
        assert cal.working_time_between(at(2026, 3, 9, 15, 30), at(2026, 3, 6, 16)) == -8 * H

    def test_hours_accept_minutes_decimals_and_timedeltas(self, cal):
        start = at(2026, 3, 2, 7)
        assert cal.add_working_hours(start, Decimal("1.25")) == at(2026, 3, 2, 8, 15)
        assert cal.add_working_hours(start, dt.timedelta(minutes=90)) == at(2026, 3, 2, 8, 30)
        assert as_hours(cal.working_time_between(start, at(2026, 3, 2, 8, 15))) == Decimal("1.25")

    def test_utc_input_is_read_in_local_time_and_answered_in_local_time(self, cal):
        start_utc = dt.datetime(2026, 3, 2, 3, 30, tzinfo=dt.UTC)  # 10:30 in Tây Ninh
        result = cal.add_working_hours(start_utc, 2)
        assert result == at(2026, 3, 2, 14)
        assert result.tzinfo == LOCAL_TZ


class TestCalendarDaysAndMonths:
    def test_a_period_ending_on_a_non_working_day_ends_on_the_next_working_day(self, cal):
        # day 3 = Sun 30/08/2026; Mon 31/08, Tue 01/09 and Wed 02/09 are off
        assert cal.add_calendar_days(at(2026, 8, 27, 10), 3) == at(2026, 9, 3, 17)

    def test_a_period_ending_on_a_working_day_ends_that_day(self, cal):
        assert cal.add_calendar_days(at(2026, 3, 2, 10), 10) == at(2026, 3, 12, 17)

    def test_a_month_from_31_january_ends_on_the_last_day_of_february_or_after(self, cal):
        # 28/02/2026 is a Saturday → Monday 02/03
        assert cal.add_months(at(2026, 1, 31, 10), 1) == at(2026, 3, 2, 17)

    def test_months_across_a_year_end(self, cal):
        assert cal.add_months(at(2026, 11, 16, 10), 2) == at(2027, 1, 18, 17)


class TestAddPeriod:
    @pytest.mark.parametrize(
        ("amount", "unit", "expected"),
        [
            (2, PeriodUnit.WORKING_DAY, at(2026, 3, 4, 17)),
            (3, PeriodUnit.DAY, at(2026, 3, 5, 17)),
            (8, PeriodUnit.WORKING_HOUR, at(2026, 3, 3, 9, 30)),
            (8, PeriodUnit.HOUR, at(2026, 3, 2, 18)),
            (1, PeriodUnit.MONTH, at(2026, 4, 2, 17)),
        ],
    )
    def test_each_unit(self, cal, amount, unit, expected):
        assert cal.add_period(at(2026, 3, 2, 10), amount, unit) == expected

    def test_plain_strings_and_decimal_amounts_from_other_apps_work(self, cal):
        start = at(2026, 3, 2, 10)
        assert cal.add_period(start, Decimal(2), "working_day") == at(2026, 3, 4, 17)
        assert cal.add_period(start, Decimal("1.5"), "working_hour") == at(2026, 3, 2, 11, 30)

    def test_the_cutoff_applies_to_working_days(self, cal):
        start = at(2026, 3, 2, 16)
        assert cal.add_period(start, 0, PeriodUnit.WORKING_DAY, DEFAULT_CUTOFF) == at(
            2026, 3, 3, 17
        )

    def test_fractional_calendar_days_and_months_are_refused(self, cal):
        with pytest.raises(CalendarError):
            cal.add_period(at(2026, 3, 2, 10), 1.5, PeriodUnit.DAY)
        with pytest.raises(CalendarError):
            cal.add_period(at(2026, 3, 2, 10), Decimal("0.5"), PeriodUnit.MONTH)


class TestFractionalWorkingDays:
    """ "1,5 Ngày làm việc" (national catalogue, e.g. 1.013097): the whole days by the Civil Code
    Art. 147–148, the half day in working hours of the agency's 8.5-hour day (ADR 0250)."""

    def test_the_default_day_is_eight_and_a_half_hours(self, cal):
        assert cal.working_day_length() == dt.timedelta(hours=8, minutes=30)

    @pytest.mark.parametrize(
        ("amount", "expected"),
        [
            # Received Mon 02/03/2026 10:00: day 1 is Tue 03/03, closing 17:00.
            (Decimal("0.5"), at(2026, 3, 3, 11, 15)),  # 4 h 15 of Tuesday
            (Decimal("1"), at(2026, 3, 3, 17)),
            (Decimal("1.5"), at(2026, 3, 4, 11, 15)),  # Tuesday, then 4 h 15 of Wednesday
            (1.5, at(2026, 3, 4, 11, 15)),
            (Decimal("2.5"), at(2026, 3, 5, 11, 15)),
        ],
    )
    def test_half_days_end_inside_the_next_working_day(self, cal, amount, expected):
        assert cal.add_period(at(2026, 3, 2, 10), amount, PeriodUnit.WORKING_DAY) == expected

    def test_a_fraction_crosses_the_lunch_break_and_the_weekend(self, cal):
        # Thu 05/03 10:00 + 1.75 days: day 1 = Fri 06/03; 0.75 × 8.5 h = 6 h 22.5 min of Mon 09/03
        # (07:00–11:30 is 4 h 30, then 1 h 52.5 min from 13:00).
        due = cal.add_period(at(2026, 3, 5, 10), Decimal("1.75"), PeriodUnit.WORKING_DAY)
        assert due == at(2026, 3, 9, 14, 52, 30)

    def test_the_fraction_uses_the_agency_s_own_day(self):
        day = (Session(dt.time(7, 30), dt.time(11, 30)), Session(dt.time(13, 30), dt.time(16, 30)))
        cal = WorkingCalendar(week=dict.fromkeys(range(5), day))
        assert cal.working_day_length() == 7 * H
        # 0.5 × 7 h = 3 h 30 from 07:30 on Tue 03/03.
        assert cal.add_working_days(at(2026, 3, 2, 9), Decimal("0.5")) == at(2026, 3, 3, 11)

    def test_the_cutoff_still_moves_day_zero(self, cal):
        after = at(2026, 3, 2, 15, 30)
        assert cal.add_period(after, Decimal("0.5"), PeriodUnit.WORKING_DAY, DEFAULT_CUTOFF) == (
            at(2026, 3, 4, 11, 15)
        )

    def test_an_unknown_unit_is_refused(self, cal):
        with pytest.raises(CalendarError):
            cal.add_period(at(2026, 3, 2, 10), 1, "fortnight")


class TestOfficeHoursPerAgency:
    def test_an_agency_with_its_own_hours_ends_days_at_its_closing_time(self):
        day = (Session(dt.time(7, 30), dt.time(11, 30)), Session(dt.time(13, 30), dt.time(16, 30)))
        cal = WorkingCalendar(week=dict.fromkeys(range(5), day))
        assert cal.add_working_days(at(2026, 3, 2, 9), 1) == at(2026, 3, 3, 16, 30)
        assert cal.add_working_hours(at(2026, 3, 2, 11), 1) == at(2026, 3, 2, 14)

    def test_saturday_reception_hours_do_not_make_saturday_a_working_day(self):
        week = {**{wd: (Session(dt.time(7), dt.time(17)),) for wd in range(5)}}
        week[5] = (Session(dt.time(7), dt.time(11)),)
        cal = WorkingCalendar(week=week)
        assert not cal.is_working_day(dt.date(2026, 3, 7))
        assert cal.add_working_days(at(2026, 3, 6, 9), 1) == at(2026, 3, 9, 17)
        assert cal.add_working_hours(at(2026, 3, 6, 16), 2) == at(2026, 3, 9, 8)

    def test_a_make_up_saturday_works_the_agencys_standard_day(self):
        week = {wd: (Session(dt.time(8), dt.time(16)),) for wd in range(5)}
        cal = WorkingCalendar(overrides={dt.date(2026, 8, 22): True}, week=week)
        assert cal.sessions_on(dt.date(2026, 8, 22)) == (Session(dt.time(8), dt.time(16)),)
        assert cal.end_of_working_day(dt.date(2026, 8, 22)) == at(2026, 8, 22, 16)

    def test_overlapping_sessions_are_refused(self):
        with pytest.raises(CalendarError):
            WorkingCalendar(
                week={0: (Session(dt.time(7), dt.time(12)), Session(dt.time(11), dt.time(17)))}
            )

    def test_a_session_that_closes_before_it_opens_is_refused(self):
        with pytest.raises(CalendarError):
            Session(dt.time(12), dt.time(7))


class TestGuards:
    def test_naive_datetimes_are_refused(self, cal):
        with pytest.raises(CalendarError, match="timezone-aware"):
            cal.add_working_days(dt.datetime(2026, 3, 2, 9), 1)

    def test_negative_periods_are_refused(self, cal):
        with pytest.raises(CalendarError):
            cal.add_working_days(at(2026, 3, 2, 9), -1)
        with pytest.raises(CalendarError):
            cal.add_working_hours(at(2026, 3, 2, 9), -1)

    def test_a_calendar_with_no_working_day_fails_loudly_instead_of_looping(self):
        start = dt.date(2026, 3, 2)
        everything_off = {start + dt.timedelta(days=i): False for i in range(400)}
        with pytest.raises(CalendarError):
            WorkingCalendar(overrides=everything_off).next_working_day(start)

    def test_end_of_working_day_on_a_day_off_is_an_error(self, cal):
        with pytest.raises(CalendarError):
            cal.end_of_working_day(dt.date(2026, 2, 17))
