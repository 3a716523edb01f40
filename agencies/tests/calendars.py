"""Calendars for tests built from the same seed data the database gets, without a database."""

import datetime as dt
from functools import cache

from agencies.calendar import LOCAL_TZ, WorkingCalendar
from agencies.constants import ORIGIN_RANK, CalendarDayKind
from agencies.seeding import official_calendar_entries, package_calendar_entries


@cache
def seeded_calendar() -> WorkingCalendar:
    best = {}
    for entry in official_calendar_entries() + package_calendar_entries():
        current = best.get(entry.date)
        if current is None or ORIGIN_RANK[entry.origin] > ORIGIN_RANK[current.origin]:
            best[entry.date] = entry
    return WorkingCalendar(
        overrides={d: e.kind == CalendarDayKind.WORKING_DAY for d, e in best.items()}
    )


def at(year, month, day, hour=0, minute=0, second=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=LOCAL_TZ)
