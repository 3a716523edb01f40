"""Real browser: the anonymous report with its SMS code, and axe-core on the public pages."""

import re

import pytest

from helpdesk.models import FieldReport
from helpdesk.tests.factories import TAY_NINH, agency_officer, helpdesk_officer, submit_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anonymous_report_with_sms_code_then_tracking(
    live_server, page, axe, csp_violations, sms_outbox, commune
):
    page.goto(f"{live_server.url}/phan-anh/gui/")
    assert page.url.endswith("/phan-anh/xac-minh/")
    assert axe(page) == []
    page.get_by_label("Số điện thoại di động").fill("0912 345 678")
    page.get_by_role("button", name="Gửi mã xác thực").click()
    page.wait_for_url("**/phan-anh/xac-minh/")
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1].body).group(1)
    page.get_by_label("Mã xác thực").fill(code)
    page.get_by_role("button", name="Xác thực", exact=True).click()
    page.wait_for_url("**/phan-anh/gui/")

    page.get_by_label("Lĩnh vực").select_option("lighting")
    page.get_by_label("Tiêu đề").fill("Đèn đường hỏng")
    page.get_by_label("Nội dung phản ánh").fill("Hai cột đèn không sáng.")
    page.get_by_label("Xã, phường nơi xảy ra").select_option(commune.commune_code)
    page.get_by_label("Địa chỉ cụ thể").fill("Đường 30/4, khu phố 1")
    page.get_by_label("Vĩ độ (không bắt buộc)").fill("11.31")
    page.get_by_role("button", name="Gửi phản ánh").click()
    # a coordinate half given: the form comes back with the error and everything typed
    assert page.get_by_label("Tiêu đề").input_value() == "Đèn đường hỏng"
    assert page.get_by_role("alert").filter(has_text="vĩ độ và kinh độ").is_visible()
    assert axe(page) == []
    page.get_by_label("Kinh độ (không bắt buộc)").fill("106.1")
    page.get_by_role("button", name="Gửi phản ánh").click()
    page.wait_for_url("**/phan-anh/tra-cuu/PA-*/")
    report = FieldReport.objects.get()
    assert report.reporter_phone == "+84912345678"
    assert page.get_by_text(report.code).first.is_visible()

    # another browser session finds it with code + phone
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/phan-anh/tra-cuu/")
    page.get_by_label("Mã phản ánh").fill(report.code)
    page.get_by_label("Số điện thoại đã dùng khi gửi").fill("0912345678")
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_url(f"**/phan-anh/tra-cuu/{report.code}/")
    assert page.get_by_text("Mới tiếp nhận").is_visible()
    assert csp_violations == []


def test_public_list_and_detail_pass_axe_and_show_the_map(
    live_server, page, axe, csp_violations, commune, settings
):
    from agencies.tests.factories import AgencyFactory
    from helpdesk import services

    officer = helpdesk_officer()
    agency = AgencyFactory()
    staff = agency_officer(agency)
    report = submit_report(commune=commune, latitude=TAY_NINH[0], longitude=TAY_NINH[1])
    services.report_assign(report=report, by=officer, agency=agency)
    services.report_answer(report=report, by=staff, answer="Đã sửa.")
    services.report_publish(
        report=report,
        by=officer,
        public_title="Đèn đường hỏng",
        public_description="Hai cột đèn.",
        answer="Đã sửa.",
    )
    # Tiles from the configured URL (here the test server itself, which the CSP allows).
    settings.HELPDESK_MAP_TILE_URL = f"{live_server.url}/static/img/icon-192.png?{{z}}/{{x}}/{{y}}"
    page.goto(f"{live_server.url}/phan-anh/")
    assert page.locator("#report-map .leaflet-marker-icon").count() == 1
    page.locator("#report-map img.leaflet-tile-loaded").first.wait_for()
    assert axe(page) == []
    page.get_by_role("link", name="Đèn đường hỏng").click()
    page.wait_for_url(f"**/phan-anh/cong-khai/{report.code}/")
    assert axe(page) == []
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/phan-anh/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert csp_violations == []


def _sign_in(page, live_server, user, *, staff=False):
    """Carry a server-side session (staff: with MFA passed) into the browser."""
    from django.conf import settings
    from django.test import Client

    from accounts.tests.factories import login_with_mfa

    client = Client()
    if staff:
        login_with_mfa(client, user)
    else:
        client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_question_to_published_answer_and_kiosk_page(live_server, page, axe, csp_violations):
    from accounts.tests.factories import CitizenFactory
    from agencies.tests.factories import AgencyFactory
    from helpdesk.models import Question

    citizen = CitizenFactory()
    officer = helpdesk_officer()
    agency = AgencyFactory(name="Sở Tư pháp tỉnh Tây Ninh")

    _sign_in(page, live_server, citizen)
    page.goto(f"{live_server.url}/phan-anh/hoi-dap/dat-cau-hoi/")
    assert axe(page) == []
    page.get_by_label("Tiêu đề câu hỏi").fill("Đăng ký thường trú cần giấy tờ gì?")
    page.get_by_label("Nội dung câu hỏi").fill("Chuyển hộ khẩu về Tây Ninh cần gì?")
    page.get_by_role("button", name="Gửi câu hỏi").click()
    page.wait_for_url("**/phan-anh/hoi-dap/cua-toi/")
    question = Question.objects.get()

    _sign_in(page, live_server, officer, staff=True)
    page.goto(f"{live_server.url}/phan-anh/hoi-dap/xu-ly/{question.code}/")
    page.get_by_label("Cơ quan trả lời").select_option(str(agency.uuid))
    page.get_by_role("button", name="Chuyển", exact=True).click()
    page.wait_for_url(f"**/phan-anh/hoi-dap/xu-ly/{question.code}/")
    page.get_by_label("Nội dung trả lời").fill("Tờ khai CT01 và giấy tờ chỗ ở hợp pháp.")
    page.get_by_role("button", name="Gửi trả lời").click()
    page.wait_for_url(f"**/phan-anh/hoi-dap/xu-ly/{question.code}/")
    page.get_by_role("button", name="Công khai").click()
    page.wait_for_url(f"**/phan-anh/hoi-dap/xu-ly/{question.code}/")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/phan-anh/hoi-dap/")
    page.get_by_label("Tìm trong hỏi đáp").fill("ho khau")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="Đăng ký thường trú cần giấy tờ gì?").click()
    assert page.get_by_text("Tờ khai CT01").is_visible()
    assert axe(page) == []

    page.goto(f"{live_server.url}/phan-anh/kiosk/danh-gia/")
    assert axe(page) == []
    assert csp_violations == []


def test_triage_workspace_passes_axe(live_server, page, axe, csp_violations, commune):
    officer = helpdesk_officer()
    report = submit_report(commune=commune, latitude=TAY_NINH[0], longitude=TAY_NINH[1])
    submit_report(commune=commune, latitude=TAY_NINH[0], longitude=TAY_NINH[1])
    _sign_in(page, live_server, officer, staff=True)
    page.goto(f"{live_server.url}/phan-anh/xu-ly/")
    assert axe(page) == []
    page.get_by_role("link", name=report.code).click()
    page.wait_for_url(f"**/phan-anh/xu-ly/{report.code}/")
    assert axe(page) == []
    # an empty refusal reason comes back with the error tied to its field
    page.locator("#h-refuse").locator("xpath=..").get_by_role(
        "button", name="Không tiếp nhận"
    ).click()
    assert page.locator("#id_refuse-note").get_attribute("aria-invalid") == "true"
    assert axe(page) == []
    assert csp_violations == []
