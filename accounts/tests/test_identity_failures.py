"""Issue #19, finding 9: a refused national sign-in says why, in Vietnamese, and leaves a trace.

Against the real OpenID Connect provider (npm oidc-provider) of the other identity tests: each
failure shows the portal's own page with what to do next (never allauth's English "Third-Party
Login Failure"), logs the reason and writes an audit event; `iss` is checked (RFC 9207).
"""

import logging

import pytest

from accounts.identity.failures import AUDIT_ACTION
from accounts.models import User
from accounts.tests import oidc as oidc_helpers
from accounts.tests.oidc import callback_path, provider_sign_in, start_login
from common.models import AuditEvent

pytestmark = pytest.mark.django_db
oidc_provider = oidc_helpers.oidc_provider
vneid = oidc_helpers.vneid


def _provider_redirect(client):
    return callback_path(provider_sign_in(start_login(client), "tuyet"))


def _assert_failure_page(response, reason: str, caplog) -> None:
    page = response.content.decode()
    assert response.status_code == 400
    assert "Không đăng nhập được bằng định danh điện tử" in page
    assert "Third-Party Login Failure" not in page
    assert f"Mã lỗi để báo tổng đài 1022: {reason}" in page
    assert not User.objects.exists()
    event = AuditEvent.objects.get(action=AUDIT_ACTION)
    assert event.data["reason"] == reason
    assert event.ip_address == "127.0.0.1"
    assert any(f"reason={reason}" in r.getMessage() for r in caplog.records)


def test_tampered_nonce_is_named_logged_and_audited(client, vneid, caplog):
    caplog.set_level(logging.WARNING, logger="accounts.identity")
    path, query = _provider_redirect(client)
    session = client.session
    states = session["socialaccount_states"]
    states[query["state"]][0]["nonce"] = "not-the-nonce-we-sent"
    session["socialaccount_states"] = states
    session.save()
    _assert_failure_page(client.get(path, query), "nonce", caplog)


def test_lost_state_is_named(client, vneid, caplog):
    caplog.set_level(logging.WARNING, logger="accounts.identity")
    path, query = _provider_redirect(client)
    query["state"] = "not-a-state-of-this-browser"
    response = client.get(path, query)
    _assert_failure_page(response, "state", caplog)
    assert "bắt đầu lại trong cùng một cửa sổ" in response.content.decode()


def test_another_issuer_in_the_response_is_refused(client, vneid, caplog):
    """RFC 9207: a response naming another issuer (mix-up attack) is refused before the code
    is even exchanged."""
    caplog.set_level(logging.WARNING, logger="accounts.identity")
    path, query = _provider_redirect(client)
    query["iss"] = "https://vneid.evil.example"
    _assert_failure_page(client.get(path, query), "issuer", caplog)


def test_the_right_issuer_in_the_response_signs_in(client, vneid):
    path, query = _provider_redirect(client)
    query["iss"] = vneid.issuer
    response = client.get(path, query)
    assert response.status_code == 302, response.content[:1000]
    assert client.session.get("_auth_user_id")


def test_provider_error_is_named(client, vneid, caplog):
    caplog.set_level(logging.WARNING, logger="accounts.identity")
    path, query = _provider_redirect(client)
    response = client.get(path, {"state": query["state"], "error": "access_denied"})
    assert response.status_code in (200, 400)
    assert "Third-Party Login Failure" not in response.content.decode()
    reason = AuditEvent.objects.get(action=AUDIT_ACTION).data["reason"]
    assert reason in ("provider", "cancelled")
    assert AuditEvent.objects.get(action=AUDIT_ACTION).data["provider_error"] == "access_denied"


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("Invalid ID token: Signature verification failed", "signature"),
        ("Invalid ID token: Signature has expired", "expired"),
        ("Invalid ID token: Invalid issuer", "issuer"),
        ('Invalid ID token: Token is missing the "iss" claim', "issuer"),
        ("Invalid ID token: Audience doesn't match", "audience"),
        ("ID token has several audiences and another authorised party", "audience"),
        ("ID token nonce does not match this sign-in", "nonce"),
        ("Discovery document names another issuer", "issuer"),
        ("The provider returned no ID token", "token"),
    ],
)
def test_each_check_names_its_reason(message, reason):
    from allauth.socialaccount.providers.oauth2.client import OAuth2Error

    from accounts.identity.failures import failure_reason

    assert failure_reason(error=None, exception=OAuth2Error(message), extra={}) == reason
