"""Public lookup: code + last 4 digits of the phone or ID number; minimal data; rate-limited."""

from django.urls import reverse

import pytest

from dossiers import services as svc
from dossiers.tests.submission_helpers import ID_NUMBER, PHONE, fill_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world):
    dossier = fill_draft(
        svc.dossier_start(procedure=world.procedure, user=world.citizen), world.citizen
    )
    svc.dossier_submit_online(dossier=dossier, by=world.citizen, declaration=True)
    dossier.refresh_from_db()
    return dossier


def test_lookup_by_phone_or_id_digits(client, submitted):
    url = reverse("dossiers:lookup")
    for verify in (PHONE[-4:], ID_NUMBER[-4:]):
        response = client.post(url, {"code": submitted.code, "verify": verify})
        assert response.status_code == 200
        page = response.content.decode()
        assert submitted.procedure_name in page
        assert "Nguyễn Văn An" not in page  # no personal data
        assert PHONE not in page


def test_wrong_digits_or_code_find_nothing(client, submitted):
    url = reverse("dossiers:lookup")
    assert client.post(url, {"code": submitted.code, "verify": "0000"}).status_code == 404
    assert client.post(url, {"code": "NOPE-1", "verify": PHONE[-4:]}).status_code == 404


def test_the_digits_never_travel_in_the_url(client, submitted):
    """Issue #26: the form posts; digits put in a URL by hand are not looked at."""
    url = reverse("dossiers:lookup")
    page = client.get(url, {"code": submitted.code}).content.decode()
    assert 'method="post"' in page
    by_url = client.get(url, {"code": submitted.code, "verify": PHONE[-4:]})
    assert by_url.status_code == 200
    assert submitted.procedure_name not in by_url.content.decode()


def test_qr_link_prefills_the_code(client, submitted):
    page = client.get(reverse("dossiers:lookup"), {"code": submitted.code}).content.decode()
    assert f'value="{submitted.code}"' in page


def test_lookup_is_rate_limited(client, submitted, settings):
    settings.DOSSIER_LOOKUP_LIMIT = 3
    url = reverse("dossiers:lookup")
    statuses = [
        client.post(url, {"code": submitted.code, "verify": "0000"}).status_code for _ in range(4)
    ]
    assert statuses == [404, 404, 404, 429]
    # the right answer is refused too while limited, on the web and the API alike
    assert client.post(url, {"code": submitted.code, "verify": PHONE[-4:]}).status_code == 429
    assert _api(client, submitted.code, PHONE[-4:]).status_code == 429


def _api(client, code: str, verify: str):
    return client.post(
        "/api/v1/lookup", {"code": code, "verify": verify}, content_type="application/json"
    )


def test_api_lookup(client, submitted):
    response = _api(client, submitted.code, PHONE[-4:])
    assert response.status_code == 200
    assert set(response.json()) == {
        "code",
        "procedure_name",
        "status",
        "status_text",
        "submitted_at",
        "received_at",
        "due_at",
    }
    assert _api(client, submitted.code, "1111").status_code == 404


def test_the_api_takes_the_digits_in_the_body_never_the_url(client, submitted):
    """Issue #26, ADR 0302: the GET form with the digits in the query string is gone."""
    query = {"code": submitted.code, "verify": PHONE[-4:]}
    assert client.get("/api/v1/lookup", query).status_code == 405
    in_query = client.post(
        f"/api/v1/lookup?code={submitted.code}&verify={PHONE[-4:]}",
        {},
        content_type="application/json",
    )
    assert in_query.status_code == 422  # the body is required; the query string is not read
    schema = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/lookup"]
    assert set(schema) == {"post"}
    assert not schema["post"].get("parameters")
    assert "requestBody" in schema["post"]


def test_drafts_are_never_found(client, world):
    dossier = svc.dossier_start(procedure=world.procedure, user=world.citizen)
    assert svc.submission_problems(dossier)
    assert _api(client, "", PHONE[-4:]).status_code == 404
