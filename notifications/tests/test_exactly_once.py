"""A worker that dies after Twilio took an SMS but before recording it must not cause a second
SMS: the retry asks the provider first (the Messages API has no idempotency key)."""

from datetime import timedelta

from django.utils import timezone

import pytest

from notifications import delivery, services
from notifications.channels.registry import get_channel
from notifications.constants import AttemptOutcome, Channel, Event, NotificationStatus
from notifications.models import DeliveryAttempt, Notification, SimulatedMessage
from notifications.tests.factories import citizen_with_phone, sample_context

S = NotificationStatus
pytestmark = pytest.mark.django_db(transaction=True)


def _sms(user, event=Event.DOSSIER_SUBMITTED):
    (row,) = services.notify(
        event=event, recipient=user, context=sample_context(event), channels=[Channel.SMS]
    )
    row.refresh_from_db()
    return row


def _as_if_the_worker_died_while_sending(row: Notification) -> None:
    """The state a SIGKILL between the provider's answer and `_record_sent` leaves behind: the
    row claimed (sending, attempt 1 counted) long ago, no result recorded."""
    DeliveryAttempt.objects.filter(notification=row).delete()
    Notification.objects.filter(pk=row.pk).update(
        status=S.SENDING,
        claimed_at=timezone.now() - timedelta(hours=1),
        provider_message_id="",
        provider_status="",
        sent_at=None,
    )


def test_the_retry_finds_the_message_the_provider_took_and_does_not_send_it_again(simulators):
    row = _sms(citizen_with_phone("0912345678"))
    assert row.status == S.SENT
    (taken,) = SimulatedMessage.objects.filter(provider="twilio")

    _as_if_the_worker_died_while_sending(row)
    delivery.notification_sweep()  # takes the row back; the (eager) task delivers it again

    row.refresh_from_db()
    assert SimulatedMessage.objects.filter(provider="twilio").count() == 1
    assert row.status == S.SENT
    assert row.attempts == 2
    assert row.provider_message_id == taken.message_id
    outcomes = dict(row.delivery_attempts.values_list("number", "outcome"))
    assert outcomes == {1: AttemptOutcome.ABANDONED, 2: AttemptOutcome.SENT}


def test_a_message_the_provider_never_got_is_sent_on_the_retry(simulators):
    row = _sms(citizen_with_phone("0912345678"))
    _as_if_the_worker_died_while_sending(row)
    SimulatedMessage.objects.all().delete()  # the worker died before Twilio answered

    delivery.notification_sweep()

    row.refresh_from_db()
    (sent,) = SimulatedMessage.objects.filter(provider="twilio")
    assert row.status == S.SENT
    assert row.provider_message_id == sent.message_id


def test_the_same_body_to_another_number_is_not_taken_for_this_message(simulators):
    row = _sms(citizen_with_phone("0912345678"))
    other = _sms(citizen_with_phone("0987654321"))
    assert row.body == other.body
    _as_if_the_worker_died_while_sending(row)
    SimulatedMessage.objects.filter(to="+84912345678").delete()

    delivery.notification_sweep()

    assert SimulatedMessage.objects.filter(to="+84912345678").count() == 1
    assert SimulatedMessage.objects.filter(to="+84987654321").count() == 1


def test_the_simulator_lists_messages_with_twilios_filters(simulators):
    """What `find_sent` relies on: Twilio's list with `To` and `DateSent>`, through twilio's
    own client."""
    row = _sms(citizen_with_phone("0912345678"))
    channel = get_channel(Channel.SMS)
    assert channel.find_sent(row, since=timezone.now() - timedelta(minutes=5)) is not None
    found = channel.client.messages.list(to="+84912345678", limit=10)
    assert [m.sid for m in found] == [row.provider_message_id]
    assert channel.client.messages.list(to="+84900000009", limit=10) == []
    later = channel.client.messages.list(
        to="+84912345678", date_sent_after=timezone.now() + timedelta(minutes=5), limit=10
    )
    assert later == []
