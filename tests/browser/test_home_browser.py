"""The home page in a real browser: language switch, sign-in, accessibility, small screens."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_switch_language_and_back(live_server, page, csp_violations):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Dịch vụ công trực tuyến tỉnh Tây Ninh"
    )

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url == live_server.url + "/"

    page.get_by_role("button", name="Tiếng Việt").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"
    assert csp_violations == []


def test_citizen_signs_in_through_the_real_form(
    live_server, page, verified_citizen, csp_violations
):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Đăng nhập").click()
    assert page.url.startswith(live_server.url + "/accounts/login/")
    # allauth's field names; their labels belong to the accounts templates (and axe checks them).
    page.locator("input[name=login]").fill(verified_citizen.email)
    page.locator("input[name=password]").fill(verified_citizen.test_password)
    page.locator("form:has(input[name=login]) button[type=submit]").click()
    page.wait_for_url(live_server.url + "/trang-cua-toi/")
    assert "Xin chào, Trần Thị Demo." in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    assert csp_violations == []


def test_quick_search_updates_as_you_type(live_server, page, csp_violations):
    page.goto(live_server.url + "/")
    page.get_by_label("Tìm thủ tục hành chính").fill("tra cuu")
    results = page.locator("#quick-results")
    results.get_by_text("Tra cứu hồ sơ").wait_for()
    assert "Tìm “tra cuu” trong danh mục thủ tục hành chính" in results.inner_text()
    assert page.url == live_server.url + "/"  # htmx swapped the region; the page stayed
    assert csp_violations == []


@pytest.mark.parametrize("path", ["/", "/?q=tra+cuu", "/offline/", "/khong-co-trang-nay/"])
def test_portal_pages_have_no_wcag_a_aa_violations(live_server, page, axe, path):
    page.goto(live_server.url + path)
    assert axe(page) == []


def test_skip_link_is_the_first_stop_and_moves_to_the_content(live_server, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Bỏ qua, đến nội dung chính"
    page.keyboard.press("Enter")
    page.wait_for_url("**/#main")  # the fragment navigation lands a moment after the key press
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_menu_opens_on_a_phone(live_server, browser):
    """Bootstrap's collapse works under the CSP (its script is a file, not inline)."""
    context = browser.new_context(locale="vi-VN", viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        language = page.get_by_role("button", name="English")
        assert not language.is_visible()
        page.get_by_role("button", name="Mở menu").click()
        language.wait_for(state="visible")
        assert page.get_by_role("button", name="Mở menu").get_attribute("aria-expanded") == "true"
    finally:
        context.close()


def test_login_page_has_no_wcag_a_aa_violations(live_server, page, axe):
    page.goto(live_server.url + "/accounts/login/")
    assert axe(page) == []


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/khong-co-trang-nay/"])
def test_no_horizontal_scroll_at_360_px(live_server, browser, path):
    context = browser.new_context(locale="vi-VN", viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(live_server.url + path)
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], (
            f"{path}: content {widths[0]} px wide in a {widths[1]} px screen"
        )
    finally:
        context.close()


def test_offline_page_is_served_by_the_service_worker(live_server, browser):
    context = browser.new_context(locale="vi-VN")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        page.evaluate("async () => { await navigator.serviceWorker.ready; }")
        page.reload()  # the page is now controlled by the worker
        assert page.evaluate("() => navigator.serviceWorker.controller !== null")
        context.set_offline(True)
        page.goto(live_server.url + "/ho-so/bat-ky/")
        assert page.get_by_role("heading", level=1).inner_text() == "Bạn đang ngoại tuyến"
        # The cached stylesheet still applies: the header keeps the portal's blue.
        colour = page.evaluate(
            "() => getComputedStyle(document.querySelector('.site-navbar')).backgroundColor"
        )
        assert colour == "rgb(11, 83, 148)"
        # Its icons are drawn from the page's own sprite (issue #26): every <use> finds its
        # symbol, and the offline sign has a size.
        assert page.evaluate(
            """() => [...document.querySelectorAll("svg use")].every(
                (u) => document.querySelector(u.getAttribute("href")) !== null)"""
        )
        offline_icon = page.locator(".error-page svg.bi-wifi-off")
        assert offline_icon.bounding_box()["width"] > 16
        assert page.get_by_role("link", name="Về trang chủ").is_visible()
    finally:
        context.close()


def test_manifest_and_icons_make_the_site_installable(live_server, page):
    page.goto(live_server.url + "/")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.request.get(live_server.url + href).json()
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        response = page.request.get(live_server.url + icon["src"])
        assert response.ok
        assert response.headers["content-type"] == "image/png"


def test_browser_enforces_the_csp_and_the_recorder_sees_it(live_server, page, csp_violations):
    """An inline script is refused on our pages, and `csp_violations` notices (it can fail)."""
    page.goto(live_server.url + "/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text) as refused:
        ran = page.evaluate(
            """() => { window.__inline = false; const s = document.createElement('script');
            s.textContent = 'window.__inline = true'; document.body.appendChild(s);
            return window.__inline; }"""
        )
    assert ran is False
    assert "inline script" in refused.value.text
    assert refused.value.text in csp_violations
