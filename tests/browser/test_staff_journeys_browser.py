"""Each role, from the sign-in page to its daily work without typing an address (issue #20):
password, authenticator code, "Việc của tôi", then the door that role uses all day. axe-core
scans the staff home; at 360 px it does not scroll sideways."""

import time

import pytest

from accounts.constants import Role
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, give_totp
from accounts.tests.helpers import current_totp_code, verify_email
from dossiers.tests.factories import add_membership, make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base: str, user, secret: str) -> None:
    page.goto(base + "/")
    menu = page.get_by_role("button", name="Mở menu")
    if menu.is_visible():  # on a phone the header's links are behind the menu button
        menu.click()
    page.get_by_role("link", name="Đăng nhập").first.click()
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).last.click()
    page.wait_for_load_state()
    # A code read in the last seconds of its 30-second window may expire before it arrives on
    # a loaded machine (allauth allows no drift): wait for a fresh window then.
    if 30 - time.time() % 30 < 8:
        time.sleep(30 - time.time() % 30 + 0.5)
    page.get_by_label("Mã xác thực").fill(current_totp_code(secret))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_load_state()


def _staff(role: str, agency=None, **fields):
    user = UserFactory(roles=[role], **fields)
    if agency is not None:
        add_membership(user, agency, role)
    verify_email(user)
    return user, give_totp(user)


# role, how the test finds its agency, the door to click on "Việc của tôi", where it must land,
# the heading of that role's daily work there (for a queue: the queue marked as the current one).
JOURNEYS = [
    (Role.RECEPTION_OFFICER, "receiving", "Bàn làm việc một cửa", "/office/", "Chờ tiếp nhận"),
    (
        Role.PROCESSING_OFFICER,
        "competent",
        "Được giao cho tôi",
        "/office/hang-doi/cua-toi/",
        "Được giao cho tôi",
    ),
    (
        Role.AGENCY_HEAD,
        "competent",
        "Chờ tôi phê duyệt",
        "/office/hang-doi/cho-phe-duyet/",
        "Chờ tôi phê duyệt",
    ),
    (
        Role.RECORDS_CLERK,
        "competent",
        "Sổ theo dõi hồ sơ (Mẫu 07)",
        "/office/so-theo-doi/",
        "Sổ theo dõi hồ sơ",
    ),
    (
        Role.ONESTOP_SUPERVISOR,
        "receiving",
        "Thống kê, chỉ số QĐ 766",
        "/office/stats/",
        "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)",
    ),
    (
        Role.HELPDESK_OFFICER,
        None,
        "Phản ánh hiện trường 1022",
        "/phan-anh/xu-ly/",
        "Hàng đợi phản ánh, kiến nghị",
    ),
    (Role.SYSTEM_ADMIN, None, "Quản trị hệ thống", "/admin/", ""),
]


@pytest.mark.parametrize(("role", "side", "door", "lands", "says"), JOURNEYS)
def test_each_role_reaches_its_daily_work_from_the_sign_in_page(
    live_server, page, axe, role, side, door, lands, says
):
    cast = make_cast()
    agency = {"receiving": cast.receiving, "competent": cast.competent, None: None}[side]
    admin = role == Role.SYSTEM_ADMIN
    user, secret = _staff(role, agency, is_staff=admin, is_superuser=admin)
    base = live_server.url

    _sign_in(page, base, user, secret)

    assert page.url == base + "/viec-cua-toi/", page.url
    assert page.get_by_role("heading", name="Việc của tôi").is_visible()
    assert axe(page) == []
    page.get_by_role("link", name=door).first.click()
    page.wait_for_load_state()
    assert page.url.split("?")[0] == base + lands, page.url
    if lands.startswith("/office/") and lands.endswith(("/office/", "/cua-toi/", "-duyet/")):
        # A queue: the one that role works through is the one shown.
        current = page.locator("a[aria-current='page']").filter(has_text=says)
        assert current.count() >= 1, says
    elif says:
        assert page.get_by_role("heading", name=says).first.is_visible(), says
    if admin:
        return  # Django's admin has its own layout and header
    # The header's door leads back to the staff home from every page of the portal.
    page.get_by_role("link", name="Việc của tôi").first.click()
    page.wait_for_load_state()
    assert page.url == base + "/viec-cua-toi/"


def test_the_staff_home_at_360_px(live_server, page, axe):
    cast = make_cast()
    user, secret = _staff(Role.AGENCY_HEAD, cast.competent)
    page.set_viewport_size({"width": 360, "height": 800})
    _sign_in(page, live_server.url, user, secret)
    assert page.url.endswith("/viec-cua-toi/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert axe(page) == []
