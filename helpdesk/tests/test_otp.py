"""The anonymous reporter proves their phone with a one-time SMS code."""

import re

from django.test import Client
from django.utils import timezone

import pytest
import time_machine

from common.exceptions import ApplicationError
from helpdesk import services
from helpdesk.constants import IntakeChannel
from helpdesk.models import FieldReport
from helpdesk.tests.factories import submit_report

pytestmark = pytest.mark.django_db


def _code(outbox) -> str:
    return re.search(r"\b(\d{6})\b", outbox[-1].body).group(1)


def _start(phone="0912345678", ip="203.0.113.5"):
    return services.phone_verification_start(phone=phone, client_ip=ip)


def test_code_is_sent_hashed_and_checked(sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        verification = _start()
    assert sms_outbox[-1].to == "+84912345678"
    code = _code(sms_outbox)
    assert code not in verification.code_hash
    with pytest.raises(ApplicationError, match="không đúng"):
        services.phone_verification_check(
            verification_uuid=str(verification.uuid),
            code="000000" if code != "000000" else "111111",
        )
    checked = services.phone_verification_check(verification_uuid=str(verification.uuid), code=code)
    assert checked.verified_at is not None
    assert checked.attempts == 2


def test_wrong_tries_are_limited(sms_outbox, settings, django_capture_on_commit_callbacks):
    settings.HELPDESK_OTP_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        verification = _start()
    code = _code(sms_outbox)
    wrong = "999999" if code != "999999" else "888888"
    for _ in range(2):
        with pytest.raises(ApplicationError):
            services.phone_verification_check(verification_uuid=str(verification.uuid), code=wrong)
    with pytest.raises(ApplicationError, match="quá số lần"):
        services.phone_verification_check(verification_uuid=str(verification.uuid), code=code)


def test_code_expires(sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        verification = _start()
    code = _code(sms_outbox)
    with (
        time_machine.travel(timezone.now() + timezone.timedelta(minutes=6)),
        pytest.raises(ApplicationError, match="hết hạn"),
    ):
        services.phone_verification_check(verification_uuid=str(verification.uuid), code=code)


def test_requests_are_rate_limited_per_phone_and_per_address(sms_outbox, settings):
    settings.HELPDESK_OTP_PER_PHONE = 3
    settings.HELPDESK_OTP_PER_IP = 4
    for _ in range(3):
        _start()
    with pytest.raises(ApplicationError, match="quá nhiều"):
        _start()
    _start(phone="0987000001")  # 5th request from the address: over its limit of 4
    with pytest.raises(ApplicationError, match="quá nhiều"):
        _start(phone="0987000002")
    _start(phone="0987000003", ip="198.51.100.7")


def test_invalid_phone_refused(sms_outbox):
    with pytest.raises(ApplicationError, match="không hợp lệ"):
        _start(phone="12345")


def test_anonymous_submission_needs_a_fresh_unused_verification(
    commune, sms_outbox, django_capture_on_commit_callbacks
):
    anonymous = {"channel": IntakeChannel.WEB, "reporter": None}
    with pytest.raises(ApplicationError):
        submit_report(commune=commune, verification_uuid="", **anonymous)
    with django_capture_on_commit_callbacks(execute=True):
        verification = _start()
    with pytest.raises(ApplicationError):  # sent but not yet confirmed
        submit_report(commune=commune, verification_uuid=str(verification.uuid), **anonymous)
    services.phone_verification_check(
        verification_uuid=str(verification.uuid), code=_code(sms_outbox)
    )
    report = submit_report(commune=commune, verification_uuid=str(verification.uuid), **anonymous)
    assert report.reporter_phone == "+84912345678"
    assert report.phone_verified is True
    with pytest.raises(ApplicationError):  # one verification, one report
        submit_report(commune=commune, verification_uuid=str(verification.uuid), **anonymous)


def test_anonymous_web_flow(commune, sms_outbox, django_capture_on_commit_callbacks):
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert client.get("/phan-anh/gui/")["Location"] == "/phan-anh/xac-minh/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/phan-anh/xac-minh/", {"phone": "0912 345 678"})
    assert response.status_code == 302
    wrong = client.post("/phan-anh/xac-minh/", {"code": "abcdef"})
    assert 'aria-invalid="true"' in wrong.content.decode()
    response = client.post("/phan-anh/xac-minh/", {"code": _code(sms_outbox)})
    assert response["Location"] == "/phan-anh/gui/"
    form = {
        "category": "water",
        "title": "Ngập nước sau mưa",
        "description": "Mỗi trận mưa đoạn đường ngập 30 cm.",
        "commune": commune.commune_code,
        "address": "Hẻm 12 đường Trưng Nữ Vương",
        "latitude": "11.31",
    }
    # a bad field keeps everything typed and says why
    invalid = client.post("/phan-anh/gui/", form)
    body = invalid.content.decode()
    assert invalid.status_code == 200
    assert "Ngập nước sau mưa" in body
    assert "cả vĩ độ và kinh độ" in body
    form["longitude"] = "106.1"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/phan-anh/gui/", form)
    report = FieldReport.objects.get()
    assert response["Location"] == f"/phan-anh/tra-cuu/{report.code}/"
    assert client.get(response["Location"]).status_code == 200
    assert report.code in sms_outbox[-1].body
    # the verification is spent: the next report needs a new code
    assert client.get("/phan-anh/gui/")["Location"] == "/phan-anh/xac-minh/"


@pytest.mark.django_db(transaction=True)
def test_code_travels_through_the_sms_channel_to_the_twilio_simulator(live_server, settings):
    """The real path: the notifications SMS channel (twilio library) → the local simulator."""
    from notifications.channels.registry import get_channel
    from notifications.models import Notification, SimulatedMessage

    settings.TWILIO_API_BASE_URL = f"{live_server.url}/thong-bao/mo-phong/twilio"
    settings.NOTIFICATIONS_CALLBACK_BASE_URL = live_server.url
    get_channel.cache_clear()
    try:
        verification = _start()
    finally:
        get_channel.cache_clear()
    message = SimulatedMessage.objects.get(provider="twilio")
    assert message.to == "+84912345678"
    # It went through the outbox: one row, sent, with its delivery attempt logged.
    row = Notification.objects.get(event="helpdesk_phone_code", address="+84912345678")
    assert row.recipient is None
    assert row.status in ("sent", "delivered")
    assert row.delivery_attempts.get().outcome == "sent"
    assert row.provider_message_id
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    checked = services.phone_verification_check(verification_uuid=str(verification.uuid), code=code)
    assert checked.verified_at is not None
