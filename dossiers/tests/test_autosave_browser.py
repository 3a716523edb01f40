"""Autosave in a real browser (issue #25, ADR 0310): the citizen types half an answer, waits, and
reads "Đã lưu lúc …" (an aria-live status); on another device (a second browser context with its
own sign-in) "Hồ sơ của tôi" offers the draft and the half-typed answer is there, without errors."""

import time

from django.test import Client

import pytest

from dossiers.constants import DossierStatus, DraftStep
from dossiers.models import Dossier
from dossiers.tests.submission_helpers import PROCEDURE_CODE, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def device(browser, live_server, user):
    """A browser context signed in with its own session, as on a second phone or computer."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def typed(dossier, key):
    dossier.refresh_from_db()
    return (dossier.draft_typed.get(DraftStep.APPLICANT) or {}).get(key)


def test_typing_saves_and_another_device_resumes_it(browser, live_server, axe, settings):
    settings.VIRUS_SCANNER = "none"
    world = make_world()
    url = live_server.url
    first, page = device(browser, live_server, world.citizen)
    page.goto(f"{url}/ho-so/bat-dau/{PROCEDURE_CODE}/")
    page.get_by_role("button", name="Bắt đầu khai hồ sơ mới").click()
    page.get_by_label("Địa chỉ thường trú").fill("12 Cách Mạng Tháng")
    page.get_by_label("Số định danh cá nhân").fill("0790")  # half typed: not yet valid
    status = page.get_by_role("status").filter(has_text="Đã lưu lúc")
    status.wait_for()
    assert status.get_attribute("aria-live") == "polite"
    assert page.locator("[aria-invalid=true]").count() == 0  # no errors while typing
    assert axe(page) == []
    dossier = Dossier.objects.get(status=DossierStatus.DRAFT)
    assert typed(dossier, "id_number") == "0790"

    # more typed: saved again, one second after the last key
    page.get_by_label("Địa chỉ thường trú").fill("12 Cách Mạng Tháng Tám, phường Tân Ninh")
    deadline = time.monotonic() + 15
    while typed(dossier, "address") != "12 Cách Mạng Tháng Tám, phường Tân Ninh":
        assert time.monotonic() < deadline, typed(dossier, "address")
        time.sleep(0.2)
    first.close()

    second, page = device(browser, live_server, world.citizen)
    page.goto(f"{url}/ho-so/")
    page.get_by_role("link", name="Tiếp tục khai").first.click()
    assert page.get_by_label("Số định danh cá nhân").input_value() == "0790"
    address = page.get_by_label("Địa chỉ thường trú").input_value()
    assert address == "12 Cách Mạng Tháng Tám, phường Tân Ninh"
    assert page.locator("[aria-invalid=true]").count() == 0
    # "Lưu và tiếp tục" is where the step is checked
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    assert page.locator("#id_id_number[aria-invalid=true]").is_visible()
    second.close()
