"""The walk over every sign-in view: a staff member cannot reach a back-office page without MFA,
whichever door they come in by.

`SIGN_IN_DOORS` lists every route that can start an authenticated session; a route whose name
looks like one and is not listed fails the discovery test. Each door is then driven for a staff
member who has a TOTP device, up to the point where a session would exist, and a staff page must
still refuse them.
"""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client

import pytest

from accounts.constants import Role
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, give_totp
from accounts.tests.helpers import current_totp_code, link_in_last_email, verify_email
from tests.security.routes import all_routes

pytestmark = pytest.mark.django_db

# route name → how the door is exercised here (or where it is tested).
SIGN_IN_DOORS = {
    "account_login": "password form → MFA stage (test_password_door)",
    "account_confirm_login_code": "login by code is off; the page must not sign anyone in",
    "account_signup": "creates citizens only; staff are made by admins",
    "account_confirm_email": "logs in on confirmation (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION) → "
    "MFA stage (test_email_confirmation_door)",
    "account_reset_password_from_key": "no login on reset (test_password_reset_door)",
    "account_reauthenticate": "only for an existing session",
    "account_request_reauthentication_code": "only for an existing session",
    "account_confirm_reauthentication_code": "only for an existing session",
    "mfa_authenticate": "the MFA stage itself (test_password_door)",
    "mfa_reauthenticate": "only for an existing session",
    "admin:login": "wrapped by allauth's secure_admin_login (test_admin_door)",
    "identity:oidc_callback": "national identity: citizens; a staff session made by it is caught "
    "by the middleware (test_session_made_elsewhere)",
    "identity:sign_in": "starts the national-identity flow",
    "openid_connect_login": "allauth's generic OIDC (no provider configured)",
    "openid_connect_callback": "allauth's generic OIDC (no provider configured)",
    "socialaccount_signup": "social sign-up: citizens only",
    "identity:sms_sign_in": "SMS code for accounts the SMS mandate opened; never staff "
    "(test_sms_code_door)",
    "identity:sms_sign_in_code": "the code step of the same door (test_sms_code_door)",
    "identity:simulator_authorize": "the VNeID simulator's own page (off in production)",
    "identity:simulator_token": "the VNeID simulator's token endpoint (off in production)",
    # Matched by the name pattern but no door: pages and redirects that create no session.
    "socialaccount_login_cancelled": "not a door: a message page",
    "socialaccount_login_error": "not a door: a message page",
    "<unnamed> accounts/social/login/cancelled/": "not a door: allauth's legacy redirect",
    "<unnamed> accounts/social/login/error/": "not a door: allauth's legacy redirect",
    "<unnamed> accounts/social/signup/": "not a door: allauth's legacy redirect",
    "account_reset_password_from_key_done": "not a door: the page after a reset",
    "integrations:vnpost_callback": "not a door: a server-to-server callback (HMAC, no session)",
}
LOOKS_LIKE_A_DOOR = re.compile(
    r"login|sign_in|signup|callback|authenticate|reset.*key|confirm_email"
)

STAFF_PAGES = ["/phan-anh/xu-ly/", "/thong-bao/can-bo/nhat-ky/", "/admin/", "/api/v1/dossiers"]


def test_every_sign_in_door_is_listed():
    names = {r.name for r in all_routes()}
    doors = {n for n in names if LOOKS_LIKE_A_DOOR.search(n.split(":")[-1])}
    assert sorted(doors - set(SIGN_IN_DOORS)) == []


def _staff_with_device(**kwargs):
    user = UserFactory(roles=[Role.HELPDESK_OFFICER], **kwargs)
    secret = give_totp(user)
    return user, secret


def _no_staff_page_opens(client) -> None:
    for url in STAFF_PAGES:
        response = client.get(url)
        assert response.status_code in (302, 401, 403, 404), (url, response.status_code)
        if response.status_code == 302:
            assert "/admin/" not in response["Location"] or "login" in response["Location"]


def _authenticated(client) -> bool:
    return "_auth_user_id" in client.session


def test_password_door(client):
    user, secret = _staff_with_device()
    verify_email(user)
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert "/accounts/2fa/authenticate/" in response["Location"]
    assert not _authenticated(client)
    _no_staff_page_opens(client)
    # A wrong code keeps the door shut; the right one opens it.
    client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert not _authenticated(client)
    client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(secret)})
    assert _authenticated(client)
    assert client.get("/phan-anh/xu-ly/").status_code == 200


def _confirm_by_email(client, user) -> None:
    """Sign in with an unverified address, then follow the confirmation link (which signs in)."""
    mail.outbox.clear()
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert mail.outbox, "a confirmation e-mail is sent"
    path = re.sub(r"^https?://[^/]+", "", link_in_last_email())
    client.get(path)
    client.post(path)


def test_email_confirmation_door(client):
    # Control: for a citizen the link does sign in (so the door is really exercised)…
    citizen = UserFactory(roles=[Role.CITIZEN])
    _confirm_by_email(client, citizen)
    assert _authenticated(client)
    # …for a staff member with a device it leads to the second factor, not into the office.
    staff_client = Client()
    user, _secret = _staff_with_device()
    _confirm_by_email(staff_client, user)
    assert not _authenticated(staff_client)
    _no_staff_page_opens(staff_client)


def test_password_reset_door(client):
    user, _secret = _staff_with_device()
    verify_email(user)
    client.post("/accounts/password/reset/", {"email": user.email})
    path = re.sub(r"^https?://[^/]+", "", link_in_last_email())
    response = client.get(path, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else path
    new_password = "Mot-mat-khau-moi-2026!"
    client.post(form_path, {"password1": new_password, "password2": new_password})
    user.refresh_from_db()
    assert user.check_password(new_password)  # the reset went through…
    assert not _authenticated(client)  # …without signing anyone in
    _no_staff_page_opens(client)


def test_admin_door(client):
    user, _secret = _staff_with_device()
    user.is_staff = user.is_superuser = True
    user.save()
    verify_email(user)
    client.post("/admin/login/", {"username": user.email, "password": DEFAULT_PASSWORD})
    assert not _authenticated(client)
    _no_staff_page_opens(client)


def test_session_made_elsewhere():
    """Whatever view made the session (an OIDC callback, a future door): no MFA, no page."""
    user, _secret = _staff_with_device()
    client = Client()
    client.force_login(user)
    _no_staff_page_opens(client)


def test_sms_code_door(client):
    """A staff member whose phone was verified and whose ID number is on file gets no sign-in
    code, and no code opens the session (ADR 0300)."""
    from accounts.models import CitizenProfile
    from notifications.models import Notification

    user, _secret = _staff_with_device(verified_phone="+84912345678")
    CitizenProfile.objects.update_or_create(
        user=user, defaults={"id_number": "072150009999", "phone": "0912345678"}
    )
    response = client.post(
        "/dinh-danh/dang-nhap-sms/", {"id_number": "072150009999", "phone": "0912345678"}
    )
    assert response.status_code == 302  # the same answer as for a matching citizen
    assert not Notification.objects.filter(event="sign_in_code").exists()
    client.post(response["Location"], {"code": "123456"})
    assert not _authenticated(client)
    _no_staff_page_opens(client)
