"""A supervisor finds a dossier the portal refused, retries it, in a real browser at 360 px;
the simulator consoles pass axe too."""

from __future__ import annotations

from django.test import Client

import pytest

from accounts.tests.factories import login_with_mfa
from dossiers.constants import Actor
from integrations.constants import Provider, SyncStatus
from integrations.models import SyncState
from integrations.tests.helpers import submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_with_mfa(page, user, base_url: str) -> None:
    client = Client()
    login_with_mfa(client, user)
    page.context.add_cookies(
        [{"name": n, "value": m.value, "url": base_url} for n, m in client.cookies.items()]
    )


def test_supervisor_retries_a_failed_dossier(
    live_server, page, axe, csp_violations, cast, settings
):
    settings.DVCQG_ENABLED = False  # build the dossier without pushing; the retry only re-queues
    dossier = submitted(cast)
    SyncState.objects.create(
        dossier=dossier,
        provider=Provider.DVCQG,
        status=SyncStatus.FAILED,
        attempts=12,
        target_event_id=dossier.events.last().pk,
        last_error="DVCQG HTTP 503",
    )
    settings.DVCQG_SIMULATOR_ENABLED = True
    settings.VNPOST_SIMULATOR_ENABLED = True
    sign_in_with_mfa(page, cast.staff[Actor.ONESTOP_SUPERVISOR], live_server.url)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/tich-hop/dong-bo/loi/")
    row = page.get_by_test_id("failure-row")
    assert dossier.code in row.inner_text()
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    row.get_by_role("button", name="Đồng bộ lại").click()
    page.wait_for_selector("[data-testid=no-failures]")
    assert SyncState.objects.get(dossier=dossier).status == SyncStatus.PENDING

    from accounts.tests.factories import UserFactory

    # The consoles are the system administrator's (a superuser with MFA).
    sign_in_with_mfa(page, UserFactory(is_staff=True, is_superuser=True), live_server.url)
    for path in ("/tich-hop/mo-phong/dvcqg/", "/tich-hop/mo-phong/vnpost/"):
        page.goto(live_server.url + path)
        assert axe(page) == [], path
    assert csp_violations == []
