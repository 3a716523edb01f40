"""The catalogue in a real browser: accessibility of list and detail, live search without accents."""

import pytest

from procedures.tests.factories import import_records, national_record, sample_records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(transactional_db):
    import_records(*sample_records(), national_record("9.000001", "Công nhận tổ hoà giải ở cơ sở"))


@pytest.fixture
def console_errors(page):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_catalogue_and_detail_pages_pass_axe(live_server, page, axe, catalogue, console_errors):
    page.goto(live_server.url + "/thu-tuc/?q=dang+ky&level=commune")
    assert page.locator("#results .procedure-link").count() > 0
    assert axe(page) == []
    page.goto(live_server.url + "/thu-tuc/1.004222/")
    assert page.get_by_role("heading", level=1).inner_text() == "Đăng ký thường trú"
    assert axe(page) == []
    page.goto(live_server.url + "/thu-tuc/2.002338/")  # raw document text, review note
    assert axe(page) == []
    assert console_errors == []


def test_typing_without_accents_finds_and_opens_the_procedure(live_server, page, catalogue):
    page.goto(live_server.url + "/thu-tuc/")
    page.get_by_label("Tìm thủ tục").fill("dang ky thuong tru")
    first = page.locator("#results .procedure-link").first
    first.filter(has_text="Đăng ký thường trú").wait_for()
    assert page.locator("#results mark").first.inner_text() == "Đăng"
    assert "q=dang%20ky%20thuong%20tru" in page.url  # htmx pushed the search into the history
    first.click()
    page.wait_for_url(live_server.url + "/thu-tuc/1.004222/")
    assert page.get_by_role("heading", level=1).inner_text() == "Đăng ký thường trú"


def test_catalogue_usable_at_360px(live_server, browser, catalogue):
    context = browser.new_context(locale="vi-VN", viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/thu-tuc/1.004222/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
    finally:
        context.close()
