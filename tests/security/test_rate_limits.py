"""Rate limits on the endpoints an attacker would hammer: sign-in, one-time codes, the public
dossier lookup (web and API share one budget), report tracking and the helpdesk's SMS codes.

Each limit is driven over HTTP to its edge, then one request past it; a forged
`X-Forwarded-For` must not buy a fresh budget (the key is the connection's address).
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from accounts.tests.factories import DEFAULT_PASSWORD, CitizenFactory
from dossiers.constants import DossierStatus
from dossiers.tests.factories import make_cast, make_draft, place_in

pytestmark = pytest.mark.django_db


def _verified_citizen():
    user = CitizenFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _login(client, email, password, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_failed_logins_lock_that_account_only(client):
    victim, bystander = _verified_citizen(), _verified_citizen()
    for attempt in range(5):
        response = _login(client, victim.email, f"sai-mat-khau-{attempt}")
        assert response.status_code == 200
        assert not _signed_in(client)
    # The 6th try, even with the right password, is refused while the window lasts…
    response = _login(client, victim.email, DEFAULT_PASSWORD)
    assert not _signed_in(client)
    assert response.status_code in (200, 429)
    # …from another address too (the limit is per account, not only per address)…
    other = client.__class__(REMOTE_ADDR="10.9.8.7")
    _login(other, victim.email, DEFAULT_PASSWORD)
    assert not _signed_in(other)
    # …while another account is not affected.
    response = _login(client, bystander.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


def test_failed_logins_are_limited_per_address_across_accounts(client):
    accounts = [_verified_citizen() for _ in range(5)]
    attempts = 0
    for user in accounts:
        for _ in range(4):  # under each account's own limit
            _login(client, user.email, "sai-mat-khau", HTTP_X_FORWARDED_FOR=f"1.2.3.{attempts}")
            attempts += 1
    # 20 failures from one address within the minute: the next one is throttled, forged
    # X-Forwarded-For headers notwithstanding.
    fresh = _verified_citizen()
    _login(client, fresh.email, DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9")
    assert not _signed_in(client)


@pytest.fixture
def returned_dossier(db):
    cast = make_cast()
    return place_in(make_draft(cast), DossierStatus.RECEIVED)


def _api_lookup(client, code: str, **extra):
    return client.post(
        "/api/v1/lookup",
        {"code": code, "verify": "1234"},
        content_type="application/json",
        **extra,
    )


def test_public_lookup_budget_is_shared_by_web_and_api(client, settings, returned_dossier):
    settings.DOSSIER_LOOKUP_LIMIT = 4
    statuses = []
    for i in range(4):
        forwarded = {"HTTP_X_FORWARDED_FOR": f"5.5.5.{i}"}
        response = (
            client.post(
                "/ho-so/tra-cuu/", {"code": f"HS-KHONG-CO-{i}", "verify": "1234"}, **forwarded
            )
            if i % 2
            else _api_lookup(client, f"HS-KHONG-CO-{i}", **forwarded)
        )
        statuses.append(response.status_code)
    assert 429 not in statuses, statuses
    assert client.post("/ho-so/tra-cuu/", {"code": "HS-X", "verify": "1234"}).status_code == 429
    assert _api_lookup(client, "HS-X").status_code == 429
    # Even the right code and digits wait: the budget counts tries, not failures.
    code = returned_dossier.code
    assert client.post("/ho-so/tra-cuu/", {"code": code, "verify": "0000"}).status_code == 429
    # Another address has its own budget.
    other = client.__class__(REMOTE_ADDR="10.1.1.1")
    assert _api_lookup(other, "HS-X").status_code == 404


def test_report_tracking_is_limited_per_address(client, settings):
    settings.HELPDESK_KIOSK_ATTEMPTS = 3
    for i in range(3):
        response = client.post(
            "/phan-anh/tra-cuu/", {"code": f"PA-2026-00000{i}", "phone": "0912345678"}
        )
        assert response.status_code == 200
    response = client.post("/phan-anh/tra-cuu/", {"code": "PA-2026-000009", "phone": "0912345678"})
    assert response.status_code == 429


def test_sms_codes_are_limited_per_phone_and_wrong_codes_burn_the_challenge(client, settings):
    from helpdesk.models import PhoneVerification

    settings.HELPDESK_OTP_PER_PHONE = 2
    settings.HELPDESK_OTP_MAX_ATTEMPTS = 3
    for _ in range(2):
        client.post("/phan-anh/xac-minh/", {"phone": "0912345678"})
    assert PhoneVerification.objects.count() == 2
    response = client.post("/phan-anh/xac-minh/", {"phone": "0912345678"})
    assert PhoneVerification.objects.count() == 2  # no third SMS within the window
    assert response.status_code == 200
    # Guessing the code: after the allowed wrong tries the challenge is dead, whatever comes next.
    verification = PhoneVerification.objects.order_by("-id").first()
    for guess in ("000000", "111111", "222222", "333333"):
        client.post("/phan-anh/xac-minh/", {"code": guess})
    verification.refresh_from_db()
    assert verification.verified_at is None
    assert verification.attempts >= settings.HELPDESK_OTP_MAX_ATTEMPTS
    assert "helpdesk_otp_verified" not in client.session


def test_upload_is_rate_limited(citizen_client, settings):
    settings.DOCUMENTS_UPLOAD_RATE_LIMIT = "2/10m"
    from django.core.files.uploadedfile import SimpleUploadedFile

    statuses = [
        citizen_client.post(
            "/kho-du-lieu/tai-len/",
            {"file": SimpleUploadedFile("x.txt", b"not a pdf"), "title": "x"},
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_totp_codes_cannot_be_guessed(client):
    """The second factor shares the failed-login budget: after five wrong codes even the right
    one is refused for a while, so 10^6 codes cannot be tried."""
    from accounts.constants import Role
    from accounts.tests.factories import UserFactory, give_totp
    from accounts.tests.helpers import current_totp_code, verify_email

    officer = UserFactory(roles=[Role.HELPDESK_OFFICER])
    secret = give_totp(officer)
    verify_email(officer)
    _login(client, officer.email, DEFAULT_PASSWORD)
    for guess in ("000001", "000002", "000003", "000004", "000005"):
        client.post("/accounts/2fa/authenticate/", {"code": guess})
    client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(secret)})
    assert not _signed_in(client)
