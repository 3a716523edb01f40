"""Working-time arithmetic: pure functions over a `WorkingCalendar`, no database, no clock.

The calendar is loaded once from the database by `agencies.selectors.working_calendar()` (cached);
everything here only reads it, so each rule can be tested with a hand-built calendar.

Legal rules (regulation-spec §8.1) and where each is applied:

* NĐ 118/2025/NĐ-CP Art. 17.3: the period starts at complete, valid reception (the receipt time).
* NĐ 118/2025/NĐ-CP Art. 18.2, and the procedures that say "received after 15:00 → next working
  day": a start after the procedure's cut-off counts from the next working day (`cutoff`).
* Bộ luật Dân sự 2015 (Civil Code) Art. 147.2: for a period in days, day 1 is the day after the
  start event; Art. 147.1: periods in hours start at the stated moment.
* Civil Code Art. 148: a period ends at the end of its last day; if that day is a weekly rest day
  or a public holiday, it ends at the end of the next working day.
* Bộ luật Lao động 2019 (Labour Code) Art. 111–112 and the yearly Government notices: public
  holidays and day swaps, which are data (`CalendarOverride`), never computed here.
* Civil-servant week Monday–Friday (historic QĐ 188/1999/QĐ-TTg [U]); office hours per agency,
  default 07:00–11:30 and 13:00–17:00 (regulation-spec §8.2 [U]).

All datetimes must be timezone-aware; results are aware datetimes in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import calendar as std_calendar
import datetime as dt
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from agencies.constants import DEFAULT_SESSIONS, DEFAULT_WORKING_WEEKDAYS, PeriodUnit

if TYPE_CHECKING:
    from agencies.models import Agency

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# A calendar with more consecutive days off than this is misconfigured, not a long holiday.
MAX_DAYS_OFF_IN_A_ROW = 60

Hours = int | float | Decimal | dt.timedelta


class CalendarError(ValueError):
    """The arithmetic was asked something it cannot answer (naive datetime, negative period…)."""


@dataclass(frozen=True, order=True)
class Session:
    """One block of office hours within a day, e.g. 07:00–11:30."""

    opens: dt.time
    closes: dt.time

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise CalendarError(f"session {self.opens}–{self.closes} closes before it opens")

    @property
    def length(self) -> dt.timedelta:
        return dt.datetime.combine(dt.date.min, self.closes) - dt.datetime.combine(
            dt.date.min, self.opens
        )


DEFAULT_DAY: tuple[Session, ...] = tuple(Session(o, c) for o, c in DEFAULT_SESSIONS)
DEFAULT_WEEK: Mapping[int, tuple[Session, ...]] = dict.fromkeys(
    sorted(DEFAULT_WORKING_WEEKDAYS), DEFAULT_DAY
)


def _check_day(sessions: tuple[Session, ...]) -> tuple[Session, ...]:
    ordered = tuple(sorted(sessions))
    for earlier, later in itertools.pairwise(ordered):
        if later.opens < earlier.closes:
            raise CalendarError(f"sessions {earlier} and {later} overlap")
    return ordered


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days, and the office hours on them.

    `overrides` maps a date to True (a worked weekend day, "làm bù") or False (a holiday or a
    swapped day off). Every other Monday–Friday is a working day, every Saturday and Sunday is not:
    an agency that receives on Saturday morning records those hours in `week`, but a Saturday still
    counts as working only when the calendar marks it so (regulation-spec §8.2).

    `week` maps a weekday (0 = Monday) to its sessions. A working day whose weekday has no sessions
    (a make-up Saturday) works the agency's standard day: its first defined Monday–Friday.
    """

    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    week: Mapping[int, tuple[Session, ...]] = field(default_factory=lambda: dict(DEFAULT_WEEK))
    tz: ZoneInfo = LOCAL_TZ

    def __post_init__(self) -> None:
        # Private copies (plain dicts, so the calendar pickles into the cache); never mutated.
        week = {wd: _check_day(tuple(s)) for wd, s in self.week.items() if s}
        object.__setattr__(self, "week", week)
        object.__setattr__(self, "overrides", dict(self.overrides))

    # --- days ------------------------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        """Monday–Friday unless the calendar says otherwise (holiday, or a worked weekend day)."""
        day = self._as_date(day)
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() in DEFAULT_WORKING_WEEKDAYS

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        day = self._as_date(day)
        for offset in range(1, MAX_DAYS_OFF_IN_A_ROW + 2):
            candidate = day + dt.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise CalendarError(f"no working day within {MAX_DAYS_OFF_IN_A_ROW} days after {day}")

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day strictly before `day`."""
        day = self._as_date(day)
        for offset in range(1, MAX_DAYS_OFF_IN_A_ROW + 2):
            candidate = day - dt.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise CalendarError(f"no working day within {MAX_DAYS_OFF_IN_A_ROW} days before {day}")

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        day = self._as_date(day)
        return day if self.is_working_day(day) else self.next_working_day(day)

    def sessions_on(self, day: dt.date) -> tuple[Session, ...]:
        """Office hours on `day`; none on a day off."""
        day = self._as_date(day)
        if not self.is_working_day(day):
            return ()
        return self.week.get(day.weekday()) or self._standard_day()

    def end_of_working_day(self, day: dt.date) -> dt.datetime:
        """The moment the last session of a working day closes."""
        sessions = self.sessions_on(day)
        if not sessions:
            raise CalendarError(f"{day} is not a working day")
        return self._at(day, sessions[-1].closes)

    # --- periods in days ------------------------------------------------------------------------

    def working_day_length(self) -> dt.timedelta:
        """The length of the agency's standard working day (8.5 hours with the default hours)."""
        return sum((s.length for s in self._standard_day()), dt.timedelta(0))

    def add_working_days(
        self, start: dt.datetime, n: int | Decimal, cutoff: dt.time | None = None
    ) -> dt.datetime:
        """The due moment of a period of `n` working days that starts at `start`.

        * Day 0 is the day of reception (NĐ 118 Art. 17.3). If `start` falls on a day off, after
          the procedure's `cutoff` (e.g. 15:00: NĐ 118 Art. 18.2 and the same-day procedures that
          say so), or after office hours have closed that day, day 0 moves to the next working day
          (regulation-spec §8.2; the last case is our reading, so a due time never precedes its
          start).
        * Day 1 is the next working day after day 0 (Civil Code Art. 147.2), and so on: only working
          days are counted, so the period never ends on a day off (Civil Code Art. 148).
        * The period ends when office hours close on day n (regulation-spec §8.2). `n = 0` is the
          same-day result: the end of day 0.
        * A fraction of a day ("1,5 Ngày làm việc" in the national catalogue, e.g. 1.013097) is
          counted in working hours of the agency's standard day after the whole days: 1.5 days
          with the default 8.5-hour day end 4 h 15 min into the working day after day 1 (ADR 0250).
        """
        if n < 0:
            raise CalendarError("a period cannot be negative")
        whole = int(n)
        fraction = Decimal(str(n)) - whole
        local = self._local(start)
        day = local.date()
        if (
            not self.is_working_day(day)
            or (cutoff is not None and local.time() > cutoff)
            or local > self.end_of_working_day(day)
        ):
            day = self.next_working_day(day)
        for _ in range(whole):
            day = self.next_working_day(day)
        end = self.end_of_working_day(day)
        if fraction:
            return self.add_working_hours(end, self.working_day_length() * float(fraction))
        return end

    def add_calendar_days(self, start: dt.datetime, n: int) -> dt.datetime:
        """The due moment of a period of `n` calendar days ("ngày") that starts at `start`.

        Day 1 is the day after `start` (Civil Code Art. 147.2). The period ends at the end of day n;
        when day n is a weekly rest day or a holiday it ends at the end of the next working day
        (Civil Code Art. 148). "End of day" is the close of office hours (regulation-spec §8.2).
        """
        if n < 0:
            raise CalendarError("a period cannot be negative")
        last = self._local(start).date() + dt.timedelta(days=n)
        return self.end_of_working_day(self.working_day_on_or_after(last))

    def add_months(self, start: dt.datetime, n: int) -> dt.datetime:
        """The due moment of a period of `n` months ("tháng") that starts at `start`.

        It ends on the corresponding day of the last month, or that month's last day when it has no
        such day, moved to the next working day if needed (Civil Code Art. 148).
        """
        if n < 0:
            raise CalendarError("a period cannot be negative")
        local = self._local(start).date()
        month_index = local.month - 1 + n
        year, month = local.year + month_index // 12, month_index % 12 + 1
        last_day = std_calendar.monthrange(year, month)[1]
        target = dt.date(year, month, min(local.day, last_day))
        return self.end_of_working_day(self.working_day_on_or_after(target))

    # --- periods in hours -----------------------------------------------------------------------

    def add_working_hours(self, start: dt.datetime, hours: Hours) -> dt.datetime:
        """The moment `hours` of office time after `start` (e.g. the 8 working-hour windows).

        A period in hours starts at the stated moment (Civil Code Art. 147.1); only time inside
        office hours on working days counts. A start outside office hours begins counting when the
        next session opens. A period that uses up a session exactly ends at that session's close.
        """
        remaining = _as_timedelta(hours)
        if remaining < dt.timedelta(0):
            raise CalendarError("a period cannot be negative")
        moment = self._local(start)
        day = moment.date()
        while True:
            for begin, end in self._session_spans(day):
                if end <= moment:
                    continue
                begin = max(begin, moment)
                available = end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day = self.next_working_day(day)

    def working_time_between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """Office time between two moments (negative when `b` is before `a`).

        The inverse of `add_working_hours`: `working_time_between(a, add_working_hours(a, h)) == h`.
        Use it to measure how much of a period was spent (e.g. the QĐ 766 timeliness indicator).
        """
        start, end = self._local(a), self._local(b)
        if end < start:
            return -self.working_time_between(b, a)
        total = dt.timedelta(0)
        day = start.date()
        while day <= end.date():
            for begin, close in self._session_spans(day):
                overlap = min(close, end) - max(begin, start)
                if overlap > dt.timedelta(0):
                    total += overlap
            day += dt.timedelta(days=1)
        return total

    # --- any unit -------------------------------------------------------------------------------

    def add_period(
        self,
        start: dt.datetime,
        amount: Hours,
        unit: str,
        cutoff: dt.time | None = None,
    ) -> dt.datetime:
        """Dispatch on the unit a procedure states its time in (`PeriodUnit`).

        Wall-clock hours simply add (Civil Code Art. 147.1). The cut-off applies to periods counted
        in working days only; the other units start at the moment itself.
        """
        match unit:
            case PeriodUnit.WORKING_DAY:
                return self.add_working_days(start, _days(amount), cutoff=cutoff)
            case PeriodUnit.DAY:
                return self.add_calendar_days(start, _whole(amount))
            case PeriodUnit.MONTH:
                return self.add_months(start, _whole(amount))
            case PeriodUnit.WORKING_HOUR:
                return self.add_working_hours(start, amount)
            case PeriodUnit.HOUR:
                return self._local(start) + _as_timedelta(amount)
        raise CalendarError(f"unknown period unit {unit!r}")

    # --- helpers --------------------------------------------------------------------------------

    def _standard_day(self) -> tuple[Session, ...]:
        for weekday in sorted(DEFAULT_WORKING_WEEKDAYS):
            if self.week.get(weekday):
                return self.week[weekday]
        return DEFAULT_DAY

    def _session_spans(self, day: dt.date) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        for session in self.sessions_on(day):
            yield self._at(day, session.opens), self._at(day, session.closes)

    def _at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.tz)

    def _local(self, moment: dt.datetime) -> dt.datetime:
        if not isinstance(moment, dt.datetime):
            raise CalendarError("a start must be a datetime")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise CalendarError("datetimes must be timezone-aware")
        return moment.astimezone(self.tz)

    def _as_date(self, day: dt.date) -> dt.date:
        if isinstance(day, dt.datetime):
            return self._local(day).date()
        return day


def _as_timedelta(hours: Hours) -> dt.timedelta:
    if isinstance(hours, dt.timedelta):
        return hours
    if isinstance(hours, Decimal):
        return dt.timedelta(microseconds=int(hours * 3_600_000_000))
    return dt.timedelta(hours=hours)


def _days(amount: Hours) -> Decimal:
    if isinstance(amount, dt.timedelta):
        raise CalendarError("a period in working days is a number of days")
    return Decimal(str(amount))


def _whole(amount: Hours) -> int:
    if isinstance(amount, dt.timedelta) or int(amount) != amount:
        raise CalendarError("a period in days or months must be a whole number")
    return int(amount)


def as_hours(duration: dt.timedelta) -> Decimal:
    """A working-time duration in hours, to the minute (for display and reports)."""
    minutes = Decimal(int(duration.total_seconds() // 60))
    return (minutes / 60).quantize(Decimal("0.01"))


# --- module-level shortcuts on the province calendar ----------------------------------------------
# They load the cached calendar from the database when none is given; pass `calendar=` in pure code.


def _calendar(calendar: WorkingCalendar | None, agency: Agency | None) -> WorkingCalendar:
    if calendar is not None:
        return calendar
    # Local import: breaks the cycle agencies.calendar → agencies.selectors → agencies.calendar.
    from agencies.selectors import working_calendar

    return working_calendar(agency=agency)


def add_working_days(
    start: dt.datetime,
    n: int | Decimal,
    cutoff: dt.time | None = None,
    *,
    calendar: WorkingCalendar | None = None,
    agency: Agency | None = None,
) -> dt.datetime:
    return _calendar(calendar, agency).add_working_days(start, n, cutoff=cutoff)


def add_working_hours(
    start: dt.datetime,
    h: Hours,
    *,
    calendar: WorkingCalendar | None = None,
    agency: Agency | None = None,
) -> dt.datetime:
    return _calendar(calendar, agency).add_working_hours(start, h)


def working_time_between(
    a: dt.datetime,
    b: dt.datetime,
    *,
    calendar: WorkingCalendar | None = None,
    agency: Agency | None = None,
) -> dt.timedelta:
    return _calendar(calendar, agency).working_time_between(a, b)


def is_working_day(
    d: dt.date, *, calendar: WorkingCalendar | None = None, agency: Agency | None = None
) -> bool:
    return _calendar(calendar, agency).is_working_day(d)


def next_working_day(
    d: dt.date, *, calendar: WorkingCalendar | None = None, agency: Agency | None = None
) -> dt.date:
    return _calendar(calendar, agency).next_working_day(d)


def add_period(
    start: dt.datetime,
    amount: Hours,
    unit: str,
    cutoff: dt.time | None = None,
    *,
    calendar: WorkingCalendar | None = None,
    agency: Agency | None = None,
) -> dt.datetime:
    return _calendar(calendar, agency).add_period(start, amount, unit, cutoff=cutoff)
