"""Issue #26: name, ID number and birth date that came verified from the national identity read
"đã xác thực" in the profile and change only through a new verified sign-in."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

import pytest

from accounts import services
from accounts.constants import AssuranceLevel
from accounts.models import CitizenProfile
from accounts.tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified_citizen():
    citizen = CitizenFactory()
    CitizenProfile.objects.update_or_create(
        user=citizen,
        defaults={
            "full_name": "Trần Thị Bình",
            "id_number": "072190000123",
            "date_of_birth": dt.date(1990, 3, 4),
            "phone": "0912345678",
            "verified_at": timezone.now(),
            "assurance_level": AssuranceLevel.LEVEL_2,
        },
    )
    return citizen


def test_verified_fields_are_shown_not_offered(client, verified_citizen):
    client.force_login(verified_citizen)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "đã xác thực" in page
    assert "Trần Thị Bình" in page
    assert "04/03/1990" in page
    assert 'name="full_name"' not in page
    assert 'name="id_number"' not in page
    assert 'name="date_of_birth"' not in page
    assert 'name="phone"' in page  # the rest stays editable
    assert reverse("identity:sign_in") in page


def test_a_forged_post_cannot_change_verified_fields(client, verified_citizen):
    client.force_login(verified_citizen)
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Tên Khác",
            "id_number": "072190000999",
            "date_of_birth": "01/01/2000",
            "phone": "0987654321",
        },
    )
    assert response.status_code == 302
    profile = CitizenProfile.objects.get(user=verified_citizen)
    assert profile.full_name == "Trần Thị Bình"
    assert profile.id_number == "072190000123"
    assert profile.date_of_birth == dt.date(1990, 3, 4)
    assert profile.phone == "0987654321"


def test_the_service_refuses_them_too_and_unverified_profiles_stay_editable(verified_citizen):
    services.profile_update(user=verified_citizen, data={"full_name": "Tên Khác"})
    assert CitizenProfile.objects.get(user=verified_citizen).full_name == "Trần Thị Bình"
    unverified = CitizenFactory()
    services.profile_update(user=unverified, data={"full_name": "Lê Văn Cường"})
    assert CitizenProfile.objects.get(user=unverified).full_name == "Lê Văn Cường"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_profile_page_shows_verified_fields_in_a_browser(live_server, page, axe):
    from django.conf import settings
    from django.test import Client

    citizen = CitizenFactory()
    CitizenProfile.objects.update_or_create(
        user=citizen,
        defaults={
            "full_name": "Trần Thị Bình",
            "id_number": "072190000123",
            "date_of_birth": dt.date(1990, 3, 4),
            "verified_at": timezone.now(),
        },
    )
    client = Client()
    client.force_login(citizen)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + reverse("accounts:profile"))
    assert page.locator("#verified-full_name").get_by_text("đã xác thực").is_visible()
    assert page.get_by_label("Họ và tên").count() == 0  # no input to type into
    assert page.get_by_label("Số điện thoại").is_editable()
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/shots-helpdesk/profile-verified-360.png", full_page=True)
