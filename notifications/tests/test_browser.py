"""The inbox and the preferences in a real browser at 360 px; axe-core finds no WCAG A/AA issue."""

from django.test import Client

import pytest

from notifications import services
from notifications.constants import Channel, Event
from notifications.tests.factories import citizen_with_phone, sample_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user, base_url: str) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": n, "value": m.value, "url": base_url} for n, m in client.cookies.items()]
    )


def test_inbox_bell_and_preferences_in_the_browser(live_server, page, axe):
    user = citizen_with_phone()
    services.notify(
        event=Event.DOSSIER_SUBMITTED,
        recipient=user,
        context=sample_context(Event.DOSSIER_SUBMITTED),
        channels=[Channel.INBOX],
    )
    sign_in(page, user, live_server.url)
    page.set_viewport_size({"width": 360, "height": 800})

    page.goto(f"{live_server.url}/thong-bao/")
    assert page.get_by_role("link", name="Đã nộp hồ sơ 000.00.80.H52-260315-0007").is_visible()
    assert axe(page) == []
    page.get_by_role("link", name="Đã nộp hồ sơ 000.00.80.H52-260315-0007").click()
    page.wait_for_url("**/thong-bao/*-*/")
    assert "Kính gửi" in page.inner_text("main")
    assert axe(page) == []

    page.goto(f"{live_server.url}/thong-bao/tuy-chon/")
    assert axe(page) == []
    page.get_by_label("Không làm phiền từ").fill("22:00")
    page.get_by_role("button", name="Lưu").click()
    error = page.locator("#id_quiet_end-error")
    assert "Hãy nhập cả giờ bắt đầu" in error.inner_text()
    assert page.get_by_label("Không làm phiền từ").input_value() == "22:00"  # nothing typed is lost
    assert axe(page) == []
