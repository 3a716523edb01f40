"""Properties of the working-time arithmetic, checked with hypothesis on the seeded calendar."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from agencies.calendar import LOCAL_TZ
from agencies.constants import DEFAULT_CUTOFF
from agencies.tests.calendars import seeded_calendar

CAL = seeded_calendar()
# derandomize: the same examples every run (deterministic CI); no example database on disk.
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, derandomize=True, database=None)

moments = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),
    max_value=dt.datetime(2027, 6, 30),
    timezones=st.just(LOCAL_TZ),
).map(lambda moment: moment.replace(microsecond=0))
working_days = st.integers(min_value=0, max_value=45)
durations = st.integers(min_value=0, max_value=60 * 120).map(lambda m: dt.timedelta(minutes=m))
positive_durations = st.integers(min_value=1, max_value=60 * 60).map(
    lambda m: dt.timedelta(minutes=m)
)
cutoffs = st.one_of(st.none(), st.just(DEFAULT_CUTOFF))


def in_office_hours(moment: dt.datetime) -> bool:
    spans = CAL._session_spans(moment.date())
    return any(begin <= moment <= end for begin, end in spans)


@PROPERTY_SETTINGS
@given(start=moments, n=working_days, cutoff=cutoffs)
def test_more_working_days_end_strictly_later(start, n, cutoff):
    assert CAL.add_working_days(start, n, cutoff) < CAL.add_working_days(start, n + 1, cutoff)


@PROPERTY_SETTINGS
@given(a=moments, b=moments, n=working_days, cutoff=cutoffs)
def test_a_later_start_never_ends_earlier(a, b, n, cutoff):
    a, b = min(a, b), max(a, b)
    assert CAL.add_working_days(a, n, cutoff) <= CAL.add_working_days(b, n, cutoff)


@PROPERTY_SETTINGS
@given(start=moments, n=working_days, cutoff=cutoffs)
def test_working_day_periods_end_at_closing_time_on_a_working_day(start, n, cutoff):
    due = CAL.add_working_days(start, n, cutoff)
    assert CAL.is_working_day(due.date())
    assert due == CAL.end_of_working_day(due.date())
    assert due.tzinfo == LOCAL_TZ


@PROPERTY_SETTINGS
@given(start=moments, n=working_days)
def test_exactly_n_working_days_lie_after_day_zero(start, n):
    due = CAL.add_working_days(start, n)
    day_zero = CAL.working_day_on_or_after(start.date())
    if start > CAL.end_of_working_day(day_zero):  # after closing time: tomorrow is day 0
        day_zero = CAL.next_working_day(day_zero)
    counted = sum(
        CAL.is_working_day(day_zero + dt.timedelta(days=i))
        for i in range(1, (due.date() - day_zero).days + 1)
    )
    assert counted == n


@PROPERTY_SETTINGS
@given(start=moments, n=working_days)
def test_the_cutoff_delays_by_at_most_one_working_day(start, n):
    plain = CAL.add_working_days(start, n)
    with_cutoff = CAL.add_working_days(start, n, DEFAULT_CUTOFF)
    assert with_cutoff in {plain, CAL.add_working_days(start, n + 1)}
    after_cutoff = (
        CAL.is_working_day(start.date())
        and start.time() > DEFAULT_CUTOFF
        and start <= CAL.end_of_working_day(start.date())
    )
    assert (with_cutoff > plain) == after_cutoff


@PROPERTY_SETTINGS
@given(start=moments, n=working_days, cutoff=cutoffs)
def test_a_due_time_never_precedes_its_start(start, n, cutoff):
    assert CAL.add_working_days(start, n, cutoff) >= start


@PROPERTY_SETTINGS
@given(start=moments, n=st.integers(min_value=0, max_value=120))
def test_calendar_day_periods_never_end_on_a_day_off(start, n):
    due = CAL.add_calendar_days(start, n)
    assert CAL.is_working_day(due.date())
    assert due.date() >= start.date() + dt.timedelta(days=n)


@PROPERTY_SETTINGS
@given(start=moments, hours=durations)
def test_working_time_between_inverts_add_working_hours(start, hours):
    assert CAL.working_time_between(start, CAL.add_working_hours(start, hours)) == hours


@PROPERTY_SETTINGS
@given(start=moments, hours=durations)
def test_working_hours_end_inside_office_hours_on_a_working_day(start, hours):
    end = CAL.add_working_hours(start, hours)
    assert end >= start
    assert CAL.is_working_day(end.date())
    assert in_office_hours(end)


@PROPERTY_SETTINGS
@given(start=moments, first=positive_durations, second=positive_durations)
def test_adding_hours_in_two_steps_equals_adding_them_at_once(start, first, second):
    in_two_steps = CAL.add_working_hours(CAL.add_working_hours(start, first), second)
    assert in_two_steps == CAL.add_working_hours(start, first + second)


@PROPERTY_SETTINGS
@given(start=moments, shorter=durations, extra=positive_durations)
def test_more_working_hours_end_strictly_later(start, shorter, extra):
    assert CAL.add_working_hours(start, shorter) < CAL.add_working_hours(start, shorter + extra)


@PROPERTY_SETTINGS
@given(a=moments, b=moments, c=moments)
def test_working_time_is_additive_and_antisymmetric(a, b, c):
    a, b, c = sorted((a, b, c))
    assert CAL.working_time_between(a, b) + CAL.working_time_between(b, c) == (
        CAL.working_time_between(a, c)
    )
    assert CAL.working_time_between(c, a) == -CAL.working_time_between(a, c)
    assert CAL.working_time_between(a, c) >= dt.timedelta(0)


@PROPERTY_SETTINGS
@given(day=moments.map(lambda moment: moment.date()))
def test_next_working_day_is_the_first_working_day_after(day):
    following = CAL.next_working_day(day)
    assert following > day
    assert CAL.is_working_day(following)
    assert not any(
        CAL.is_working_day(day + dt.timedelta(days=i)) for i in range(1, (following - day).days)
    )
