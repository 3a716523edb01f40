"""Acting for someone else in a real browser (issue #26), at 360 px with axe on each page:

* a community helper asks an elderly citizen for a mandate at the commune office; the citizen
  confirms with the code the Twilio protocol simulator delivered; the helper files for them; the
  citizen's timeline names the helper; the citizen revokes; the helper's pages and PDF are gone;
* the same for a citizen WITHOUT an account: the SMS path opens one; the citizen later signs in
  to it with "Đăng nhập bằng mã gửi qua SMS" (ADR 0300), sees the dossier naming the helper and
  revokes, and the helper loses the dossier, its PDF and the start-for option at once;
* a representative files for an organisation: step 1 declares the organisation, not the person.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse

import pytest

from accounts.constants import Role
from accounts.models import Mandate, Organisation, OrganisationRepresentative
from accounts.tests.factories import CitizenFactory
from dossiers import services as svc
from dossiers.models import Dossier
from dossiers.tests.submission_helpers import make_citizen, make_world, pdf_bytes
from dossiers.tests.test_submission_browser import WIDTH, check_page, signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-mandates")
ELDERLY_ID = "072048001111"
ELDERLY_PHONE = "0911222333"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def twilio_simulator(live_server, settings):
    """SMS leave through the notifications SMS channel (the twilio library) to the simulator."""
    from notifications.channels.registry import get_channel

    settings.TWILIO_API_BASE_URL = f"{live_server.url}/thong-bao/mo-phong/twilio"
    settings.NOTIFICATIONS_CALLBACK_BASE_URL = live_server.url
    get_channel.cache_clear()
    yield
    get_channel.cache_clear()


def _code_sent_to(phone_e164: str) -> str:
    from notifications.models import SimulatedMessage

    message = SimulatedMessage.objects.filter(provider="twilio", to=phone_e164).latest("pk")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def _finish_remaining_steps(dossier: Dossier, by) -> None:
    """Steps 2-5 through the services (their browser journey is test_submission_browser)."""
    svc.draft_fields_save(dossier=dossier, by=by, data={"new_address": "34 Trần Hưng Đạo"})
    _finish_from_documents(dossier, by)


def _finish_from_documents(dossier: Dossier, by) -> None:
    """Steps 3-5 through the services."""
    for component in dossier.components.exclude(source="state_holds"):
        svc.draft_component_upload(
            dossier=dossier,
            component=component,
            by=by,
            data=pdf_bytes(component.requirement_name),
            name="giay-to.pdf",
        )
    svc.draft_delivery_save(dossier=dossier, by=by, delivery="electronic")
    svc.draft_fees_seen(dossier=dossier, by=by)


def _submit_from_review(page, url: str, dossier: Dossier) -> None:
    page.goto(url + reverse("dossiers:step", kwargs={"uuid": dossier.uuid, "step": "xem-lai"}))
    page.get_by_label("Tôi xin cam đoan", exact=False).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.locator("#dossier-code").wait_for()


def test_helper_files_for_an_elderly_citizen_who_confirms_by_sms_then_revokes(
    browser, live_server, axe, settings, twilio_simulator
):
    settings.VIRUS_SCANNER = "none"
    world = make_world()
    helper = CitizenFactory(
        full_name="Trần Văn Hỗ Trợ", roles=[Role.CITIZEN, Role.COMMUNITY_HELPER]
    )
    elderly = make_citizen(full_name="Nguyễn Văn Cao")
    elderly.profile.id_number = ELDERLY_ID
    elderly.profile.phone = ELDERLY_PHONE
    elderly.profile.save()
    url = live_server.url

    # At the commune office: the helper asks, the code reaches the citizen's phone on file.
    helper_context = signed_in_context(browser, live_server, helper)
    page = helper_context.new_page()
    page.goto(url + "/dinh-danh/uy-quyen/xin/")
    check_page(page, axe, "ask")
    page.get_by_label("Họ và tên người ủy quyền").fill("Nguyễn Văn Cao")
    page.get_by_label("Số định danh cá nhân (12 số)").fill(ELDERLY_ID)
    page.get_by_label("Số điện thoại của người ủy quyền").fill(ELDERLY_PHONE)
    page.get_by_role("button", name="Gửi mã xác nhận qua SMS").click()
    page.wait_for_url("**/ma-xac-nhan/")
    check_page(page, axe, "code")
    _shot(page, "sms-code-360")
    page.get_by_label("Mã xác nhận (6 chữ số)", exact=False).fill(_code_sent_to("+84911222333"))
    page.get_by_role("button", name="Xác nhận", exact=True).click()
    assert page.get_by_text("Nguyễn Văn Cao đã xác nhận").is_visible()
    check_page(page, axe, "mandates after confirmation")
    mandate = Mandate.objects.get(agent=helper, principal=elderly)
    assert mandate.status == "active"

    # The helper files for the citizen.
    page.goto(url + f"/ho-so/bat-dau/{world.procedure.code}/")
    page.get_by_label("Nộp hồ sơ cho").select_option(f"nguoi:{elderly.uuid}")
    page.get_by_role("button", name="Bắt đầu khai hồ sơ mới").click()
    assert page.get_by_test_id("on-behalf").is_visible()
    assert page.get_by_label("Họ và tên").input_value() == "Nguyễn Văn Cao"
    check_page(page, axe, "applicant step for someone else")
    _shot(page, "helper-step1-360")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    dossier = Dossier.objects.get(applicant=elderly)
    _finish_remaining_steps(dossier, helper)
    _submit_from_review(page, url, dossier)
    detail = url + reverse("dossiers:detail", kwargs={"uuid": dossier.uuid})
    pdf = url + reverse("dossiers:confirmation_pdf", kwargs={"uuid": dossier.uuid})
    assert page.request.get(detail).status == 200
    assert page.request.get(pdf).status == 200

    # The citizen sees who filed for them, then revokes.
    citizen_context = signed_in_context(browser, live_server, elderly)
    citizen_page = citizen_context.new_page()
    citizen_page.goto(detail)
    assert citizen_page.get_by_text(
        "Trần Văn Hỗ Trợ thực hiện thay cho Nguyễn Văn Cao"
    ).first.is_visible()
    check_page(citizen_page, axe, "citizen's dossier")
    _shot(citizen_page, "citizen-timeline-360")
    citizen_page.goto(url + "/dinh-danh/uy-quyen/")
    check_page(citizen_page, axe, "citizen's mandates")
    citizen_page.get_by_role("button", name="Thu hồi").click()
    assert citizen_page.get_by_text("Đã thu hồi ủy quyền.").is_visible()
    citizen_context.close()

    # The helper has lost the dossier, its PDF and the start-for option at once.
    assert page.request.get(detail).status == 404
    assert page.request.get(pdf).status == 404
    page.goto(url + f"/ho-so/bat-dau/{world.procedure.code}/")
    assert page.get_by_label("Nộp hồ sơ cho").count() == 0
    helper_context.close()


NEW_ID = "072049002222"
NEW_PHONE = "0911222444"


def test_a_citizen_without_an_account_confirms_by_sms_signs_in_by_sms_and_revokes(
    browser, live_server, axe, settings, twilio_simulator
):
    settings.VIRUS_SCANNER = "none"
    world = make_world()
    helper = CitizenFactory(
        full_name="Trần Văn Hỗ Trợ", roles=[Role.CITIZEN, Role.COMMUNITY_HELPER]
    )
    url = live_server.url

    # At the commune office: the citizen has no account; the helper asks, the code is read out.
    helper_context = signed_in_context(browser, live_server, helper)
    page = helper_context.new_page()
    page.goto(url + "/dinh-danh/uy-quyen/xin/")
    page.get_by_label("Họ và tên người ủy quyền").fill("Lê Thị Bảy")
    page.get_by_label("Số định danh cá nhân (12 số)").fill(NEW_ID)
    page.get_by_label("Số điện thoại của người ủy quyền").fill(NEW_PHONE)
    page.get_by_role("button", name="Gửi mã xác nhận qua SMS").click()
    page.wait_for_url("**/ma-xac-nhan/")
    page.get_by_label("Mã xác nhận (6 chữ số)", exact=False).fill(_code_sent_to("+84911222444"))
    page.get_by_role("button", name="Xác nhận", exact=True).click()
    assert page.get_by_text("Lê Thị Bảy đã xác nhận").is_visible()
    mandate = Mandate.objects.get(agent=helper, principal__profile__id_number=NEW_ID)
    principal = mandate.principal
    assert mandate.status == "active"
    assert not principal.has_usable_password()

    # The helper files for them.
    page.goto(url + f"/ho-so/bat-dau/{world.procedure.code}/")
    page.get_by_label("Nộp hồ sơ cho").select_option(f"nguoi:{principal.uuid}")
    page.get_by_role("button", name="Bắt đầu khai hồ sơ mới").click()
    assert page.get_by_label("Họ và tên").input_value() == "Lê Thị Bảy"
    # The SMS path knew only the name, the ID number and the phone: the helper adds the address.
    page.get_by_label("Địa chỉ thường trú").fill("Ấp Thạnh Hòa, xã Tân Biên")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_url(re.compile(r".*/buoc/(?!nguoi-nop).*"))
    dossier = Dossier.objects.get(applicant=principal)
    _finish_remaining_steps(dossier, helper)
    _submit_from_review(page, url, dossier)
    detail = url + reverse("dossiers:detail", kwargs={"uuid": dossier.uuid})
    pdf = url + reverse("dossiers:confirmation_pdf", kwargs={"uuid": dossier.uuid})
    assert page.request.get(detail).status == 200
    assert page.request.get(pdf).status == 200

    # Later, at home: the citizen signs in with a code sent to the phone that confirmed.
    citizen_context = browser.new_context(locale="vi-VN", viewport={"width": WIDTH, "height": 780})
    citizen_page = citizen_context.new_page()
    citizen_page.goto(url + "/accounts/login/")
    citizen_page.get_by_role("link", name="Đăng nhập bằng mã gửi qua SMS").click()
    check_page(citizen_page, axe, "sms sign-in")
    citizen_page.get_by_label("Số định danh cá nhân", exact=False).fill(NEW_ID)
    citizen_page.get_by_label("Số điện thoại đã xác thực").fill(NEW_PHONE)
    citizen_page.get_by_role("button", name="Gửi mã đăng nhập").click()
    citizen_page.wait_for_url("**/dang-nhap-sms/ma/")
    check_page(citizen_page, axe, "sms sign-in code")
    _shot(citizen_page, "sms-sign-in-code-360")
    sign_in_code = _code_sent_to("+84911222444")
    citizen_page.get_by_label("Mã đăng nhập (6 chữ số)", exact=False).fill(sign_in_code)
    citizen_page.get_by_role("button", name="Đăng nhập", exact=True).click()
    assert citizen_page.get_by_text("Đã đăng nhập bằng mã gửi qua SMS.").is_visible()
    check_page(citizen_page, axe, "my page after sms sign-in")

    citizen_page.goto(detail)
    assert citizen_page.get_by_text(
        "Trần Văn Hỗ Trợ thực hiện thay cho Lê Thị Bảy"
    ).first.is_visible()
    check_page(citizen_page, axe, "the dossier filed for them")
    citizen_page.goto(url + "/dinh-danh/uy-quyen/")
    assert citizen_page.get_by_text("Trần Văn Hỗ Trợ").first.is_visible()
    citizen_page.get_by_role("button", name="Thu hồi").click()
    assert citizen_page.get_by_text("Đã thu hồi ủy quyền.").is_visible()
    check_page(citizen_page, axe, "mandates after revocation")
    _shot(citizen_page, "sms-signed-in-revoked-360")
    citizen_context.close()

    # The helper has lost the dossier, its PDF and the start-for option at once.
    assert page.request.get(detail).status == 404
    assert page.request.get(pdf).status == 404
    page.goto(url + f"/ho-so/bat-dau/{world.procedure.code}/")
    assert page.get_by_label("Nộp hồ sơ cho").count() == 0
    helper_context.close()


def test_a_representative_files_for_an_organisation(browser, live_server, axe, settings):
    settings.VIRUS_SCANNER = "none"
    world = make_world()  # its form asks for a person's name and ID number (like 1.004222)
    organisation = Organisation.objects.create(
        tax_code="3900123456",
        name="Hợp tác xã Nông nghiệp Tân Biên",
        address="Ấp Thạnh Hòa, xã Tân Biên, tỉnh Tây Ninh",
        phone="02763888999",
    )
    OrganisationRepresentative.objects.create(
        organisation=organisation,
        user=world.citizen,
        title="Giám đốc",
        is_legal_representative=True,
        valid_from="2025-01-01",
    )
    url = live_server.url
    context = signed_in_context(browser, live_server, world.citizen)
    page = context.new_page()
    page.goto(url + f"/ho-so/bat-dau/{world.procedure.code}/")
    page.get_by_label("Nộp hồ sơ cho").select_option(str(organisation.uuid))
    page.get_by_role("button", name="Bắt đầu khai hồ sơ mới").click()
    assert page.get_by_test_id("for-organisation").is_visible()
    assert page.get_by_label("Tên tổ chức").input_value() == "Hợp tác xã Nông nghiệp Tân Biên"
    assert page.get_by_label("Mã số thuế").input_value() == "3900123456"
    assert page.get_by_label("Địa chỉ trụ sở").input_value().startswith("Ấp Thạnh Hòa")
    assert (
        page.get_by_test_id("legal-representative")
        .inner_text()
        .endswith(world.citizen.get_full_name())
    )
    assert page.get_by_label("Lưu các thay đổi vào hồ sơ cá nhân của tôi").count() == 0
    check_page(page, axe, "organisation applicant step")
    _shot(page, "organisation-step1-360")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    # Step 2: the form's person-identity fields are the legal representative's, asked as such;
    # the tax code declared on step 1 is not taken for a personal ID number.
    representative_name = page.get_by_label(
        "Họ, chữ đệm và tên (của người đại diện theo pháp luật)"
    )
    representative_name.wait_for()
    assert representative_name.input_value() == world.citizen.get_full_name()
    representative_id = page.get_by_label(
        "Số định danh cá nhân (của người đại diện theo pháp luật)"
    )
    assert representative_id.input_value() == ""
    check_page(page, axe, "organisation fields step")
    representative_id.fill("072090001234")
    page.get_by_label("Địa chỉ đăng ký thường trú").fill("34 Trần Hưng Đạo")
    _shot(page, "organisation-step2-360")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_url("**/giay-to/")
    dossier = Dossier.objects.get(organisation=organisation)
    assert dossier.form_data["id_number"] == "072090001234"
    _finish_from_documents(dossier, world.citizen)
    _submit_from_review(page, url, dossier)
    dossier.refresh_from_db()
    assert dossier.status == "submitted"
    assert dossier.applicant_data["id_number"] == "3900123456"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url + reverse("dossiers:detail", kwargs={"uuid": dossier.uuid}))
    _shot(page, "organisation-dossier-1280")
    context.close()
