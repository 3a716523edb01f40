"""Due dates on the real 2026 calendar (Tết, the National Day swap) and the deadline alerts: each
fires once however often the sweep runs; the 15-day supplement expiry stops the dossier."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

import pytest
import time_machine

from accounts.constants import Role
from accounts.tests.factories import UserFactory
from agencies.seeding import seed_calendar
from agencies.tests.factories import AgencyFactory
from dossiers import tasks
from dossiers.constants import Actor, AlertKind, DossierStatus, EventKind, FormCode
from dossiers.models import DossierAlert
from dossiers.services import consultation_request, deadlines_sweep, dossier_extend, notify_staff
from dossiers.tests.factories import add_membership, make_cast
from dossiers.tests.test_processing_services import appraising, go, received, submitted
from notifications.models import Notification

S = DossierStatus
A = Actor
K = AlertKind
VN = dt.timezone(dt.timedelta(hours=7))

pytestmark = pytest.mark.django_db


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


def local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value).replace(tzinfo=None)


def alerts(dossier, kind) -> int:
    return DossierAlert.objects.filter(dossier=dossier, kind=kind).count()


def messages(user, event) -> int:
    return (
        Notification.objects.filter(recipient=user, event=event).values("group").distinct().count()
    )


# --- due dates on the 2026 calendar ----------------------------------------------------------


@pytest.fixture
def calendar_2026():
    seed_calendar(years=[2026])


def test_a_dossier_received_before_tet_is_due_after_the_holiday(calendar_2026):
    cast = make_cast()
    with time_machine.travel(at(2026, 2, 13, 9), tick=False):  # Friday before Tết
        dossier = received(cast)  # 5 working days
    # Tết: 14–22/02 off (16–20 are holidays); day 1 is Monday 23/02, day 5 Friday 27/02.
    assert local(dossier.due_at) == dt.datetime(2026, 2, 27, 17, 0)
    assert dossier.due_at_original == dossier.due_at


def test_the_reception_window_of_an_online_dossier_skips_tet(calendar_2026):
    cast = make_cast()
    with time_machine.travel(at(2026, 2, 13, 15), tick=False):
        dossier = submitted(cast)
    # 2 working hours left on Friday 13/02; the other 6 on Monday 23/02: 4.5 + 1.5 from 13:00.
    assert local(dossier.reception_due_at) == dt.datetime(2026, 2, 23, 14, 30)


def test_the_2026_swap_saturday_counts_and_the_swapped_monday_does_not(calendar_2026):
    cast = make_cast()
    with time_machine.travel(at(2026, 8, 21, 10), tick=False):  # Friday
        one_day = received(cast, processing_time=1)
    # Saturday 22/08 is a make-up working day.
    assert local(one_day.due_at) == dt.datetime(2026, 8, 22, 17, 0)
    with time_machine.travel(at(2026, 8, 28, 10), tick=False):  # Friday before National Day
        two_days = received(cast, processing_time=2)
    # 29–30 weekend, 31/08 swapped off, 01–02/09 National Day: days 1–2 are 03/09 and 04/09.
    assert local(two_days.due_at) == dt.datetime(2026, 9, 4, 17, 0)


# --- alerts, each once -----------------------------------------------------------------------


def test_a_new_online_dossier_alerts_reception_once():
    cast = make_cast()
    reception = cast.staff[A.RECEPTION_OFFICER]
    with time_machine.travel(at(2026, 10, 5, 9), tick=False):
        dossier = submitted(cast)
    with time_machine.travel(at(2026, 10, 5, 9, 5), tick=False):
        first = deadlines_sweep()
        second = deadlines_sweep()
    assert first.sent.get(K.NEW_ONLINE) == 1
    assert second.sent.get(K.NEW_ONLINE) is None
    assert alerts(dossier, K.NEW_ONLINE) == 1
    assert messages(reception, "staff_new_in_queue") == 1


def test_no_second_message_when_the_submission_already_told_reception():
    cast = make_cast()
    reception = cast.staff[A.RECEPTION_OFFICER]
    with time_machine.travel(at(2026, 10, 5, 9), tick=False):
        dossier = submitted(cast)
        notify_staff(dossier=dossier, users=[reception], queue_name="Tiếp nhận")  # as submission
    with time_machine.travel(at(2026, 10, 5, 9, 5), tick=False):
        deadlines_sweep()
    alert = DossierAlert.objects.get(dossier=dossier, kind=K.NEW_ONLINE)
    assert alert.recipients == 0
    assert messages(reception, "staff_new_in_queue") == 1


def test_the_reception_window_warns_then_escalates_once_each():
    cast = make_cast()
    reception = cast.staff[A.RECEPTION_OFFICER]
    supervisor = cast.staff[A.ONESTOP_SUPERVISOR]
    with time_machine.travel(at(2026, 10, 5, 9), tick=False):  # Monday
        dossier = submitted(cast)
    # 8 working hours: 6.5 on Monday, 1.5 on Tuesday → Tuesday 08:30.
    assert local(dossier.reception_due_at) == dt.datetime(2026, 10, 6, 8, 30)
    with time_machine.travel(at(2026, 10, 6, 7, 30), tick=False):
        deadlines_sweep()
        deadlines_sweep()
    assert alerts(dossier, K.RECEPTION_DUE_SOON) == 1
    assert messages(reception, "staff_due_soon") == 1
    with time_machine.travel(at(2026, 10, 6, 9), tick=False):
        deadlines_sweep()
        deadlines_sweep()
    assert alerts(dossier, K.RECEPTION_OVERDUE) == 1
    assert messages(reception, "staff_overdue") == 1
    assert messages(supervisor, "staff_overdue") == 1


def test_due_soon_then_overdue_reach_the_officer_and_head_and_escalate_once():
    cast = make_cast()
    officer = cast.staff[A.PROCESSING_OFFICER]
    head = cast.staff[A.AGENCY_HEAD]
    supervisor = cast.staff[A.ONESTOP_SUPERVISOR]
    with time_machine.travel(at(2026, 10, 5, 9), tick=False):
        dossier = appraising(cast)  # due Monday 12/10 17:00
    with time_machine.travel(at(2026, 10, 9, 9), tick=False):  # Friday: more than a day left
        deadlines_sweep()
    assert alerts(dossier, K.DUE_SOON) == 0
    with time_machine.travel(at(2026, 10, 12, 9), tick=False):
        deadlines_sweep()
        deadlines_sweep()
    assert alerts(dossier, K.DUE_SOON) == 1
    assert messages(officer, "staff_due_soon") == 1
    assert messages(head, "staff_due_soon") == 1
    with time_machine.travel(at(2026, 10, 13, 9), tick=False):
        report = deadlines_sweep()
        again = tasks.dossier_deadlines_sweep()  # the periodic task itself, a second time
    assert report.sent[K.OVERDUE] == 1
    assert report.sent[K.ESCALATION] == 1
    assert sum(again.values()) == 0
    assert messages(officer, "staff_overdue") == 1
    assert messages(head, "staff_overdue") == 1
    assert messages(supervisor, "staff_escalation") == 1
    assert DossierAlert.objects.get(dossier=dossier, kind=K.OVERDUE).recipients == 2


def test_the_extended_due_date_gets_its_own_alert():
    cast = make_cast()
    with time_machine.travel(at(2026, 10, 5, 9), tick=False):
        dossier = appraising(cast)
    with time_machine.travel(at(2026, 10, 8, 9), tick=False):
        dossier_extend(
            dossier=dossier,
            by=cast.staff[A.AGENCY_HEAD],
            new_due_at=at(2026, 10, 14, 8),
            reason="Chờ ý kiến",
        )
    with time_machine.travel(at(2026, 10, 13, 9), tick=False):  # old due passed, new not yet
        deadlines_sweep()
    assert alerts(dossier, K.OVERDUE) == 0
    assert alerts(dossier, K.DUE_SOON) == 1


def test_a_paused_or_finished_dossier_is_never_alerted():
    cast = make_cast()
    with time_machine.travel(at(2026, 10, 5, 9), tick=False):
        paused = appraising(cast)
        go(cast, paused, S.SUPPLEMENT_REQUESTED, A.PROCESSING_OFFICER, note="Bổ sung")
    with time_machine.travel(at(2026, 10, 13, 9), tick=False):
        deadlines_sweep()
    assert not DossierAlert.objects.filter(dossier=paused).exists()


def test_a_late_consultation_is_reported_to_the_one_stop_supervisor_once():
    cast = make_cast()
    police = AgencyFactory(name="Công an tỉnh Tây Ninh")
    add_membership(UserFactory(roles=[Role.PROCESSING_OFFICER]), police, Role.PROCESSING_OFFICER)
    with time_machine.travel(at(2026, 10, 5, 9), tick=False):
        dossier = appraising(cast, processing_time=20)
        consultation_request(
            dossier=dossier,
            by=cast.staff[A.PROCESSING_OFFICER],
            agency=police,
            question="Xác minh nhân thân",
            due_at=at(2026, 10, 7, 17),
        )
    with time_machine.travel(at(2026, 10, 8, 9), tick=False):
        deadlines_sweep()
        deadlines_sweep()
    alert = DossierAlert.objects.get(dossier=dossier, kind=K.CONSULTATION_OVERDUE)
    assert alert.ref == str(dossier.consultations.get().uuid)
    assert messages(cast.staff[A.ONESTOP_SUPERVISOR], "staff_escalation") == 1


# --- the 15-day supplement expiry (Art. 19.5) --------------------------------------------------


def test_an_unanswered_supplement_request_is_stopped_by_the_system_after_15_days():
    cast = make_cast()
    with time_machine.travel(at(2026, 10, 5, 9), tick=False):
        dossier = appraising(cast)
    with time_machine.travel(at(2026, 10, 7, 10), tick=False):
        go(cast, dossier, S.SUPPLEMENT_REQUESTED, A.PROCESSING_OFFICER, note="Bổ sung giấy tờ")
    with time_machine.travel(at(2026, 10, 22, 16), tick=False):  # day 15, not over yet
        assert deadlines_sweep().stopped == 0
    with time_machine.travel(at(2026, 10, 23, 9), tick=False):
        assert tasks.dossier_deadlines_sweep()["stopped"] == 1
        assert deadlines_sweep().stopped == 0
    dossier.refresh_from_db()
    assert dossier.status == S.STOPPED
    assert dossier.closed_at is not None
    stop = dossier.events.filter(kind=EventKind.TRANSITION).last()
    assert stop.role == A.SYSTEM
    assert stop.actor is None
    assert stop.form_code == FormCode.STOP_NOTICE
    assert "15 ngày" in stop.note


def test_the_sweep_is_scheduled_in_celery_beat(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["dossiers-deadlines-sweep"]
    assert schedule["task"] == "dossiers.tasks.dossier_deadlines_sweep"
    assert schedule["schedule"] < 2 * 3600  # the 2-hour alert needs a shorter period


def test_verify_history_passes_on_a_full_life(capsys):
    cast = make_cast()
    dossier = appraising(cast)
    call_command("verify_history", "--dossier", dossier.code)
    assert "hash chain intact" in capsys.readouterr().out
