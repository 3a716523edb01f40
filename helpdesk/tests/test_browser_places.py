"""Real browser (issues #20 and #26): "use my location" on the report form, the photos sent on
the reporter's page, the public list without tiles, and one-click merge from a suggestion."""

import pytest

from helpdesk.models import FieldReport
from helpdesk.services import Photo
from helpdesk.tests.factories import TAY_NINH, helpdesk_officer, jpeg_with_gps, submit_report
from helpdesk.tests.test_browser import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/shots-helpdesk"


def test_report_form_uses_my_location_and_the_page_shows_the_photos_sent(
    live_server, browser, axe, commune, settings, no_virus_scan
):
    from accounts.tests.factories import CitizenFactory

    settings.HELPDESK_MAP_TILE_URL = ""
    context = browser.new_context(
        locale="vi-VN",
        viewport={"width": 360, "height": 800},
        geolocation={"latitude": 11.3101, "longitude": 106.0987},
        permissions=["geolocation"],
    )
    page = context.new_page()
    csp_violations: list[str] = []
    page.on(
        "console", lambda m: csp_violations.append(m.text) if "Content Security" in m.text else 0
    )
    _sign_in(page, live_server, CitizenFactory())
    page.goto(f"{live_server.url}/phan-anh/gui/")
    assert page.locator("#pick-map").is_hidden()  # no tiles configured: no blank map
    assert not page.get_by_text("Chọn trên bản đồ").count()
    page.get_by_role("button", name="Dùng vị trí hiện tại của tôi").click()
    page.get_by_role("status").filter(has_text="Đã điền tọa độ").wait_for()
    assert page.get_by_label("Vĩ độ (không bắt buộc)").input_value() == "11.310100"
    assert page.get_by_label("Kinh độ (không bắt buộc)").input_value() == "106.098700"
    assert axe(page) == []
    page.screenshot(path=f"{SHOTS}/report-form-located-360.png", full_page=True)

    page.get_by_label("Lĩnh vực").select_option("lighting")
    page.get_by_label("Tiêu đề").fill("Đèn đường hỏng")
    page.get_by_label("Nội dung phản ánh").fill("Hai cột đèn không sáng.")
    page.get_by_label("Xã, phường nơi xảy ra").select_option(commune.commune_code)
    page.get_by_label("Địa chỉ cụ thể").fill("Đường 30 Tháng 4, khu phố 1")
    page.get_by_label("Ảnh hiện trường (không bắt buộc)").set_input_files(
        [{"name": "den.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}]
    )
    page.get_by_role("button", name="Gửi phản ánh").click()
    page.wait_for_url("**/phan-anh/tra-cuu/PA-*/")
    report = FieldReport.objects.get()
    assert str(report.latitude) == "11.310100"
    photo = page.get_by_role("img", name="Ảnh hiện trường 1")
    photo.wait_for()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", photo.element_handle())
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=f"{SHOTS}/track-photos-360.png", full_page=True)
    assert csp_violations == []
    context.close()


def test_one_click_merge_from_a_suggestion_on_the_same_street(
    live_server, page, axe, csp_violations, commune, settings
):
    settings.HELPDESK_MAP_TILE_URL = ""
    kept = submit_report(
        commune=commune,
        category="roads",
        title="Ổ gà lớn giữa đường",
        description="Xe máy té ngã nhiều lần.",
        address="Số 45 đường Nguyễn Văn Rốp",
    )
    duplicate = submit_report(
        commune=commune,
        category="roads",
        title="Hố sâu nguy hiểm",
        description="Mặt đường sụt lún, chưa có biển cảnh báo.",
        address="Trước nhà 112 Nguyễn Văn Rốp",
    )
    _sign_in(page, live_server, helpdesk_officer(), staff=True)
    page.goto(f"{live_server.url}/phan-anh/xu-ly/")
    page.get_by_role("link", name=duplicate.code).click()
    page.wait_for_url(f"**/phan-anh/xu-ly/{duplicate.code}/")
    hints = page.locator("#h-dup").locator("xpath=..")
    assert hints.get_by_text("cùng tên đường, địa danh").is_visible()
    assert axe(page) == []
    page.screenshot(path=f"{SHOTS}/suggestion-1280.png", full_page=True)
    hints.get_by_role("button", name=f"Gộp phản ánh này vào {kept.code}").click()
    page.wait_for_url(f"**/phan-anh/xu-ly/{duplicate.code}/")
    assert page.get_by_text("Đã cập nhật phản ánh").is_visible()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    assert csp_violations == []


def test_public_list_without_tiles_is_a_list_with_places(
    live_server, page, axe, csp_violations, commune, settings
):
    from agencies.tests.factories import AgencyFactory
    from helpdesk import services
    from helpdesk.tests.factories import agency_officer

    settings.HELPDESK_MAP_TILE_URL = ""
    officer, agency = helpdesk_officer(), AgencyFactory()
    report = submit_report(
        commune=commune,
        latitude=TAY_NINH[0],
        longitude=TAY_NINH[1],
        photos=[Photo(name="a.jpg", data=jpeg_with_gps())],
    )
    services.report_assign(report=report, by=officer, agency=agency)
    services.report_answer(report=report, by=agency_officer(agency), answer="Đã sửa.")
    services.report_publish(
        report=report, by=officer, public_title="Đèn hỏng", public_description="D", answer="Xong."
    )
    page.goto(f"{live_server.url}/phan-anh/")
    assert page.locator("#report-map").count() == 0
    assert page.get_by_text("Đường Cách Mạng Tháng Tám, khu phố 2").is_visible()
    assert axe(page) == []
    assert csp_violations == []


def test_the_counter_tablet_keeps_the_qr_code_and_shows_no_site_menu(
    live_server, page, axe, csp_violations
):
    """Issue #26: `/kiosk/rate/?ma=…` (the receipt's QR) keeps the code on its redirect, and the
    tablet shows no site menu or footer for a citizen to wander off into."""
    from django.utils import timezone

    from dossiers.constants import DossierStatus
    from dossiers.tests.factories import make_cast, make_draft, place_in

    cast = make_cast()
    cast.citizen.phone = "0912 345 678"
    cast.citizen.save(update_fields=["phone"])
    dossier = place_in(make_draft(cast), DossierStatus.RETURNED, returned_at=timezone.now())
    page.set_viewport_size({"width": 800, "height": 1280})  # a tablet held upright
    page.goto(f"{live_server.url}/kiosk/rate/?ma={dossier.code}")
    page.wait_for_url("**/phan-anh/kiosk/danh-gia/?ma=*")
    assert page.get_by_label("Mã hồ sơ").input_value() == dossier.code
    assert page.get_by_role("navigation", name="Điều hướng chính").count() == 0
    assert page.locator("footer").count() == 0
    assert page.get_by_role("link").count() == 1  # the skip link only
    assert axe(page) == []
    page.screenshot(path=f"{SHOTS}/kiosk-800.png", full_page=True)
    page.get_by_label("4 số cuối", exact=False).fill("5678")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_role("heading", name=dossier.code, exact=False).or_(
        page.get_by_text(dossier.code)
    ).first.wait_for()
    assert page.get_by_role("navigation", name="Điều hướng chính").count() == 0
    assert csp_violations == []
