"""Two officers (or two sweeps) at the same moment, on PostgreSQL with real threads: the row lock
and the alert's unique constraint let exactly one through."""

from __future__ import annotations

import datetime as dt
import threading

from django.db import connection

import pytest
import time_machine

from dossiers.constants import Actor, AlertKind, EventKind
from dossiers.models import Dossier, DossierAlert
from dossiers.services import deadlines_sweep, dossier_extend
from dossiers.tests.factories import make_cast
from dossiers.tests.test_processing_services import appraising
from dossiers.workflow import TransitionNotAllowed
from notifications.models import Notification

A = Actor
VN = dt.timezone(dt.timedelta(hours=7))


def _race(*calls) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        try:
            barrier.wait(timeout=30)
            call()
            outcomes.append("ok")
        except TransitionNotAllowed as refused:
            outcomes.append(refused.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_heads_extending_at_once_extend_only_once():
    cast = make_cast()
    dossier = appraising(cast)
    head = cast.staff[A.AGENCY_HEAD]
    due = dossier.due_at

    def extend(days):
        def call():
            mine = Dossier.objects.get(pk=dossier.pk)  # both loaded the page before
            dossier_extend(
                dossier=mine, by=head, new_due_at=due + dt.timedelta(days=days), reason="Chậm"
            )

        return call

    outcomes = _race(extend(5), extend(7))
    assert sorted(o == "ok" for o in outcomes) == [False, True]
    assert any("một lần" in o for o in outcomes)
    dossier.refresh_from_db()
    assert dossier.extension_count == 1
    assert dossier.events.filter(kind=EventKind.EXTENDED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_alert_once():
    cast = make_cast()
    with time_machine.travel(dt.datetime(2026, 10, 5, 9, tzinfo=VN), tick=False):
        dossiers = [appraising(cast) for _ in range(3)]
    with time_machine.travel(dt.datetime(2026, 10, 13, 9, tzinfo=VN), tick=False):
        outcomes = _race(deadlines_sweep, deadlines_sweep)
    assert outcomes == ["ok", "ok"]
    for dossier in dossiers:
        assert DossierAlert.objects.filter(dossier=dossier, kind=AlertKind.OVERDUE).count() == 1
    overdue = Notification.objects.filter(
        recipient=cast.staff[A.PROCESSING_OFFICER], event="staff_overdue"
    )
    assert overdue.values("group").distinct().count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_assignments_at_once_move_the_dossier_to_appraisal_once():
    from accounts.constants import Role
    from accounts.tests.factories import UserFactory
    from dossiers.constants import DossierStatus
    from dossiers.services import dossier_assign
    from dossiers.tests.factories import add_membership
    from dossiers.tests.test_processing_services import in_process

    cast = make_cast()
    second_head = UserFactory(roles=[Role.AGENCY_HEAD])
    add_membership(second_head, cast.competent, Role.AGENCY_HEAD)
    dossier = in_process(cast)
    officer = cast.staff[A.PROCESSING_OFFICER]

    def assign(head):
        def call():
            mine = Dossier.objects.get(pk=dossier.pk)
            dossier_assign(dossier=mine, assignee=officer, by=head)

        return call

    assert _race(assign(cast.staff[A.AGENCY_HEAD]), assign(second_head)) == ["ok", "ok"]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.APPRAISING
    to_appraising = dossier.events.filter(
        kind=EventKind.TRANSITION, to_status=DossierStatus.APPRAISING
    )
    assert to_appraising.count() == 1
    assert dossier.events.filter(kind=EventKind.ASSIGNED).count() == 2
