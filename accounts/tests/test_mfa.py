"""MFA is required for every staff role before any back-office or admin page opens."""

import re
import uuid

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

import pytest
import time_machine
from allauth.mfa.models import Authenticator

from accounts.constants import STAFF_ROLES, Role
from accounts.middleware import ALWAYS_OPEN_PREFIXES, MFA_SETUP_URL_NAMES
from accounts.tests.factories import (
    CitizenFactory,
    StaffFactory,
    UserFactory,
    give_totp,
    login_with_mfa,
)
from accounts.tests.helpers import current_totp_code, post_login, session_user_id, verify_email

pytestmark = pytest.mark.django_db


def staff_with_password(**kwargs):
    user = StaffFactory(**kwargs)
    verify_email(user)
    return user


def admin_user():
    user = UserFactory(is_staff=True, is_superuser=True, roles=[Role.SYSTEM_ADMIN])
    verify_email(user)
    return user


# --- every URL in the project -------------------------------------------------------------------

_DUMMY_BY_CONVERTER = {
    "UUIDConverter": str(uuid.UUID("00000000-0000-4000-8000-000000000001")),
    "IntConverter": "1",
    "SlugConverter": "demo",
    "StringConverter": "demo",
    "PathConverter": "demo",
}
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)")


def _route_part(pattern) -> str | None:
    if isinstance(pattern, RoutePattern):
        route = str(pattern)

        def fill(match):
            converter = pattern.converters[match.group(2)]
            return _DUMMY_BY_CONVERTER.get(type(converter).__name__, "demo")

        return re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)
    if isinstance(pattern, RegexPattern):
        regex = pattern.regex.pattern.lstrip("^").rstrip("$").removesuffix("\\Z")

        def fill_group(match):
            group = match.group(2)
            candidates = ["1", "demo", _DUMMY_BY_CONVERTER["UUIDConverter"], *group.split("|")]
            for candidate in candidates:
                if re.fullmatch(group, candidate):
                    return candidate
            raise ValueError(group)

        try:
            url = _REGEX_GROUP.sub(fill_group, regex)
        except ValueError:
            return None
        url = re.sub(r"\\(.)", r"\1", url).replace("/?", "/")
        return None if re.search(r"[()\[\]*+?|]", url) else url
    return None


def project_urls() -> list[tuple[str, str]]:
    """(url, name) for every pattern that can be filled with dummy values and resolves back."""
    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            part = _route_part(entry.pattern)
            if part is None:
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + part)
            elif isinstance(entry, URLPattern):
                url = "/" + prefix + part
                try:
                    resolve(url.split("?")[0])
                except Exception:  # noqa: S112 a pattern our dummies cannot satisfy
                    continue
                found.append((url, entry.name or ""))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def _is_public_asset(url: str) -> bool:
    return url.startswith(ALWAYS_OPEN_PREFIXES)


def _count_patterns(patterns) -> int:
    return sum(
        _count_patterns(p.url_patterns) if isinstance(p, URLResolver) else 1 for p in patterns
    )


def test_the_url_walk_covers_the_project():
    urls = dict(project_urls())
    names = set(urls.values())
    # Nearly every pattern can be filled with dummy values; the rest are odd regexes.
    assert len(urls) >= 0.9 * _count_patterns(get_resolver().url_patterns)
    # Sanity: admin pages, allauth pages and our own pages are all in the walk.
    assert {"index", "account_login", "mfa_activate_totp", "profile", "personal_data"} <= names
    assert any(url.startswith("/admin/accounts/user/") for url in urls)


def test_staff_without_device_reaches_no_page_but_mfa_setup(client):
    staff = admin_user()
    setup_paths = {reverse(name) for name in MFA_SETUP_URL_NAMES}
    opened = []
    for url, _name in project_urls():
        if _is_public_asset(url):
            continue
        client.force_login(staff)
        response = client.get(url)
        if url in setup_paths:
            continue
        if response.status_code == 200:
            opened.append(url)
        else:
            assert response.status_code == 302, url
            assert response.url == reverse("mfa_activate_totp"), url
    assert opened == []


def test_staff_with_device_but_password_only_session_is_signed_out_everywhere(client):
    staff = admin_user()
    give_totp(staff)
    opened = []
    for url, _name in project_urls():
        if _is_public_asset(url):
            continue
        client.force_login(staff)  # a session that skipped the TOTP step
        response = client.get(url)
        if response.status_code == 200:
            opened.append(url)
        assert session_user_id(client) is None, url
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url
    assert opened == []


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_every_staff_role_is_sent_to_totp_activation(client, role):
    staff = staff_with_password(roles=[role])
    client.force_login(staff)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_citizens_and_community_helpers_need_no_mfa(client):
    for user in (CitizenFactory(), UserFactory(roles=[Role.COMMUNITY_HELPER])):
        client.force_login(user)
        assert client.get(reverse("accounts:profile")).status_code == 200


def test_staff_signed_in_with_mfa_opens_pages(staff_client):
    assert staff_client.get(reverse("accounts:profile")).status_code == 200


def test_public_assets_stay_open_to_staff_without_mfa(client):
    client.force_login(staff_with_password())
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("portal:manifest")).status_code == 200


# --- the real login forms --------------------------------------------------------------------------


def test_full_login_with_password_then_totp_code_opens_the_admin(client):
    admin = admin_user()
    secret = give_totp(admin)

    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": admin.email, "password": "Mat-khau-2026!", "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert session_user_id(client) is None  # password alone signs nobody in

    page = client.get(response.url)
    assert "Xác thực hai lớp" in page.content.decode()
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert session_user_id(client) is None

    done = client.post(reverse("mfa_authenticate"), {"code": current_totp_code(secret)})
    assert done.status_code == 302
    assert done.url == "/admin/"
    assert session_user_id(client) == str(admin.pk)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def run_on_commit_immediately(monkeypatch):
    """The test's wrapping transaction never commits; in production the TOTP activation's own
    `atomic` block commits before the response, so its on-commit hooks (which record the MFA
    use in the session) run while the request is still open. Reproduce that order."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def test_staff_without_device_activates_totp_through_the_real_form(client, monkeypatch):
    run_on_commit_immediately(monkeypatch)
    officer = staff_with_password(roles=[Role.RECEPTION_OFFICER])

    assert post_login(client, officer.email).status_code == 302
    assert session_user_id(client) == str(officer.pk)
    blocked = client.get(reverse("accounts:profile"))
    assert blocked.url == reverse("mfa_activate_totp")

    # allauth asks for the password again before adding a factor; that page stays open.
    reauth = client.get(reverse("mfa_activate_totp"))
    assert reauth.url.startswith(reverse("account_reauthenticate"))
    confirmed = client.post(reauth.url, {"password": "Mat-khau-2026!"})
    assert confirmed.status_code == 302
    assert confirmed.url == reverse("mfa_activate_totp")

    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bật ứng dụng xác thực" in html
    assert "data:image/svg+xml;base64," in html  # the QR code
    secret = page.context["form"].secret
    activated = client.post(reverse("mfa_activate_totp"), {"code": current_totp_code(secret)})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()

    assert client.get(reverse("accounts:profile")).status_code == 200


def test_generating_recovery_codes_does_not_count_as_mfa(client, monkeypatch):
    """A password-only session must not promote itself through another MFA page."""
    run_on_commit_immediately(monkeypatch)
    staff = staff_with_password()
    client.force_login(staff)
    client.post(reverse("account_reauthenticate"), {"password": "Mat-khau-2026!"})
    client.post(reverse("mfa_generate_recovery_codes"))
    assert not Authenticator.objects.filter(user=staff).exists()
    assert client.get(reverse("accounts:profile")).url == reverse("mfa_activate_totp")


def test_staff_cannot_switch_their_totp_off(staff_client, staff_user):
    give_totp(staff_user)
    staff_client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=staff_user, type="totp").exists()


def test_admin_login_form_is_not_a_way_around_allauth(client):
    admin = admin_user()
    give_totp(admin)

    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))

    posted = client.post(
        "/admin/login/?next=/admin/",
        {"username": admin.email, "password": "Mat-khau-2026!", "next": "/admin/"},
    )
    assert posted.status_code == 302
    assert posted.url.startswith(reverse("account_login"))
    assert session_user_id(client) is None
    assert client.get("/admin/").status_code == 302


def test_django_login_without_mfa_cannot_open_admin(client):
    """`client.login` (Django's own authenticate + login) stands for any non-allauth path."""
    admin = admin_user()
    give_totp(admin)
    assert client.login(email=admin.email, password="Mat-khau-2026!")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert session_user_id(client) is None
    login_page = client.get(response.url).content.decode()
    assert "Cán bộ phải đăng nhập bằng xác thực hai lớp." in login_page


# --- idle expiry -------------------------------------------------------------------------------------


def test_staff_session_expires_after_30_idle_minutes(staff_client, settings):
    assert settings.STAFF_SESSION_IDLE_SECONDS == 30 * 60
    with time_machine.travel("2026-03-02 08:00 +0700", tick=False) as traveller:
        assert staff_client.get(reverse("accounts:profile")).status_code == 200
        traveller.shift(29 * 60)
        assert staff_client.get(reverse("accounts:profile")).status_code == 200
        traveller.shift(29 * 60)  # activity 29 minutes ago: still fine
        assert staff_client.get(reverse("accounts:profile")).status_code == 200
        traveller.shift(31 * 60)
        response = staff_client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert session_user_id(staff_client) is None
    login_page = staff_client.get(response.url).content.decode()
    assert "Phiên làm việc đã hết hạn sau thời gian không hoạt động." in login_page


def test_citizen_session_has_no_idle_limit(citizen_client):
    with time_machine.travel("2026-03-02 08:00 +0700", tick=False) as traveller:
        assert citizen_client.get(reverse("accounts:profile")).status_code == 200
        traveller.shift(3 * 60 * 60)
        assert citizen_client.get(reverse("accounts:profile")).status_code == 200


def test_only_a_totp_activation_counts_as_using_mfa(rf, staff_user):
    from django.contrib.sessions.middleware import SessionMiddleware

    from allauth.mfa.signals import authenticator_added

    from accounts.selectors import session_used_mfa

    request = rf.get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = staff_user
    codes = Authenticator.objects.create(
        user=staff_user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00", "used_mask": 0}
    )
    authenticator_added.send(
        sender=Authenticator, request=request, user=staff_user, authenticator=codes
    )
    assert not session_used_mfa(request=request)

    totp = Authenticator.objects.create(
        user=staff_user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    authenticator_added.send(
        sender=Authenticator, request=request, user=staff_user, authenticator=totp
    )
    assert session_used_mfa(request=request)


def test_mfa_records_of_another_user_do_not_count(client, staff_user):
    """allauth ties the records to a user id; a session re-used by someone else starts clean."""
    login_with_mfa(client, staff_user)
    other = staff_with_password(roles=[Role.AGENCY_HEAD])
    client.force_login(other)  # same session store, different user
    assert client.get(reverse("accounts:profile")).url == reverse("mfa_activate_totp")
