"""The account pages in a real browser: axe-core finds no WCAG 2.1 A/AA violation, including
on forms showing errors, and the TOTP activation page works at 360 px."""

import pytest

from accounts.constants import Role
from accounts.tests.factories import DEFAULT_PASSWORD, CitizenFactory, StaffFactory
from accounts.tests.helpers import verify_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, email):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).last.click()
    page.wait_for_load_state()


def test_signup_with_errors_is_accessible_and_focusable(live_server, page, axe):
    page.goto(live_server.url + "/accounts/signup/")
    assert axe(page) == []
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Số điện thoại").fill("12ab")
    page.get_by_role("button", name="Đăng ký", exact=True).last.click()
    page.wait_for_load_state()

    summary = page.get_by_role("alert").filter(has_text="Thông tin chưa hợp lệ")
    assert summary.is_visible()
    assert page.get_by_label("Họ và tên").input_value() == "Nguyễn Thị Hoa"
    summary.get_by_role("link", name="Số điện thoại").click()
    assert page.evaluate("document.activeElement.id") == "id_phone"
    assert axe(page) == []


def test_profile_page_is_accessible(live_server, page, axe):
    citizen = CitizenFactory()
    verify_email(citizen)
    sign_in(page, live_server.url, citizen.email)
    page.goto(live_server.url + "/tai-khoan/ho-so/")
    assert page.get_by_role("heading", name="Hồ sơ cá nhân").is_visible()
    assert axe(page) == []
    page.get_by_label("Số định danh cá nhân").fill("123")
    page.get_by_role("button", name="Lưu hồ sơ").click()
    page.wait_for_load_state()
    assert (
        "Số định danh cá nhân gồm đúng 12 chữ số; số đã nhập có 3"
        in page.locator("main").inner_text()
    )
    assert axe(page) == []


def test_staff_is_led_to_totp_activation_which_is_accessible(live_server, browser, axe):
    officer = StaffFactory(roles=[Role.RECEPTION_OFFICER])
    verify_email(officer)
    context = browser.new_context(locale="vi-VN", viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        sign_in(page, live_server.url, officer.email)
        page.goto(live_server.url + "/tai-khoan/ho-so/")
        # allauth first asks for the password again before a factor can be added
        page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Xác nhận").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="Bật ứng dụng xác thực").is_visible()
        assert page.get_by_role("img", name="Mã QR").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert axe(page) == []
    finally:
        context.close()
