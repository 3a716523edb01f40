"""The calendar as stored in the database: loading, caching, invalidation, per-agency hours."""

import datetime as dt

import pytest

from agencies import calendar as working_time
from agencies.constants import CalendarDayKind, CalendarOrigin
from agencies.models import CalendarOverride, OfficeHours
from agencies.seeding import seed_calendar
from agencies.selectors import working_calendar
from agencies.services import (
    calendar_override_delete,
    calendar_override_save,
    office_hours_delete,
    office_hours_save,
)
from agencies.tests.calendars import at
from agencies.tests.factories import AgencyFactory
from common.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_loaded_calendar_knows_tet_and_the_2026_swap():
    seed_calendar()
    cal = working_calendar()
    assert not cal.is_working_day(dt.date(2026, 2, 16))
    assert cal.is_working_day(dt.date(2026, 8, 22))
    assert not cal.is_working_day(dt.date(2026, 8, 31))


def test_the_module_shortcuts_use_the_database_calendar():
    seed_calendar()
    assert working_time.add_working_days(at(2026, 2, 13, 9), 1) == at(2026, 2, 23, 17)
    assert working_time.add_working_hours(at(2026, 8, 21, 16), 2) == at(2026, 8, 22, 8)
    assert working_time.working_time_between(
        at(2026, 8, 28, 17), at(2026, 9, 3, 7, 30)
    ) == dt.timedelta(minutes=30)
    assert working_time.is_working_day(dt.date(2026, 8, 22))
    assert working_time.next_working_day(dt.date(2026, 8, 28)) == dt.date(2026, 9, 3)


def test_the_calendar_is_loaded_once_then_served_from_the_cache(django_assert_num_queries):
    seed_calendar()
    working_calendar()
    with django_assert_num_queries(0):
        again = working_calendar()
    assert not again.is_working_day(dt.date(2026, 2, 17))


def test_saving_an_override_reloads_the_calendar_after_commit(django_capture_on_commit_callbacks):
    assert working_calendar().is_working_day(dt.date(2026, 3, 2))
    with django_capture_on_commit_callbacks(execute=True):
        override = calendar_override_save(
            override=CalendarOverride(
                date=dt.date(2026, 3, 2),
                kind=CalendarDayKind.HOLIDAY,
                name="Nghỉ đột xuất (thử nghiệm)",
                source_document="Quyết định thử nghiệm",
            )
        )
    assert override.origin == CalendarOrigin.MANUAL
    assert not working_calendar().is_working_day(dt.date(2026, 3, 2))
    assert AuditEvent.objects.filter(action="agencies.calendar.created").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        calendar_override_delete(override=override)
    assert working_calendar().is_working_day(dt.date(2026, 3, 2))
    assert AuditEvent.objects.filter(action="agencies.calendar.deleted").count() == 1


def test_an_agency_with_its_own_hours_gets_them(django_capture_on_commit_callbacks):
    agency = AgencyFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for weekday in range(5):
            for opens, closes in ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13), dt.time(16))):
                office_hours_save(
                    hours=OfficeHours(
                        agency=agency, weekday=weekday, opens_at=opens, closes_at=closes
                    )
                )
    cal = working_calendar(agency=agency)
    assert cal.add_working_days(at(2026, 3, 2, 9), 1) == at(2026, 3, 3, 16)
    assert working_calendar().add_working_days(at(2026, 3, 2, 9), 1) == at(2026, 3, 3, 17)
    assert working_time.add_working_hours(at(2026, 3, 2, 7), 1, agency=agency) == at(
        2026, 3, 2, 8, 30
    )
    with django_capture_on_commit_callbacks(execute=True):
        for hours in list(OfficeHours.objects.filter(agency=agency)):
            office_hours_delete(hours=hours)
    assert working_calendar(agency=agency).add_working_days(at(2026, 3, 2, 9), 1) == at(
        2026, 3, 3, 17
    )


def test_overlapping_office_hours_are_refused():
    from django.core.exceptions import ValidationError

    agency = AgencyFactory()
    office_hours_save(
        hours=OfficeHours(agency=agency, weekday=0, opens_at=dt.time(7), closes_at=dt.time(11))
    )
    with pytest.raises(ValidationError):
        office_hours_save(
            hours=OfficeHours(agency=agency, weekday=0, opens_at=dt.time(10), closes_at=dt.time(12))
        )
    with pytest.raises(ValidationError):
        office_hours_save(
            hours=OfficeHours(agency=agency, weekday=1, opens_at=dt.time(12), closes_at=dt.time(8))
        )
