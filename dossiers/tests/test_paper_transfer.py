"""Paper dossiers leave the one-stop unit for the competent agency on time (NĐ 118/2025
Art. 18.2: the same working day, or at the start of the next one when received after 15:00;
Art. 20.1.a: between levels, within 1 working day), with an alert when they do not
(issue #21, item 7)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from agencies.calendar import WorkingCalendar
from dossiers.constants import Actor, AlertKind, Channel, DossierStatus
from dossiers.models import Dossier, DossierAlert
from dossiers.services import deadlines_sweep, dossier_submit, dossier_transition
from dossiers.services.deadlines import paper_transfer_due_at
from dossiers.tests.factories import make_cast, make_draft
from notifications.models import Notification

S = DossierStatus
A = Actor
VN = dt.timezone(dt.timedelta(hours=7))


def at(*args) -> dt.datetime:
    return dt.datetime(2026, 3, *args, tzinfo=VN)


class TestTransferDeadline:
    cal = WorkingCalendar()

    @pytest.mark.parametrize(
        ("received", "interlevel", "due"),
        [
            ((2, 10, 0), False, (2, 17, 0)),  # Monday 10:00 → the same working day
            ((2, 15, 0), False, (2, 17, 0)),  # at 15:00 exactly: still the same day
            ((2, 15, 30), False, (3, 8, 0)),  # after 15:00 → the first hour of Tuesday
            ((6, 16, 0), False, (9, 8, 0)),  # Friday after 15:00 → Monday morning
            ((7, 9, 0), False, (9, 17, 0)),  # received on a Saturday → Monday
            ((2, 10, 0), True, (3, 17, 0)),  # another level: within 1 working day
            ((6, 16, 0), True, (9, 17, 0)),
        ],
    )
    def test_the_law_s_deadlines(self, received, interlevel, due):
        assert paper_transfer_due_at(
            received_at=at(*received), calendar=self.cal, interlevel=interlevel
        ) == at(*due)


def counter_dossier_received(cast, when: dt.datetime) -> Dossier:
    reception = cast.staff[A.RECEPTION_OFFICER]
    dossier = make_draft(cast, channel=Channel.COUNTER)
    with time_machine.travel(when, tick=False):
        dossier_submit(dossier=dossier, by=reception, role=A.RECEPTION_OFFICER)
        dossier_transition(dossier=dossier, to=S.RECEIVED, by=reception, role=A.RECEPTION_OFFICER)
    return dossier


def transfer_alerts(dossier) -> int:
    return DossierAlert.objects.filter(dossier=dossier, kind=AlertKind.TRANSFER_OVERDUE).count()


@pytest.mark.django_db
def test_a_paper_dossier_not_transferred_is_alerted_once_and_a_transferred_one_never():
    cast = make_cast()
    late = counter_dossier_received(cast, at(2, 15, 30))  # due Tuesday 08:00
    moved = counter_dossier_received(cast, at(2, 10, 0))  # due Monday 17:00
    with time_machine.travel(at(2, 16, 0), tick=False):
        dossier_transition(
            dossier=moved, to=S.IN_PROCESS, by=cast.staff[A.RECEPTION_OFFICER],
            role=A.RECEPTION_OFFICER,
        )  # fmt: skip
    online = make_draft(cast)  # online dossiers go through the system at once: no paper leg
    with time_machine.travel(at(2, 9, 0), tick=False):
        dossier_submit(dossier=online, by=cast.citizen)
        dossier_transition(
            dossier=online, to=S.RECEIVED, by=cast.staff[A.RECEPTION_OFFICER],
            role=A.RECEPTION_OFFICER,
        )  # fmt: skip

    deadlines_sweep(at(3, 7, 59))
    assert transfer_alerts(late) == 0
    report = deadlines_sweep(at(3, 8, 1))
    assert report.sent.get(AlertKind.TRANSFER_OVERDUE) == 1
    assert transfer_alerts(late) == 1
    deadlines_sweep(at(3, 9, 0))
    assert transfer_alerts(late) == 1  # once
    assert transfer_alerts(moved) == transfer_alerts(online) == 0
    for user in (cast.staff[A.RECEPTION_OFFICER], cast.staff[A.ONESTOP_SUPERVISOR]):
        message = Notification.objects.filter(recipient=user, event="staff_overdue").first()
        assert message is not None
        assert "18.2" in message.body


@pytest.mark.django_db
def test_between_levels_the_paper_has_one_working_day():
    cast = make_cast()
    cast.receiving.level = "province"
    cast.receiving.save(update_fields=["level"])
    cast.competent.level = "commune"
    cast.competent.save(update_fields=["level"])
    dossier = counter_dossier_received(cast, at(2, 10, 0))
    deadlines_sweep(at(2, 17, 30))
    assert transfer_alerts(dossier) == 0  # the same-day rule does not apply between levels
    deadlines_sweep(at(3, 17, 1))
    assert transfer_alerts(dossier) == 1
    alert = DossierAlert.objects.get(dossier=dossier, kind=AlertKind.TRANSFER_OVERDUE)
    assert alert.due_instant == at(3, 17, 0)
