"""The SMS and Zalo channels against the local simulators over real HTTP (the live server)."""

import pytest
import requests
from twilio.request_validator import RequestValidator

from notifications import services
from notifications.channels.zalo import zalo_headers
from notifications.constants import AttemptOutcome, Channel, Event, NotificationStatus
from notifications.models import Notification, SimulatedMessage, ZaloToken
from notifications.simulators import twilio_send_status_callback
from notifications.tests.factories import citizen_with_phone, sample_context

S = NotificationStatus
pytestmark = pytest.mark.django_db(transaction=True)


def _sms(user, event=Event.DOSSIER_SUBMITTED, channels=(Channel.SMS,)):
    return services.notify(
        event=event,
        recipient=user,
        context=sample_context(event),
        reference="HS-9",
        channels=channels,
    )


def _link_zalo(user, *, sms=True):
    services.preference_update(
        user=user,
        email_enabled=True,
        sms_enabled=sms,
        zalo_enabled=True,
        quiet_start=None,
        quiet_end=None,
        language="vi",
        zalo_linked=True,
    )


def test_twilio_simulator_receives_exactly_the_messages_api_form_fields(simulators, settings):
    user = citizen_with_phone("0912345678")
    (row,) = _sms(user)  # committed → delivered by the (eager) task through twilio's own client
    row.refresh_from_db()
    message = SimulatedMessage.objects.get(provider="twilio")
    assert set(message.payload) == {"To", "From", "Body", "StatusCallback"}
    assert message.payload["To"] == "+84912345678"
    assert message.payload["From"] == settings.TWILIO_FROM_NUMBER
    assert (
        message.payload["Body"]
        == "DVC Tây Ninh: Hồ sơ 000.00.80.H52-260315-0007 đã nộp lúc 15/03/2026 09:12, đang chờ tiếp nhận."
    )
    assert (
        message.payload["StatusCallback"] == f"{simulators}/thong-bao/twilio/trang-thai/{row.uuid}/"
    )
    assert row.status == S.SENT
    assert row.provider_message_id == message.message_id
    assert message.message_id.startswith("SM")
    assert row.provider_status == "queued"


def test_messaging_service_sid_replaces_from(simulators, settings):
    from notifications.channels.registry import get_channel

    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "1" * 32
    get_channel.cache_clear()
    _sms(citizen_with_phone())
    payload = SimulatedMessage.objects.get(provider="twilio").payload
    assert set(payload) == {"To", "MessagingServiceSid", "Body", "StatusCallback"}
    assert payload["MessagingServiceSid"] == "MG" + "1" * 32


def test_signed_status_callback_marks_delivered_and_a_forged_one_is_rejected(simulators, settings):
    (row,) = _sms(citizen_with_phone())
    message = SimulatedMessage.objects.get(provider="twilio")
    url = message.payload["StatusCallback"]
    forged = {
        "MessageSid": message.message_id,
        "MessageStatus": "undelivered",
        "ErrorCode": "30003",
    }

    bad_signature = requests.post(
        url, data=forged, headers={"X-Twilio-Signature": "bm90LWEtc2lnbmF0dXJl"}, timeout=10
    )
    wrong_key = RequestValidator("not-our-auth-token").compute_signature(url, forged)
    wrong_key_response = requests.post(
        url, data=forged, headers={"X-Twilio-Signature": wrong_key}, timeout=10
    )
    unsigned = requests.post(url, data=forged, timeout=10)
    assert (bad_signature.status_code, wrong_key_response.status_code, unsigned.status_code) == (
        403,
        403,
        403,
    )
    row.refresh_from_db()
    assert row.status == S.SENT

    assert twilio_send_status_callback(message, "delivered") == 204
    row.refresh_from_db()
    assert row.status == S.DELIVERED
    assert row.provider_status == "delivered"
    assert row.delivered_at
    # A replayed report changes nothing.
    assert twilio_send_status_callback(message, "delivered") == 204
    assert Notification.objects.get(pk=row.pk).delivered_at == row.delivered_at


def test_invalid_number_fails_permanently_and_fails_over_to_zalo(simulators):
    user = citizen_with_phone("0900000001")  # the simulator's "invalid number"
    _link_zalo(user)
    rows = _sms(user)
    sms = Notification.objects.get(pk=rows[0].pk)
    assert sms.status == S.FAILED
    assert "21211" in sms.last_error
    zalo = Notification.objects.get(failover_of=sms)
    assert zalo.channel == Channel.ZALO
    assert zalo.status == S.SENT
    zns = SimulatedMessage.objects.get(provider="zalo")
    assert zns.payload["phone"] == "84900000001"
    assert zns.payload["template_id"] == Event.DOSSIER_SUBMITTED
    assert zns.payload["template_data"]["dossier_code"] == "000.00.80.H52-260315-0007"
    assert zns.payload["tracking_id"] == str(zalo.uuid)


def test_provider_500_is_retried_later(simulators):
    (row,) = _sms(citizen_with_phone("0900000002"))  # the simulator answers 500
    row.refresh_from_db()
    assert row.status == S.QUEUED
    assert row.attempts == 1
    assert row.enqueued_at is None
    assert row.delivery_attempts.get().outcome == AttemptOutcome.TRANSIENT


def test_zalo_refreshes_its_access_token_and_refresh_tokens_are_single_use(simulators, settings):
    user = citizen_with_phone("0987654321")
    _link_zalo(user, sms=False)
    (first,) = _sms(user, channels=(Channel.ZALO,))
    token = ZaloToken.objects.get()
    assert Notification.objects.get(pk=first.pk).status == S.SENT
    assert token.access_token
    assert token.refresh_token != settings.ZALO_REFRESH_TOKEN

    # The stored access token stops working (revoked): the channel refreshes and resends once.
    ZaloToken.objects.update(access_token="revoked-token")
    (second,) = _sms(user, event=Event.PAYMENT_DUE, channels=(Channel.ZALO,))
    assert Notification.objects.get(pk=second.pk).status == S.SENT
    assert SimulatedMessage.objects.filter(provider="zalo").count() == 2
    rotated = ZaloToken.objects.get()
    assert rotated.refresh_token != token.refresh_token

    # Replaying an already used refresh token is refused, as Zalo does.
    replay = requests.post(
        settings.ZALO_OAUTH_URL + "/v4/oa/access_token",
        headers=zalo_headers("secret_key", settings.ZALO_APP_SECRET),
        data={
            "refresh_token": token.refresh_token,
            "app_id": settings.ZALO_APP_ID,
            "grant_type": "refresh_token",
        },
        timeout=10,
    ).json()
    assert replay["error"] == -14014


def test_zalo_without_an_account_fails_over_to_sms(simulators):
    user = citizen_with_phone("0912340000")  # ends in 0000: no Zalo account in the simulator
    _link_zalo(user)
    (zalo,) = _sms(user, channels=(Channel.ZALO,))
    zalo.refresh_from_db()
    assert zalo.status == S.FAILED
    assert "-118" in zalo.last_error
    sms = Notification.objects.get(failover_of=zalo)
    assert sms.channel == Channel.SMS
    assert sms.status == S.SENT
    assert SimulatedMessage.objects.filter(provider="twilio", to="+84912340000").count() == 1


def test_notify_phone_sends_an_outbox_sms_to_a_number_without_account(simulators):
    context = {
        "citizen_name": "Người phản ánh",
        "question_code": "PA-2026-00042",
        "question_title": "Đèn đường hỏng",
        "answer_url": "https://dichvucong.tayninh.gov.vn/phan-anh/PA-2026-00042/",
    }
    row = services.notify_phone(
        event=Event.HELPDESK_ANSWERED,
        phone="0977 000 111",
        context=context,
        reference="PA-2026-00042",
    )
    row.refresh_from_db()
    assert row.recipient is None
    assert row.status == S.SENT
    message = SimulatedMessage.objects.get(provider="twilio")
    assert message.to == "+84977000111"
    assert "PA-2026-00042" in message.body
    assert services.notify_phone(event=Event.HELPDESK_ANSWERED, phone="12", context=context) is None


def test_twilio_client_reads_the_environment_once_and_keeps_its_proxy_rules(
    simulators, monkeypatch
):
    """The proxies of the environment are read when the channel is made (ADR 0332), not for
    every message: a NO_PROXY rule in force then still applies, and nothing is read per send."""
    import urllib3
    from requests import utils as requests_utils

    from notifications.channels.registry import get_channel
    from notifications.channels.sms_twilio import TWILIO_API_URL
    from notifications.channels.twilio_http import PooledTwilioHttpClient

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    to_twilio = PooledTwilioHttpClient(target_url=TWILIO_API_URL, timeout=5)
    assert to_twilio.proxy_url == "http://proxy.invalid:3128"
    assert isinstance(to_twilio.pool, urllib3.ProxyManager)
    channel = get_channel(Channel.SMS)  # the simulator on localhost: NO_PROXY applies
    assert channel.client.http_client.proxy_url is None
    reads: list[str] = []
    original = requests_utils.get_environ_proxies
    monkeypatch.setattr(
        requests_utils,
        "get_environ_proxies",
        lambda url, no_proxy=None: reads.append(url) or original(url, no_proxy),
    )
    user = citizen_with_phone("0912345678")
    (row,) = _sms(user)
    row.refresh_from_db()
    assert row.status == S.SENT  # the simulator on 127.0.0.1 reached directly (NO_PROXY)
    assert reads == []
