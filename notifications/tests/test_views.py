from django.urls import reverse

import pytest

from accounts.constants import Role
from accounts.tests.factories import CitizenFactory, StaffFactory, login_with_mfa
from common.models import AuditEvent
from notifications import delivery, services
from notifications.constants import Channel, Event, NotificationStatus
from notifications.models import Notification, NotificationPreference
from notifications.tests.factories import sample_context

pytestmark = pytest.mark.django_db


def _inbox_message(user, event=Event.DOSSIER_SUBMITTED, reference="HS-1"):
    (row,) = services.notify(
        event=event,
        recipient=user,
        context=sample_context(event),
        reference=reference,
        channels=[Channel.INBOX],
    )
    delivery.notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    return row


def test_inbox_lists_only_my_messages_and_the_bell_counts_unread(citizen_client, citizen):
    mine = _inbox_message(citizen)
    other = _inbox_message(CitizenFactory(), event=Event.PAYMENT_DUE)
    page = citizen_client.get(reverse("notifications:inbox")).content.decode()
    assert mine.subject in page
    assert other.subject not in page

    bell = citizen_client.get(
        reverse("notifications:bell"), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="notification-bell-count"' in bell
    assert ">1<" in bell

    assert citizen_client.get(reverse("notifications:detail", args=[other.uuid])).status_code == 404
    detail = citizen_client.get(reverse("notifications:detail", args=[mine.uuid]))
    assert detail.status_code == 200
    assert "Kính gửi" in detail.content.decode()
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    bell = citizen_client.get(reverse("notifications:bell")).content.decode()
    assert "badge" not in bell


def test_mark_read_and_mark_all_read(citizen_client, citizen):
    first, second = _inbox_message(citizen), _inbox_message(citizen, event=Event.PAYMENT_DUE)
    response = citizen_client.post(reverse("notifications:mark_read", args=[first.uuid]))
    assert response.status_code == 302
    assert Notification.objects.get(pk=first.pk).read_at
    assert not Notification.objects.get(pk=second.pk).read_at
    citizen_client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=citizen, read_at__isnull=True).exists()
    stranger = _inbox_message(CitizenFactory())
    assert (
        citizen_client.post(reverse("notifications:mark_read", args=[stranger.uuid])).status_code
        == 404
    )


def test_bell_partial_for_anonymous_is_empty_and_the_include_needs_login(client):
    assert "badge" not in client.get(reverse("notifications:bell")).content.decode()
    assert client.get(reverse("notifications:inbox")).status_code == 302


def test_bell_include_renders_a_link_with_htmx_loader(rf, citizen):
    from django.template.loader import render_to_string

    html = render_to_string("notifications/_bell.html", {"user": citizen})
    assert reverse("notifications:inbox") in html
    assert f'hx-get="{reverse("notifications:bell")}"' in html


def test_preferences_invalid_input_keeps_what_was_typed(citizen_client, citizen):
    url = reverse("notifications:preferences")
    assert 'for="id_quiet_start"' in citizen_client.get(url).content.decode()
    response = citizen_client.post(
        url, {"email_enabled": "on", "quiet_start": "22:00", "language": "vi"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hãy nhập cả giờ bắt đầu và giờ kết thúc" in page
    assert 'aria-describedby="id_quiet_end-help id_quiet_end-error"' in page
    assert 'value="22:00"' in page
    assert not NotificationPreference.objects.filter(user=citizen).exists()


def test_preferences_save_and_leave_an_audit_event(citizen_client, citizen):
    response = citizen_client.post(
        reverse("notifications:preferences"),
        {
            "email_enabled": "on",
            "zalo_enabled": "on",
            "zalo_linked": "on",
            "quiet_start": "21:30",
            "quiet_end": "06:00",
            "language": "en",
        },
    )
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=citizen)
    assert (pref.email_enabled, pref.sms_enabled, pref.zalo_enabled, pref.language) == (
        True,
        False,
        True,
        "en",
    )
    assert pref.zalo_linked_at is not None
    assert pref.quiet_start.hour == 21
    assert AuditEvent.objects.filter(
        action="notifications.preference_update", actor=citizen
    ).exists()


def test_delivery_log_and_failures_are_for_supervisors_only(client, citizen_client, citizen):
    row = _inbox_message(citizen, reference="000.00.80.H52-260315-0009")
    Notification.objects.create(
        event=Event.PAYMENT_DUE,
        channel=Channel.SMS,
        recipient=citizen,
        address="+84912345678",
        status=NotificationStatus.FAILED,
        attempts=10,
        last_error="Twilio 400 21211: invalid",
        reference="X",
    )
    log_url = reverse("notifications:delivery_log") + "?ma=000.00.80.H52-260315-0009"
    assert citizen_client.get(log_url).status_code == 403

    officer = StaffFactory(roles=[Role.PROCESSING_OFFICER])
    login_with_mfa(client, officer)
    assert client.get(log_url).status_code == 403

    supervisor = StaffFactory(roles=[Role.ONESTOP_SUPERVISOR])
    login_with_mfa(client, supervisor)
    page = client.get(log_url).content.decode()
    assert row.get_event_display() in page
    assert "Hộp thư trên cổng" in page
    assert "Thành công" in page
    failures = client.get(reverse("notifications:failures") + "?kenh=sms").content.decode()
    assert "Twilio 400 21211" in failures


def test_staff_without_mfa_cannot_open_the_delivery_log(client):
    supervisor = StaffFactory(roles=[Role.ONESTOP_SUPERVISOR])
    client.force_login(supervisor)
    response = client.get(reverse("notifications:delivery_log"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_simulator_log_is_the_system_administrators_only(client, citizen_client):
    """It holds every one-time code sent: a superuser with MFA only (tests/security has more)."""
    from accounts.tests.factories import UserFactory

    assert citizen_client.get(reverse("notifications:simulator_log")).status_code == 404
    login_with_mfa(client, StaffFactory(roles=[Role.SYSTEM_ADMIN]))
    assert client.get(reverse("notifications:simulator_log")).status_code == 404
    login_with_mfa(client, UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("notifications:simulator_log")).status_code == 200


def test_simulators_are_off_when_the_provider_is_enabled(client, settings):
    settings.TWILIO_SIMULATOR_ENABLED = False
    settings.ZALO_SIMULATOR_ENABLED = False
    url = reverse("notifications:sim_twilio_messages", args=["AC1"])
    assert client.post(url, {"To": "+84912345678"}).status_code == 404
    assert client.post(reverse("notifications:sim_zalo_zns"), {}).status_code == 404


def test_twilio_simulator_refuses_bad_credentials_and_missing_fields(client, settings):
    import base64

    url = reverse("notifications:sim_twilio_messages", args=[settings.TWILIO_ACCOUNT_SID])
    assert client.post(url, {"To": "+84912345678", "From": "X", "Body": "x"}).status_code == 401
    auth = base64.b64encode(
        f"{settings.TWILIO_ACCOUNT_SID}:{settings.TWILIO_AUTH_TOKEN}".encode()
    ).decode()
    response = client.post(url, {"From": "X", "Body": "x"}, HTTP_AUTHORIZATION=f"Basic {auth}")
    assert response.status_code == 400
    assert response.json()["code"] == 21604
