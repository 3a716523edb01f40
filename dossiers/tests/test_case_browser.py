"""The browser journey "Đăng ký thường trú, my own home" (issue #25, ADR 0260): the citizen picks
the case, attaches two documents, checks the answers and submits; pays the fee at once through the
VNPay simulator (the success page shows the amount, the dossier code and the receipt, and the inbox
says the money arrived); the reception officer's checklist shows the same two documents and
accepts. At 1280 and 360 px, with an axe-core scan of the pages; screenshots go to $CASES_SHOTS
when it is set."""

import os
from pathlib import Path

from django.test import Client

import pytest

from accounts.tests.factories import login_with_mfa
from agencies.models import Agency
from documents.signers.base import agency_key_label
from dossiers.constants import DossierStatus
from dossiers.models import Dossier
from dossiers.tests.submission_helpers import ID_NUMBER, PHONE, make_world, pdf_bytes
from procedures import importer
from procedures.demo import DATA_FILE, _correct_residence_cases
from procedures.models import AgencyNameMapping, DocumentRequirement
from procedures.services import procedures_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OWN_HOME = "Tôi đăng ký vào nhà (chỗ ở) của chính mình"


def residence_world():
    world = make_world()
    DocumentRequirement.objects.filter(procedure=world.procedure).delete()
    record = next(r for r in importer.read_records(DATA_FILE) if r["ma_thu_tuc"] == "1.004222")
    procedures_import(records=[record])
    world.procedure.refresh_from_db()
    world.procedure.implementing_mapping = AgencyNameMapping.objects.get(
        source_name="Công an tỉnh (thử nghiệm)"
    )
    world.procedure.save(update_fields=["implementing_mapping"])
    _correct_residence_cases(world.procedure)
    return world


def context_for(browser, live_server, client, width):
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def pay_through_the_simulator(settings, base: str) -> None:
    """Payments on, through the VNPay simulator served by the live server itself."""
    settings.PAYMENT_VNPAY_ENABLED = False
    settings.PAYMENT_SIMULATOR_ENABLED = True
    settings.PAYMENT_VNPAY_TMN_CODE = "TNJOUR01"
    settings.PAYMENT_VNPAY_HASH_SECRET = "journey-test-secret-0123456789abcdef"
    settings.SITE_URL = base  # the simulator calls back only the portal's own address
    settings.PAYMENT_VNPAY_PAY_URL = f"{base}/thanh-toan/gia-lap/paymentv2/vpcpay.html"
    settings.PAYMENT_VNPAY_API_URL = f"{base}/thanh-toan/gia-lap/merchant_webapi/api/transaction"
    settings.PAYMENT_VNPAY_RETURN_URL = f"{base}/thanh-toan/vnpay/ket-qua/"
    settings.PAYMENT_SIMULATOR_IPN_URL = f"{base}/thanh-toan/vnpay/ipn/"


# The README's pictures of this journey (docs/img/cases-*.png): one screen of the page, or the
# part named, as a small palette PNG. Made with the others when $CASES_SHOTS is set.
README_SHOTS = {
    "1-case-choice": "cases-choice",
    "2-documents-filled": "cases-upload-slot",
    "3-review": "cases-check-answers",
}


def small_png(path: Path) -> None:
    """128 colours without dithering: text stays crisp and the file about a quarter."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=128, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def look(page, axe, width, name, part=None):
    assert axe(page) == [], name
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, name
    shots = os.environ.get("CASES_SHOTS")
    if not shots:
        return
    Path(shots, "readme").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)
    if name in README_SHOTS:
        readme = Path(shots, "readme", f"{README_SHOTS[name]}-{width}px.png")
        if part is not None:
            part.screenshot(path=str(readme))
        else:
            page.screenshot(path=str(readme))
        small_png(readme)


@pytest.mark.parametrize("width", [1280, 360])
def test_own_home_with_two_documents_from_choice_to_payment_and_reception(
    browser, live_server, axe, settings, tmp_path, width, dev_signing
):
    settings.VIRUS_SCANNER = "none"
    pay_through_the_simulator(settings, live_server.url)
    world = residence_world()
    for agency in Agency.objects.all():  # whichever collects the fee signs its receipt
        dev_signing.issue(
            path=dev_signing.folder / f"{agency_key_label(agency)}.p12",
            common_name=agency.name,
            organisation=agency.name,
        )
    citizen = Client()
    citizen.force_login(world.citizen)
    context, page = context_for(browser, live_server, citizen, width)
    url = live_server.url
    form, proof = tmp_path / "ct01.pdf", tmp_path / "so-do.pdf"
    form.write_bytes(pdf_bytes("to khai CT01"))
    proof.write_bytes(pdf_bytes("giay chung nhan quyen su dung dat"))

    page.goto(url + "/ho-so/bat-dau/1.004222/")
    page.get_by_role("button", name="Bắt đầu khai hồ sơ mới").click()
    page.get_by_label("Số định danh cá nhân").fill(ID_NUMBER)
    page.get_by_label("Số điện thoại").fill(PHONE)
    page.get_by_label("Địa chỉ thường trú").fill("12 Cách Mạng Tháng Tám, phường Tân Ninh")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_label("Địa chỉ đăng ký thường trú").fill("34 Trần Hưng Đạo, phường Tân Ninh")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # "Trường hợp nào đúng với bạn?" comes before the documents
    assert page.get_by_text("Trường hợp nào đúng với bạn?").is_visible()
    assert page.locator('[data-testid="case-option"]').count() == 6
    look(page, axe, width, "1-case-choice")
    page.get_by_label(OWN_HOME).check()
    page.get_by_role("button", name="Chọn trường hợp này").click()

    # only this case's slots; notes beside them, not as slots
    slots = page.locator("section.card[id^=slot-]")
    assert slots.count() == 4
    assert page.get_by_text("Bắt buộc, chưa có").count() == 1
    assert page.get_by_text("Chỉ cần nếu đúng với bạn").count() == 3
    assert page.locator('[data-testid="case-guidance"]').is_visible()
    look(page, axe, width, "2-documents")
    for prefix, path in (("Thông tin chứng minh", proof), ("Tờ khai thay đổi", form)):
        slot = slots.filter(has_text=prefix)
        slot.get_by_label("Tải tệp lên").set_input_files(str(path))
        slot.get_by_role("button", name="Thêm giấy tờ").click()
        page.wait_for_load_state()
    filled = page.get_by_role("region", name="Tờ khai thay đổi thông tin")
    assert filled.get_by_role("button", name="Xóa", exact=False).count() >= 1
    look(page, axe, width, "2-documents-filled", part=filled)
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_label("Bản điện tử trong kho dữ liệu của tôi").check()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    assert page.locator('[data-testid="review-case"]').get_by_text(OWN_HOME).is_visible()
    look(page, axe, width, "3-review")
    page.get_by_label("Tôi xin cam đoan", exact=False).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.locator("#dossier-code").wait_for(timeout=60_000)  # sending is slow on a busy machine
    code = page.locator("#dossier-code").inner_text().strip()

    # the fee, paid at once: "Thanh toán ngay" → the gateway (simulator) → back to the portal
    fee = page.get_by_test_id("confirmation-fee")
    amount = fee.locator("h2 strong").inner_text().strip()
    assert amount.startswith("10.000"), amount
    look(page, axe, width, "4-confirmation")
    fee.get_by_role("button", name="Thanh toán ngay").click()
    page.wait_for_url("**/gia-lap/paymentv2/vpcpay.html?**")
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url("**/thanh-toan/vnpay/ket-qua/?**")
    assert page.get_by_role("heading", name="Thanh toán thành công").is_visible()
    summary = page.get_by_test_id("payment-summary")
    assert amount in summary.inner_text()
    assert code in summary.inner_text()
    assert page.get_by_test_id("payment-status").inner_text() == "Đã thanh toán"
    look(page, axe, width, "5-paid")
    receipt_link = page.get_by_role("link", name="Tải biên lai (PDF)")
    receipt = page.request.get(url + receipt_link.get_attribute("href"), max_redirects=0)
    assert receipt.status == 200, (receipt.status, receipt.headers, page.url)
    assert receipt.body().startswith(b"%PDF")
    assert "bien-lai-" in receipt.headers["content-disposition"]

    # the inbox says the money arrived
    page.goto(url + "/thong-bao/")
    notice = page.get_by_role("link", name=f"Đã nhận tiền phí, lệ phí hồ sơ {code}")
    assert notice.is_visible()
    notice.click()
    assert amount in page.locator("main").inner_text()
    context.close()

    dossier = Dossier.objects.get(status=DossierStatus.SUBMITTED)
    attached = sorted(c.requirement_name for c in dossier.components.all() if c.document_uuid)
    assert len(attached) == 2

    officer = Client()
    login_with_mfa(officer, world.reception_officer)
    context, page = context_for(browser, live_server, officer, width)
    page.goto(f"{url}/office/ho-so/{dossier.uuid}/")
    assert page.locator("[data-testid=office-case] strong").inner_text() == OWN_HOME
    checklist = page.locator("section[aria-labelledby=reception-title] .form-check-label")
    assert sorted(checklist.all_inner_texts()) == [n.strip() for n in attached]
    look(page, axe, width, "6-reception")
    for box in page.locator("section[aria-labelledby=reception-title] input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Tiếp nhận (Mẫu 01)").click()
    page.wait_for_load_state()
    context.close()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
