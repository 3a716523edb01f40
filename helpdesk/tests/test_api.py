import base64
import json

import pytest

from helpdesk.models import FieldReport
from helpdesk.tests.factories import jpeg_with_gps

pytestmark = pytest.mark.django_db
URL = "/api/v1/helpdesk/reports"


@pytest.fixture
def token(settings):
    settings.HELPDESK_API_TOKENS = {
        "tong-dai": "secret-hotline-token",
        "zalo-oa": "secret-zalo-token",
    }
    return "secret-hotline-token"


def _payload(commune, **kwargs):
    body = {
        "channel": "hotline",
        "category": "roads",
        "title": "Ổ gà trên quốc lộ 22B",
        "description": "Ổ gà sâu, nhiều xe máy bị té.",
        "commune_code": commune.commune_code,
        "address": "Quốc lộ 22B, km 12",
        "reporter_name": "Người gọi 1022",
        "reporter_phone": "0912345678",
        "external_reference": "CALL-7781",
    }
    body.update(kwargs)
    return body


def _post(client, body, token):
    return client.post(
        URL, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_intake_needs_a_token(client, commune, token, sms_outbox):
    assert _post(client, _payload(commune), "wrong").status_code == 401
    assert (
        client.post(URL, json.dumps(_payload(commune)), content_type="application/json").status_code
        == 401
    )
    assert not FieldReport.objects.exists()


def test_hotline_console_files_a_report_and_the_caller_follows_it(
    client, commune, token, sms_outbox, no_virus_scan
):
    photo = base64.b64encode(jpeg_with_gps()).decode()
    response = _post(
        client, _payload(commune, photos=[{"name": "a.jpg", "content_base64": photo}]), token
    )
    assert response.status_code == 201, response.content
    data = response.json()
    report = FieldReport.objects.get(code=data["code"])
    assert report.channel == "hotline"
    assert report.reporter_phone == "+84912345678"
    assert report.external_reference == "tong-dai:CALL-7781"
    assert report.photos.count() == 1
    status = client.get(
        f"{URL}/{report.code}", {"phone": "0912345678"}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert status.json()["status"] == "new"
    other_phone = client.get(
        f"{URL}/{report.code}", {"phone": "0900000009"}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert other_phone.status_code == 404


def test_intake_validation(client, commune, token, sms_outbox):
    assert _post(client, _payload(commune, channel="web"), token).status_code == 400
    assert _post(client, _payload(commune, commune_code="99999"), token).json()["code"] == "commune"
    assert _post(client, _payload(commune, reporter_phone="123"), token).json()["code"] == "phone"
    assert _post(client, _payload(commune, category="weather"), token).json()["code"] == "category"
    bad_photo = [{"name": "a.jpg", "content_base64": "@@@"}]
    assert _post(client, _payload(commune, photos=bad_photo), token).json()["code"] == "photos"
    assert not FieldReport.objects.exists()
