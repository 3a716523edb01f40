"""The citizen's journey as the README shows it: one Playwright screenshot per page.

Runs as a browser test (each page renders and is axe-clean); with `UPDATE_SCREENSHOTS=1` it
also writes the pictures into `docs/img/` (the README links them):

    UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest dossiers/tests/test_readme_screenshots.py -m browser
"""

import os
from pathlib import Path

from django.test import Client

import pytest

from dossiers import services as svc
from dossiers.tests.submission_helpers import ID_NUMBER, PHONE, fill_draft, make_world, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
DESKTOP = {"width": 1280, "height": 860}
MOBILE = {"width": 360, "height": 780}


def shoot(page, axe, name: str, tmp_path: Path, *, full_page: bool = True) -> Path:
    assert axe(page) == [], name
    target = IMG if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    path = target / f"journey-{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert path.read_bytes().startswith(b"\x89PNG")
    return path


def shoot_element(page, axe, locator, name: str, tmp_path: Path) -> Path:
    """One part of the page (an upload slot), after the whole page passed axe."""
    assert axe(page) == [], name
    target = IMG if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    path = target / f"journey-{name}.png"
    locator.screenshot(path=str(path))
    assert path.read_bytes().startswith(b"\x89PNG")
    return path


def signed_in(browser, live_server, user, viewport):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="vi-VN", viewport=viewport)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def test_readme_screenshots_of_the_citizen_journey(browser, live_server, axe, settings, tmp_path):
    from documents.constants import DocumentSource
    from documents.services import document_store
    from procedures.tests.factories import import_records, sample_records

    settings.VIRUS_SCANNER = "none"
    world = make_world(full_name="Nguyễn Văn An")
    import_records(*(r for r in sample_records() if r.get("ma_thu_tuc") != "1.004222"))
    user, url = world.citizen, live_server.url
    stored = document_store(
        data=pdf_bytes("hop dong thue nha"),
        title="Hợp đồng thuê nhà",
        source=DocumentSource.UPLOADED,
        owner_user=user,
    )
    upload = tmp_path / "to-khai.pdf"
    upload.write_bytes(pdf_bytes("to khai"))

    context = signed_in(browser, live_server, user, DESKTOP)
    page = context.new_page()
    page.set_default_timeout(20_000)
    # 1 find the procedure by typing without accents
    page.goto(url + "/thu-tuc/?q=dang+ky+thuong+tru")
    shoot(page, axe, "1-search", tmp_path, full_page=False)
    page.goto(url + "/thu-tuc/1.004222/")
    shoot(page, axe, "2-procedure", tmp_path, full_page=False)
    # 2 start: the applicant step is prefilled from the profile
    page.goto(url + "/ho-so/bat-dau/1.004222/")
    page.get_by_role("button", name="Bắt đầu khai hồ sơ mới").click()
    page.get_by_label("Số định danh cá nhân").fill(ID_NUMBER)
    page.get_by_label("Số điện thoại").fill(PHONE)
    shoot(page, axe, "3-applicant", tmp_path)
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_label("Địa chỉ đăng ký thường trú").fill("34 Trần Hưng Đạo, phường Tân Ninh")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    # 3 documents: an upload, one from the data store; the ID card is not asked for
    first = page.locator("section.card").nth(0)
    first.get_by_label("Tải tệp lên").set_input_files(str(upload))
    first.get_by_role("button", name="Thêm giấy tờ").click()
    second = page.locator("section.card").nth(1)
    second.get_by_label("Hoặc chọn từ kho dữ liệu").select_option(str(stored.uuid))
    second.get_by_role("button", name="Thêm giấy tờ").click()
    shoot(page, axe, "4-documents", tmp_path)
    shoot_element(page, axe, first, "upload-slot-1280px", tmp_path)
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_label("Bản điện tử trong kho dữ liệu của tôi").check()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    shoot(page, axe, "5-fees", tmp_path, full_page=False)
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    # check your answers: every answer and document, each with "Thay đổi" that comes back here
    assert page.get_by_role("link", name="Thay đổi", exact=False).count() > 5
    shoot(page, axe, "check-answers-1280px", tmp_path)
    page.get_by_label("Tôi xin cam đoan", exact=False).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    code = page.locator("#dossier-code").inner_text().strip()
    shoot(page, axe, "6-confirmation", tmp_path)
    page.goto(url + "/ho-so/")
    shoot(page, axe, "7-my-dossiers", tmp_path, full_page=False)
    context.close()

    # the same form on a phone (360 px)
    phone = signed_in(browser, live_server, user, MOBILE)
    mobile = phone.new_page()
    mobile.goto(url + "/ho-so/bat-dau/1.004222/")
    mobile.get_by_role("button", name="Bắt đầu khai hồ sơ mới").click()
    shoot(mobile, axe, "8-applicant-360px", tmp_path, full_page=False)
    # a draft filled in (services), seen on the phone: an upload slot with its file, the review
    draft = fill_draft(svc.dossier_start(procedure=world.procedure, user=user), user)
    mobile.goto(url + f"/ho-so/{draft.uuid}/buoc/giay-to/")
    slot = mobile.locator("section.upload-slot").first
    shoot_element(mobile, axe, slot, "upload-slot-360px", tmp_path)
    mobile.goto(url + f"/ho-so/{draft.uuid}/buoc/xem-lai/")
    shoot(mobile, axe, "check-answers-360px", tmp_path)
    assert mobile.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]
    phone.close()

    # anyone can look the dossier up with its code and 4 digits (the QR code leads here)
    anonymous = browser.new_context(locale="vi-VN", viewport=DESKTOP)
    lookup = anonymous.new_page()
    lookup.goto(url + f"/ho-so/tra-cuu/?code={code}")
    lookup.get_by_label("4 số cuối", exact=False).fill(PHONE[-4:])
    lookup.get_by_role("button", name="Tra cứu").click()
    shoot(lookup, axe, "9-lookup", tmp_path, full_page=False)
    anonymous.close()
