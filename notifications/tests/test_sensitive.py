"""Sensitive events (a one-time code): delivered, then blanked; never shown to staff (ADR 0081)."""

from django.urls import reverse

import pytest

from accounts.constants import Role
from accounts.tests.factories import StaffFactory, UserFactory, login_with_mfa
from notifications import delivery, services
from notifications.channels.base import PermanentError
from notifications.constants import EVENTS, SENSITIVE_EVENTS, AttemptOutcome, Event
from notifications.constants import NotificationStatus as S
from notifications.models import DeliveryAttempt, Notification, SimulatedMessage

CODE = "739184"
REFERENCE = "PA-OTP-1"


def _code_sms() -> Notification:
    row = services.notify_phone(
        event=Event.HELPDESK_PHONE_CODE,
        phone="0912345678",
        context={"code": CODE, "minutes": "5"},
        reference=REFERENCE,
    )
    assert row is not None
    return row


def test_only_the_one_time_codes_are_sensitive():
    assert EVENTS[Event.HELPDESK_PHONE_CODE].sensitive
    assert EVENTS[Event.CONFIRMATION_CODE].sensitive
    assert sorted(SENSITIVE_EVENTS) == sorted(
        [Event.HELPDESK_PHONE_CODE, Event.CONFIRMATION_CODE, Event.SIGN_IN_CODE]
    )


@pytest.mark.django_db(transaction=True)
def test_code_reaches_the_twilio_simulator_and_the_sent_row_is_blanked(simulators):
    row = _code_sms()  # committed → delivered by the (eager) task through the Twilio client
    message = SimulatedMessage.objects.get(provider="twilio")
    assert CODE in message.body
    row.refresh_from_db()
    assert row.status in (S.SENT, S.DELIVERED)
    assert CODE not in row.body
    assert row.body == delivery.REDACTED_BODY
    assert row.context == {}
    assert row.subject == ""
    (attempt,) = DeliveryAttempt.objects.filter(notification=row)
    assert attempt.outcome == AttemptOutcome.SENT
    assert CODE not in attempt.error


@pytest.mark.django_db
def test_a_queued_code_keeps_its_body_until_sent():
    row = _code_sms()
    row.refresh_from_db()
    assert row.status == S.QUEUED
    assert CODE in row.body  # the SMS channel needs it at send time
    assert row.display_body == "[đã ẩn]"


@pytest.mark.django_db
def test_a_permanently_failed_code_is_blanked_and_its_error_scrubbed(monkeypatch):
    row = _code_sms()

    class Refusing:
        def send(self, notification):
            raise PermanentError(f"Twilio 400 21211: refused {notification.body!r}")

    monkeypatch.setattr(delivery, "get_channel", lambda channel: Refusing())
    assert delivery.notification_deliver(notification_id=row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == S.FAILED
    assert row.body == delivery.REDACTED_BODY
    assert row.context == {}
    assert CODE not in row.last_error
    assert "Twilio 400 21211" in row.last_error
    (attempt,) = DeliveryAttempt.objects.filter(notification=row)
    assert attempt.outcome == AttemptOutcome.PERMANENT
    assert CODE not in attempt.error


@pytest.mark.django_db
def test_a_transient_failure_keeps_the_body_for_the_retry(monkeypatch):
    row = _code_sms()

    class Flaky:
        def send(self, notification):
            raise delivery.TransientError("Twilio 503")

    monkeypatch.setattr(delivery, "get_channel", lambda channel: Flaky())
    assert delivery.notification_deliver(notification_id=row.pk) == "retry"
    row.refresh_from_db()
    assert row.status == S.QUEUED
    assert CODE in row.body


@pytest.mark.django_db
def test_delivery_log_and_admin_never_show_the_code(client):
    row = _code_sms()  # still queued: the body holds the code
    assert CODE in Notification.objects.get(pk=row.pk).body

    supervisor = StaffFactory(roles=[Role.ONESTOP_SUPERVISOR])
    login_with_mfa(client, supervisor)
    page = client.get(reverse("notifications:delivery_log") + f"?ma={REFERENCE}")
    html = page.content.decode()
    assert page.status_code == 200
    assert row.get_event_display() in html
    assert CODE not in html

    admin = UserFactory(is_staff=True, is_superuser=True)
    login_with_mfa(client, admin)
    detail = client.get(reverse("admin:notifications_notification_change", args=[row.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert CODE not in html
    assert "[đã ẩn]" in html
    listing = client.get(reverse("admin:notifications_notification_changelist"))
    assert listing.status_code == 200
    assert CODE not in listing.content.decode()
