"""The outbox with a real Celery worker (subprocess) on a private redis-server, a real SMTP
server and the simulators on the live server. Bounded: every wait has a timeout."""

import time
from datetime import timedelta

from django.db import transaction

import pytest

from accounts.tests.factories import CitizenFactory
from notifications import delivery, services
from notifications.constants import AttemptOutcome, Channel, Event, NotificationStatus
from notifications.models import Notification, SimulatedMessage
from notifications.tests.conftest import wait_for
from notifications.tests.factories import citizen_with_phone, sample_context

S = NotificationStatus
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _email(user, reference="HS-W"):
    (row,) = services.notify(
        event=Event.DOSSIER_SUBMITTED,
        recipient=user,
        context=sample_context(Event.DOSSIER_SUBMITTED),
        reference=reference,
        channels=[Channel.EMAIL],
    )
    return row


def _change_that_fails(user):
    with transaction.atomic():
        services.notify(
            event=Event.DOSSIER_RECEIVED,
            recipient=user,
            context=sample_context(Event.DOSSIER_RECEIVED),
            reference="HS-ROLLBACK",
        )
        raise RuntimeError("the dossier change failed")


def _status(pk):
    return Notification.objects.get(pk=pk).status


def test_worker_killed_mid_delivery_then_restarted_delivers_exactly_once(
    celery_worker_factory, smtp_sink
):
    smtp_sink.hold_first = True  # the SMTP server keeps the first DATA unanswered
    worker = celery_worker_factory()
    row = _email(CitizenFactory())

    wait_for(smtp_sink.holding.is_set, 30, "the worker never reached the SMTP DATA phase")
    assert _status(row.pk) == S.SENDING
    worker.kill()  # SIGKILL mid-delivery: no result recorded, message unacknowledged
    smtp_sink.release.set()  # the server answers 451 to a dead client: not accepted

    celery_worker_factory()
    # The sweeper takes back the row whose lease ran out and hands it to the new worker.
    assert delivery.notification_sweep(sending_lease=timedelta(0)) == 1
    wait_for(lambda: _status(row.pk) == S.SENT, 30, "the restarted worker did not deliver")

    row.refresh_from_db()
    assert smtp_sink.ids() == [str(row.uuid)]
    assert row.attempts == 2
    assert list(row.delivery_attempts.values_list("outcome", flat=True)) == [
        AttemptOutcome.ABANDONED,
        AttemptOutcome.SENT,
    ]
    # Nothing left to do: sweeping again sends nothing more.
    assert (
        delivery.notification_sweep(sending_lease=timedelta(0), queued_stuck_after=timedelta(0))
        == 0
    )
    time.sleep(0.5)
    assert smtp_sink.ids() == [str(row.uuid)]


def test_redis_restart_during_a_burst_loses_nothing(
    celery_worker_factory, celery_broker, smtp_sink
):
    celery_worker_factory()
    users = [CitizenFactory() for _ in range(3)]
    rows = [_email(users[i % 3], reference=f"HS-B{i}") for i in range(20)]

    celery_broker.kill()  # Redis dies with whatever was queued in memory
    rows += [_email(users[i % 3], reference=f"HS-D{i}") for i in range(3)]  # enqueue fails: logged
    celery_broker.start()  # an empty Redis on the same port
    rows += [_email(users[i % 3], reference=f"HS-A{i}") for i in range(10)]

    ids = [r.pk for r in rows]
    # The periodic sweeper (run here by hand, with no grace period) re-queues what Redis lost.
    deadline = time.monotonic() + 60
    while Notification.objects.filter(pk__in=ids, status=S.SENT).count() < len(ids):
        assert time.monotonic() < deadline, "not every notification was delivered within 60 s"
        delivery.notification_sweep(queued_stuck_after=timedelta(seconds=2))
        time.sleep(0.5)

    delivered = smtp_sink.ids()
    assert sorted(delivered) == sorted(str(r.uuid) for r in rows)  # each exactly once
    assert len(delivered) == len(set(delivered)) == 33


def test_rolled_back_change_sends_nothing_and_sms_goes_through_the_twilio_simulator(
    celery_worker_factory, smtp_sink
):
    celery_worker_factory()
    user = citizen_with_phone("0912345678")
    with pytest.raises(RuntimeError):
        _change_that_fails(user)
    assert not Notification.objects.filter(reference="HS-ROLLBACK").exists()

    committed = services.notify(
        event=Event.DOSSIER_RECEIVED,
        recipient=user,
        context=sample_context(Event.DOSSIER_RECEIVED),
        reference="HS-COMMIT",
    )
    assert {n.channel for n in committed} == {Channel.EMAIL, Channel.SMS, Channel.INBOX}
    done = (S.SENT, S.DELIVERED)
    wait_for(
        lambda: Notification.objects.filter(reference="HS-COMMIT", status__in=done).count() == 3,
        30,
        "the worker did not deliver the committed notifications",
    )
    assert smtp_sink.ids() == [str(next(n.uuid for n in committed if n.channel == Channel.EMAIL))]
    (sms,) = SimulatedMessage.objects.filter(provider="twilio")
    assert sms.to == "+84912345678"
    assert "hẹn trả kết quả 20/03/2026" in sms.body
    assert not Notification.objects.filter(reference="HS-ROLLBACK").exists()
