"""The dossier API: the same journey and rules as the web form, JSON errors, session auth."""

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from dossiers.constants import DossierStatus
from dossiers.tests.submission_helpers import ID_NUMBER, PHONE, PROCEDURE_CODE, pdf_bytes

pytestmark = pytest.mark.django_db
API = "/api/v1/dossiers"


@pytest.fixture
def api_client(client, world):
    client.force_login(world.citizen)
    return client


def patch(client, url, payload):
    return client.patch(url, payload, content_type="application/json")


def test_anonymous_is_refused(client, world):
    assert client.get(API).status_code == 401
    assert (
        client.post(
            API, {"procedure_code": PROCEDURE_CODE}, content_type="application/json"
        ).status_code
        == 401
    )


def test_journey_through_the_api(api_client, world):
    created = api_client.post(
        API, {"procedure_code": PROCEDURE_CODE}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    url = f"{API}/{body['uuid']}"
    assert body["status"] == "draft"
    assert body["fee_vnd"] == 10_000

    bad = patch(
        api_client,
        url,
        {"applicant": {"full_name": "An", "id_number": "123", "phone": PHONE, "address": "x"}},
    )
    assert bad.status_code == 422
    assert "id_number" in bad.json()["errors"]

    ok = patch(
        api_client,
        url,
        {
            "applicant": {
                "full_name": "Nguyễn Văn An",
                "id_number": ID_NUMBER,
                "phone": PHONE,
                "address": "12 CMT8",
            },
            "fields": {
                "full_name": "Nguyễn Văn An",
                "id_number": ID_NUMBER,
                "new_address": "34 Trần Hưng Đạo",
            },
            "result_delivery": "electronic",
        },
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["fields"]["new_address"] == "34 Trần Hưng Đạo"

    early = api_client.post(f"{url}/submit", {"declaration": True}, content_type="application/json")
    assert early.status_code == 422
    assert "giay-to" in early.json()["errors"]

    refused = api_client.post(
        f"{url}/documents",
        {
            "requirement_code": body["components"][0]["requirement_code"],
            "file": SimpleUploadedFile("a.exe", b"MZ.."),
        },
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "type_not_allowed"

    for component in body["components"]:
        if component["source"] == "state_holds":
            continue
        added = api_client.post(
            f"{url}/documents",
            {
                "requirement_code": component["requirement_code"],
                "file": SimpleUploadedFile("a.pdf", pdf_bytes()),
            },
        )
        assert added.status_code == 201, added.content
        assert added.json()["source"] == "uploaded"

    submitted = api_client.post(
        f"{url}/submit", {"declaration": True}, content_type="application/json"
    )
    assert submitted.status_code == 200, submitted.content
    code = submitted.json()["code"]
    assert submitted.json()["status"] == DossierStatus.SUBMITTED

    by_code = api_client.get(f"{API}/{code}")
    assert by_code.status_code == 200
    assert by_code.json()["uuid"] == body["uuid"]
    listed = api_client.get(API).json()
    assert [d["code"] for d in listed] == [code]

    again = api_client.post(f"{url}/submit", {"declaration": True}, content_type="application/json")
    assert again.status_code == 422  # already submitted


def test_unknown_procedure_is_404(api_client):
    response = api_client.post(API, {"procedure_code": "9.999999"}, content_type="application/json")
    assert response.status_code == 404
