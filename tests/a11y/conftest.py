"""Browser sessions for the accessibility sweep: real cookies from Django's own login helpers."""

from __future__ import annotations

from django.test import Client

import pytest


def context_for(browser, live_server, user=None, *, width=1280, staff=False):
    """A browser context signed in as `user` (with MFA for staff), or signed out."""
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
    if user is not None:
        client = Client()
        if staff:
            from accounts.tests.factories import login_with_mfa

            login_with_mfa(client, user)
        else:
            client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
    return context


@pytest.fixture
def no_virus_scanner(settings):
    settings.VIRUS_SCANNER = "none"
