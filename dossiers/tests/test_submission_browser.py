"""The citizen's journey in a real browser (Playwright + Chromium) at 360 px, with an axe-core
scan of every step. Starts from a signed-in, verified citizen: sign-up and the verification mail
are the accounts app's journey (tested there)."""

from pathlib import Path

from django.test import Client

import pytest

from dossiers.tests.submission_helpers import ID_NUMBER, PHONE, make_world, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 360


def signed_in_context(browser, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context = browser.new_context(
        locale="vi-VN", viewport={"width": WIDTH, "height": 780}, accept_downloads=True
    )
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    return context


def fits_width(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= WIDTH


def check_page(page, axe, where):
    assert axe(page) == [], where
    assert fits_width(page), f"{where}: wider than {WIDTH}px"


def test_citizen_journey(browser, live_server, axe, settings, tmp_path):
    """From a verified citizen who is already signed in."""
    settings.VIRUS_SCANNER = "none"
    world = make_world()
    context = signed_in_context(browser, live_server, world.citizen)
    page = context.new_page()
    page.set_default_timeout(15_000)
    code = walk_the_journey(page, live_server.url, world, world.citizen, axe, tmp_path)
    context.close()
    look_up_anonymously(browser, live_server.url, code, axe)


def test_new_user_signs_up_verifies_and_submits(browser, live_server, axe, settings, tmp_path):
    """Sign up, read the verification mail from a real SMTP server (aiosmtpd), confirm, submit."""
    from accounts.models import User

    settings.VIRUS_SCANNER = "none"
    sink = smtp_server(settings)
    try:
        world = make_world()
        context = browser.new_context(
            locale="vi-VN", viewport={"width": WIDTH, "height": 780}, accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(live_server.url + "/accounts/signup/")
        check_page(page, axe, "signup")
        page.get_by_label("Họ và tên").fill("Trần Thị Mai")
        page.get_by_label("E-mail").fill("mai@example.vn")
        page.get_by_label("Số điện thoại").fill(PHONE)
        page.locator("#id_password1").fill(PASSWORD)
        page.locator("#id_password2").fill(PASSWORD)
        page.get_by_role("button", name="Đăng ký", exact=True).last.click()
        link = sink.wait_for_link()
        page.goto(live_server.url + link)
        page.get_by_role("button", name="Xác nhận").click()
        page.wait_for_load_state()
        user = User.objects.get(email="mai@example.vn")
        code = walk_the_journey(page, live_server.url, world, user, axe, tmp_path)
        context.close()
        look_up_anonymously(browser, live_server.url, code, axe)
    finally:
        sink.stop()


PASSWORD = "Tay-Ninh-2026!"


class _Sink:
    """A real SMTP server on 127.0.0.1 that keeps the messages it accepts."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"

    def wait_for_link(self, seconds: float = 15) -> str:
        import re
        import time

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for message in self.messages:
                body = message.get_body(preferencelist=("plain", "html")).get_content()
                found = re.search(r"/accounts/confirm-email/[^/\s]+/", body)
                if found:
                    return found.group(0)
            time.sleep(0.1)
        raise AssertionError("no verification mail arrived at the SMTP server")


def smtp_server(settings):
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        pytest.fail("aiosmtpd is not installed (dev dependency)")
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.stop = controller.stop
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    return sink


def walk_the_journey(page, url, world, user, axe, tmp_path) -> str:
    """Find, start, fill every step (with a refusal, back and forth, leave and resume), submit,
    download the confirmation; returns the dossier code."""
    from documents.constants import DocumentSource
    from documents.services import document_store

    stored = document_store(
        data=pdf_bytes("hop dong thue nha"),
        title="Hợp đồng thuê nhà",
        source=DocumentSource.UPLOADED,
        owner_user=user,
    )
    upload = tmp_path / "to-khai.pdf"
    upload.write_bytes(pdf_bytes("to khai"))
    full_name = user.profile.full_name
    # find the procedure by typing without accents, open it, start
    page.goto(url + "/thu-tuc/?q=dang+ky+thuong+tru")
    page.get_by_role("link", name="Đăng ký thường trú").first.click()
    page.wait_for_url("**/thu-tuc/1.004222/")
    page.goto(url + "/ho-so/bat-dau/1.004222/")
    check_page(page, axe, "start")
    page.get_by_role("button", name="Bắt đầu khai hồ sơ mới").click()

    # 1 applicant: prefilled name; a wrong ID number is refused inline and keeps the input
    assert page.get_by_label("Họ và tên").input_value() == full_name
    check_page(page, axe, "applicant")
    page.get_by_label("Số định danh cá nhân").fill("12345")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    assert page.get_by_label("Số định danh cá nhân").get_attribute("aria-invalid") == "true"
    check_page(page, axe, "applicant with errors")
    page.get_by_label("Số định danh cá nhân").fill(ID_NUMBER)
    page.get_by_label("Số điện thoại").fill(PHONE)
    page.get_by_label("Địa chỉ thường trú").fill("12 Cách Mạng Tháng Tám, phường Tân Ninh")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # 2 the procedure's own fields: name and ID number come from step 1, not asked again
    check_page(page, axe, "fields")
    assert page.get_by_label("Số định danh cá nhân").count() == 0
    assert page.get_by_text("Đã lấy từ bước Người nộp", exact=False).is_visible()
    page.get_by_label("Địa chỉ đăng ký thường trú").fill("34 Trần Hưng Đạo, phường Tân Ninh")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # 3 documents: one upload, one from the data store, the ID card is not asked for
    assert page.get_by_text("Không cần cung cấp: Nhà nước đã có giấy tờ này.").is_visible()
    check_page(page, axe, "documents")
    first = page.locator("section.card").nth(0)
    first.get_by_label("Tải tệp lên").set_input_files(str(upload))
    first.get_by_role("button", name="Thêm giấy tờ").click()
    second = page.locator("section.card").nth(1)
    second.get_by_label("Hoặc chọn từ kho dữ liệu").select_option(str(stored.uuid))
    second.get_by_role("button", name="Thêm giấy tờ").click()
    assert page.get_by_text("Lấy từ kho dữ liệu").first.is_visible()
    check_page(page, axe, "documents filled")

    # back and forth: the fields step still holds the address
    page.get_by_role("button", name="Quay lại").click()
    assert "34 Trần Hưng Đạo" in page.get_by_label("Địa chỉ đăng ký thường trú").input_value()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # leave and resume from "my page"
    page.goto(url + "/ho-so/")
    check_page(page, axe, "my page")
    page.get_by_role("link", name="Tiếp tục khai").first.click()
    assert page.get_by_text("Bạn muốn nhận kết quả bằng cách nào?").is_visible()

    # 4 delivery, 5 fees, 6 review + declaration + submit
    check_page(page, axe, "delivery")
    page.get_by_label("Bản điện tử trong kho dữ liệu của tôi").check()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    assert page.get_by_text("giảm 50%").is_visible()
    check_page(page, axe, "fees")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    check_page(page, axe, "review")
    page.get_by_label("Tôi xin cam đoan", exact=False).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()

    code = page.locator("#dossier-code").inner_text().strip()
    assert code.startswith(world.department.code)
    check_page(page, axe, "confirmation")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải giấy xác nhận (PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    return code


def look_up_anonymously(browser, url, code, axe) -> None:
    # the anonymous lookup, as the QR code leads to it
    anonymous = browser.new_context(locale="vi-VN", viewport={"width": WIDTH, "height": 780})
    lookup = anonymous.new_page()
    lookup.goto(url + f"/ho-so/tra-cuu/?code={code}")
    check_page(lookup, axe, "lookup")
    lookup.get_by_label("4 số cuối", exact=False).fill(PHONE[-4:])
    lookup.get_by_role("button", name="Tra cứu").click()
    assert lookup.get_by_text("Hồ sơ đã nộp, đang chờ cán bộ kiểm tra và tiếp nhận.").is_visible()
    assert "verify" not in lookup.url  # the 4 digits went by POST, not in the URL (issue #26)
    check_page(lookup, axe, "lookup result")
    anonymous.close()
