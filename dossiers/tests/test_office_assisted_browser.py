"""Assisted filing at the counter in a real browser (issue #26, ADRs 0291 and 0306), axe on each
page: a reception officer signs in with password and authenticator code, takes in an online-only
procedure for the citizen at the counter (finds them by ID number, fills the form, scans and signs
the papers), the citizen confirms — by the SMS code the Twilio protocol simulator delivered, or by
signing in with the national identity (npm oidc-provider) on the officer's device — the dossier
is submitted as an online one and the citizen finds it in "Hồ sơ của tôi"."""

from __future__ import annotations

import copy
import re
from pathlib import Path

from django.urls import reverse

import pytest

from accounts.tests.factories import give_totp
from accounts.tests.helpers import verify_email
from accounts.tests.oidc import CITIZEN_CLAIMS, start_provider, vneid_providers_setting
from dossiers.constants import Channel, ComponentSource, DossierStatus
from dossiers.models import Dossier
from dossiers.tests.submission_helpers import ID_NUMBER, PHONE, pdf_bytes
from dossiers.tests.test_mandate_browser import twilio_simulator  # noqa: F401
from dossiers.tests.test_office_counter import (  # noqa: F401 (fixtures)
    officer_certificate,
    signing_keys,
)
from dossiers.tests.test_submission_browser import signed_in_context
from tests.browser.test_staff_journeys_browser import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = DossierStatus
SHOTS = Path("/tmp/shots-assisted")
RETURN_PATH = "/office/tiep-nhan-tai-quay/dinh-danh/"
DONE_PATH = "/office/tiep-nhan-tai-quay/dinh-danh/xong/"


@pytest.fixture
def counter(world, officer_certificate):  # noqa: F811
    """An online-only procedure and a reception officer with an authenticator."""
    world.procedure.online_only = True
    world.procedure.save(update_fields=["online_only"])
    verify_email(world.reception_officer)
    return world, give_totp(world.reception_officer)


@pytest.fixture
def live_vneid(live_server, settings):
    provider = start_provider(
        [f"{live_server.url}{RETURN_PATH}"], [f"{live_server.url}{DONE_PATH}"]
    )
    settings.SOCIALACCOUNT_PROVIDERS = vneid_providers_setting(provider.issuer)
    settings.SITE_URL = live_server.url
    csp = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    csp["DIRECTIVES"]["form-action"].append(provider.issuer)
    settings.CONTENT_SECURITY_POLICY = csp
    yield provider
    provider.stop()


def _code_sent_to(phone_e164: str) -> str:
    """The code in the SMS the Twilio simulator received (not the "004222" of "1.004222" the
    same message names)."""
    from notifications.models import SimulatedMessage

    message = SimulatedMessage.objects.filter(provider="twilio", to=phone_e164).latest("pk")
    return re.search(r"(?<![\d.])(\d{6})\b", message.body).group(1)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _checked(page, axe, where: str) -> None:
    assert axe(page) == [], where


def _file_at_the_counter(page, base: str, axe, world, citizen, tmp_path) -> Dossier:
    """The officer's side up to the citizen's confirmation."""
    page.goto(base + reverse("office:counter"))
    _checked(page, axe, "counter: find the citizen")
    page.get_by_label("Số định danh cá nhân (CCCD) của người nộp").fill(citizen.profile.id_number)
    page.get_by_role("button", name="Tìm").click()
    page.get_by_label("Mã thủ tục hành chính").fill(world.procedure.code)
    page.get_by_role("button", name="Bắt đầu hồ sơ").click()
    page.get_by_test_id("assisted-banner").wait_for()
    dossier = Dossier.objects.get(applicant=citizen)
    assert (dossier.channel, dossier.assisted_by) == (Channel.ONLINE, world.reception_officer)
    _checked(page, axe, "assisted counter draft")

    page.get_by_label("Địa chỉ đăng ký thường trú").fill("34 Trần Hưng Đạo")
    page.get_by_role("button", name="Lưu thông tin").click()
    page.wait_for_load_state()
    for component in dossier.components.exclude(source=ComponentSource.STATE_HOLDS):
        scan = tmp_path / f"scan-{component.pk}.pdf"
        scan.write_bytes(pdf_bytes(component.requirement_name))
        form = page.locator(f'form:has(input[name="component"][value="{component.uuid}"])')
        form.locator('input[type="file"]').set_input_files(str(scan))
        form.locator('button[type="submit"]').click()
        page.wait_for_load_state()
    assert page.get_by_text("Đã số hóa, ký số.").count() == (
        dossier.components.exclude(source=ComponentSource.STATE_HOLDS).count()
    )
    # Not yet: the citizen has not confirmed.
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_load_state()
    assert page.get_by_text("Công dân chưa xác nhận bằng mã gửi qua tin nhắn").is_visible()
    assert Dossier.objects.get(pk=dossier.pk).status == S.DRAFT
    _checked(page, axe, "assisted draft, ready but not confirmed")
    return dossier


def _submit_and_the_citizen_sees_it(page, base, axe, browser, live_server, dossier, citizen):
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url(f"**{reverse('office:detail', kwargs={'uuid': dossier.uuid})}")
    _checked(page, axe, "officer's dossier page after assisted submission")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.channel) == (S.RECEIVED, Channel.ONLINE)
    assert page.get_by_text(dossier.code).first.is_visible()

    citizen_context = signed_in_context(browser, live_server, citizen)
    mine = citizen_context.new_page()
    mine.goto(base + reverse("dossiers:mine"))
    mine.get_by_role("link", name=dossier.code).wait_for()
    _checked(mine, axe, "Hồ sơ của tôi")
    _shot(mine, "citizen-mine-360")
    mine.get_by_role("link", name=dossier.code).click()
    mine.wait_for_load_state()
    assert mine.get_by_text(dossier.procedure_name).first.is_visible()
    _checked(mine, axe, "citizen's dossier page")
    citizen_context.close()
    return dossier


def test_assisted_filing_confirmed_by_sms_code(
    page,
    browser,
    live_server,
    axe,
    counter,
    twilio_simulator,  # noqa: F811
    tmp_path,
):
    world, secret = counter
    citizen = world.citizen
    citizen.profile.id_number = ID_NUMBER
    citizen.profile.save()
    base = live_server.url
    _sign_in(page, base, world.reception_officer, secret)
    dossier = _file_at_the_counter(page, base, axe, world, citizen, tmp_path)

    page.get_by_role("button", name="Gửi mã xác nhận qua tin nhắn").click()
    page.wait_for_load_state()
    code = _code_sent_to("+84" + PHONE[1:])
    page.get_by_label("Mã xác nhận công dân đọc (6 chữ số)").fill(code)
    page.get_by_role("button", name="Xác nhận mã").click()
    page.get_by_test_id("assisted-confirmed").wait_for()
    assert "xác nhận bằng mã" in page.get_by_test_id("assisted-confirmed").inner_text()
    _checked(page, axe, "assisted draft confirmed by SMS")
    _shot(page, "officer-confirmed-sms-1280")

    dossier = _submit_and_the_citizen_sees_it(
        page, base, axe, browser, live_server, dossier, citizen
    )
    submitted = dossier.events.get(to_status=S.SUBMITTED)
    assert submitted.data["assisted"]["confirmed_by"] == "sms"


def test_assisted_filing_confirmed_with_the_national_identity(
    page, browser, live_server, axe, counter, live_vneid, tmp_path
):
    world, secret = counter
    citizen = world.citizen
    citizen.profile.id_number = CITIZEN_CLAIMS["national_id"]  # "tuyet" at the provider
    citizen.profile.save()
    base = live_server.url
    _sign_in(page, base, world.reception_officer, secret)
    dossier = _file_at_the_counter(page, base, axe, world, citizen, tmp_path)

    # The citizen signs in with the national identity on the officer's device.
    page.get_by_role("button", name="Xác nhận bằng định danh điện tử").click()
    page.wait_for_url(f"{live_vneid.issuer}/interaction/**")
    page.fill("input[name=login]", "tuyet")
    page.fill("input[name=password]", "any-password")
    page.click("button[type=submit]")
    page.click("button[type=submit]")  # consent: "Continue"
    # Her provider session is ended at once (the provider asks "sign out?").
    page.wait_for_url(f"{live_vneid.issuer}/session/end**")
    page.click("button[autofocus]")
    page.wait_for_url(f"**{reverse('office:counter_draft', kwargs={'uuid': dossier.uuid})}")
    confirmed = page.get_by_test_id("assisted-confirmed")
    assert "định danh điện tử" in confirmed.inner_text()
    assert page.get_by_text("Công dân đã xác nhận nộp hồ sơ bằng định danh điện tử.").is_visible()
    _checked(page, axe, "assisted draft confirmed with the national identity")
    _shot(page, "officer-confirmed-vneid-1280")

    dossier = _submit_and_the_citizen_sees_it(
        page, base, axe, browser, live_server, dossier, citizen
    )
    submitted = dossier.events.get(to_status=S.SUBMITTED)
    assert submitted.data["assisted"]["confirmed_by"] == "national_identity"
    # The officer's session is still theirs: the office opens without signing in again.
    page.goto(base + reverse("office:workspace"))
    assert "/office/" in page.url
