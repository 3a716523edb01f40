"""A keyboard-only walk of the submission journey: from the procedure page to the submitted
dossier's confirmation, with Tab, Shift+Tab, typing, Space and Enter only — no clicks, no
`fill()`. Each control must be reachable by Tab, show where the focus is, and work from the
keyboard. The documents are picked from the citizen's data store (choosing a file in the
operating system's dialog is outside the page).
"""

from __future__ import annotations

import pytest

from dossiers.tests.submission_helpers import ID_NUMBER, PHONE, make_world, pdf_bytes
from tests.a11y.conftest import context_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 150

FOCUS_VISIBLE = """el => {
  const s = getComputedStyle(el);
  const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return ring || shadow;
}"""


def tab_to(page, locator) -> None:
    """Press Tab until `locator` has the focus (fails if it never gets it)."""
    target = locator.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", target):
            assert page.evaluate(FOCUS_VISIBLE, target), "the focus is not visible"
            return
    raise AssertionError(f"not reachable with Tab: {locator}")


def type_into(page, locator, text: str) -> None:
    tab_to(page, locator)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def press(page, locator, key: str = "Enter") -> None:
    tab_to(page, locator)
    with page.expect_navigation():
        page.keyboard.press(key)


def choose(page, select, value: str) -> None:
    """Pick an option of a closed <select> with the arrow keys."""
    tab_to(page, select)
    for _ in range(20):
        if select.input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {value} not reachable with the arrow keys")


def test_submission_journey_with_the_keyboard_only(browser, live_server, settings):
    from documents.constants import DocumentSource
    from documents.services import document_store
    from dossiers.models import Dossier

    settings.VIRUS_SCANNER = "none"
    world = make_world()
    stored = [
        document_store(
            data=pdf_bytes(title),
            title=label,
            source=DocumentSource.UPLOADED,
            owner_user=world.citizen,
        )
        for title, label in (("to khai", "Tờ khai đã ký"), ("hop dong", "Hợp đồng thuê nhà"))
    ]
    context = context_for(browser, live_server, world.citizen, width=360)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/thu-tuc/{world.procedure.code}/")

    # The skip link comes first, then the start button of the procedure page.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#main"
    press(page, page.get_by_role("link", name="Nộp hồ sơ trực tuyến"))
    press(page, page.get_by_role("button", name="Bắt đầu khai hồ sơ mới"))

    # 1 applicant
    type_into(page, page.get_by_label("Số định danh cá nhân"), ID_NUMBER)
    type_into(page, page.get_by_label("Số điện thoại"), PHONE)
    type_into(page, page.get_by_label("Địa chỉ thường trú"), "12 Cách Mạng Tháng Tám")
    press(page, page.get_by_role("button", name="Lưu và tiếp tục"))

    # 2 the procedure's fields (the ID number given at step 1 is not asked again)
    assert page.get_by_label("Số định danh cá nhân").count() == 0
    type_into(page, page.get_by_label("Địa chỉ đăng ký thường trú"), "34 Trần Hưng Đạo")
    press(page, page.get_by_role("button", name="Lưu và tiếp tục"))

    # 3 documents, each picked from the data store with the arrow keys
    for index, document in enumerate(stored):
        card = page.locator("section.card").nth(index)
        choose(page, card.get_by_label("Hoặc chọn từ kho dữ liệu"), str(document.uuid))
        press(page, card.get_by_role("button", name="Thêm giấy tờ"))
    assert page.get_by_text("Lấy từ kho dữ liệu").first.is_visible()
    press(page, page.get_by_role("button", name="Lưu và tiếp tục"))

    # 4 delivery (a radio, chosen with Space), 5 fees
    radio = page.get_by_label("Bản điện tử trong kho dữ liệu của tôi")
    tab_to(page, radio)
    page.keyboard.press("Space")
    assert radio.is_checked()
    press(page, page.get_by_role("button", name="Lưu và tiếp tục"))
    press(page, page.get_by_role("button", name="Lưu và tiếp tục"))

    # 6 review: the declaration with Space, then submit with Enter
    declaration = page.get_by_label("Tôi xin cam đoan", exact=False)
    tab_to(page, declaration)
    page.keyboard.press("Space")
    assert declaration.is_checked()
    press(page, page.get_by_role("button", name="Nộp hồ sơ"))

    code = page.locator("#dossier-code").inner_text().strip()
    assert Dossier.objects.get(code=code).applicant_id == world.citizen.pk
    # The confirmation's download link is reachable too.
    tab_to(page, page.get_by_role("link", name="Tải giấy xác nhận (PDF)"))
    context.close()
