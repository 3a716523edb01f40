"""The data-store pages in Chromium: upload through the real form, axe (WCAG 2.1 A/AA), 360 px."""

from django.test import Client

import pytest

from documents import services
from documents.constants import DocumentSource
from documents.models import StoredDocument
from documents.tests.helpers import make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_context(browser, live_server, user, width=1280):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 800})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def test_upload_through_the_form_then_pages_pass_axe(live_server, browser, citizen, axe, tmp_path):
    context = signed_in_context(browser, live_server, citizen)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/kho-du-lieu/tai-len/")
        assert axe(page) == []
        # A renamed executable: refused with the reason tied to the field, typed title kept.
        fake = tmp_path / "don.pdf"
        fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 300)
        page.get_by_label("Tệp giấy tờ").set_input_files(str(fake))
        page.get_by_label("Tên giấy tờ").fill("Đơn đề nghị")
        page.get_by_role("button", name="Lưu vào kho dữ liệu").click()
        page.wait_for_load_state()
        assert "Loại tệp không được chấp nhận" in page.locator("main").inner_text()
        assert page.get_by_label("Tên giấy tờ").input_value() == "Đơn đề nghị"
        described = page.get_by_label("Tệp giấy tờ").get_attribute("aria-describedby") or ""
        assert "id_file_error" in described
        assert axe(page) == []

        good = tmp_path / "giay-khai-sinh.pdf"
        good.write_bytes(make_pdf())
        page.get_by_label("Tệp giấy tờ").set_input_files(str(good))
        page.get_by_role("button", name="Lưu vào kho dữ liệu").click()
        page.wait_for_load_state()
        document = StoredDocument.objects.get(owner_user=citizen)
        assert page.url == f"{live_server.url}/kho-du-lieu/{document.uuid}/"
        assert axe(page) == []
        page.goto(live_server.url + "/kho-du-lieu/")
        assert "Đơn đề nghị" in page.locator("main").inner_text()
        assert axe(page) == []
        page.goto(live_server.url + "/verify/")
        assert axe(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/kho-du-lieu/", "/kho-du-lieu/tai-len/", "detail", "/verify/"])
def test_no_horizontal_scroll_at_360_px(live_server, browser, citizen, path):
    document = services.document_store(
        data=make_pdf(),
        title="Giấy chứng nhận quyền sử dụng đất và tài sản gắn liền với đất",
        source=DocumentSource.UPLOADED,
        owner_user=citizen,
    )
    if path == "detail":
        path = f"/kho-du-lieu/{document.uuid}/"
    context = signed_in_context(browser, live_server, citizen, width=360)
    try:
        page = context.new_page()
        page.goto(live_server.url + path)
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"{path}: {widths[0]} px wide in {widths[1]} px"
    finally:
        context.close()
