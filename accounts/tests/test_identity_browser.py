"""The whole national sign-in in Chromium against npm oidc-provider: in, verified profile, out."""

import copy

import pytest

from accounts.tests.oidc import CALLBACK_PATH, start_provider, vneid_providers_setting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_provider(live_server, settings):
    provider = start_provider([f"{live_server.url}{CALLBACK_PATH}"], [f"{live_server.url}/"])
    settings.SOCIALACCOUNT_PROVIDERS = vneid_providers_setting(provider.issuer)
    settings.SITE_URL = live_server.url
    # As the settings do for VNEID_ISSUER_URL: the provider's origin may receive our forms.
    csp = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    csp["DIRECTIVES"]["form-action"].append(provider.issuer)
    settings.CONTENT_SECURITY_POLICY = csp
    yield provider
    provider.stop()


def _sign_in_at_provider(page, login: str) -> None:
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any-password")
    page.click("button[type=submit]")
    page.click("button[type=submit]")  # consent: "Continue"


def test_round_trip_sign_in_profile_and_provider_logout(page, live_server, live_provider):
    from accounts.models import CitizenProfile

    page.goto(f"{live_server.url}/dinh-danh/dang-nhap/")
    page.click("text=Đăng nhập bằng VNeID")
    page.wait_for_url(f"{live_provider.issuer}/interaction/**")
    _sign_in_at_provider(page, "tuyet")
    page.wait_for_url(f"{live_server.url}/**")

    page.goto(f"{live_server.url}/dinh-danh/")
    verified = page.get_by_test_id("verified")
    assert "Mức 1" in verified.inner_text()
    assert "Trần Thị Ánh Tuyết" in page.content()
    assert "080190001234" in page.content()
    assert CitizenProfile.objects.get(id_number="080190001234").verified_at is not None

    # Logout ends the provider's session too: the next person must sign in again there.
    page.click("text=Đăng xuất khỏi Cổng và VNeID")
    page.wait_for_url(f"{live_provider.issuer}/session/end**")
    page.click("button[autofocus]")  # the provider's "Yes, sign me out"
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/dinh-danh/dang-nhap/")
    page.click("text=Đăng nhập bằng VNeID")
    page.wait_for_url(f"{live_provider.issuer}/interaction/**")
    assert page.locator("input[name=login]").is_visible()


def _sign_in_browser(page, live_server, user) -> None:
    """Gives the browser a session for `user` (Django's test client makes it)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


@pytest.mark.parametrize(
    "path",
    ["/dinh-danh/dang-nhap/", "/dinh-danh/quyen-rieng-tu/"],
)
def test_public_identity_pages_pass_axe(page, live_server, axe, path):
    page.goto(f"{live_server.url}{path}")
    assert axe(page) == []


def test_citizen_identity_pages_pass_axe_at_360px(page, live_server, axe):
    from accounts.identity import mandates
    from accounts.tests.factories import CitizenFactory

    citizen = CitizenFactory()
    mandates.mandate_grant(principal=citizen, agent=CitizenFactory())
    _sign_in_browser(page, live_server, citizen)
    page.set_viewport_size({"width": 360, "height": 800})
    for path in ("/dinh-danh/", "/dinh-danh/uy-quyen/", "/dinh-danh/du-lieu-ca-nhan/"):
        page.goto(f"{live_server.url}{path}")
        assert axe(page) == [], path
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, path
