"""The dashboards in Chromium: Chart.js draws the charts, axe-core finds no WCAG 2.1 A/AA
violation, the CSP blocks nothing, and nothing scrolls sideways at 360 px."""

from django.test import Client

import pytest

from accounts.constants import Role
from accounts.tests.factories import UserFactory, login_with_mfa
from dossiers.tests.factories import add_membership, make_cast
from metrics.services import facts_refresh
from metrics.tests.journeys import Journey, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OCT = "?ky=month&nam=2026&thang=10"


def _page(browser, live_server, user=None, width=1280):
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
    if user is not None:
        client = Client()
        login_with_mfa(client, user)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return context, page, violations


def _check(page, axe, violations, *, charts: int):
    page.wait_for_function("() => window.Chart !== undefined")
    drawn = page.evaluate(
        "() => Array.from(document.querySelectorAll('canvas[data-chart]'))"
        ".filter(c => window.Chart.getChart(c) !== undefined).length"
    )
    assert drawn == charts
    assert axe(page) == []
    assert violations == []
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_dashboard_and_public_page(browser, live_server, axe):
    cast = make_cast()
    Journey(cast).submit(at(5, 9)).receive(at(5, 10)).to_appraisal(at(5, 11)).finish(at(9, 15))
    Journey(cast).submit(at(5, 9)).receive(at(5, 10)).to_appraisal(at(5, 11))
    facts_refresh(full=True)
    head = UserFactory(roles=[Role.AGENCY_HEAD])
    add_membership(head, cast.competent, Role.AGENCY_HEAD)

    for width in (1280, 360):
        context, page, violations = _page(browser, live_server, head, width)
        page.goto(live_server.url + "/office/stats/" + OCT)
        assert page.get_by_role("heading", level=1).inner_text().startswith("Chỉ số")
        _check(page, axe, violations, charts=3)
        # Drill down from the late link to the dossier behind it.
        page.get_by_role("link", name="xem hồ sơ trễ hạn").click()
        page.wait_for_load_state()
        assert page.locator("tbody tr").count() == 1
        assert axe(page) == []
        context.close()

        context, page, violations = _page(browser, live_server, None, width)
        page.goto(live_server.url + "/stats/" + OCT)
        _check(page, axe, violations, charts=1)
        context.close()
