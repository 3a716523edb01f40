"""CSRF on every state-changing view.

Every route of the project is posted to, without a CSRF token, by a client with
`enforce_csrf_checks=True` that is signed in (a citizen, then a staff member with MFA). Django's
CSRF middleware must refuse it with 403 before the view runs, except for the views listed in
`CSRF_EXEMPT` (each with the reason it is safe). The same list must equal the set of views that
carry `csrf_exempt`, so a new exemption cannot slip in unreviewed.
"""

from __future__ import annotations

import contextlib
import json

from django.test import Client
from django.urls import resolve, reverse

import pytest

from accounts.tests.factories import CitizenFactory, StaffFactory, login_with_mfa
from accounts.tests.test_mfa import project_urls
from tests.security.access_cases import CASES
from tests.security.routes import all_routes
from tests.security.world import World

pytestmark = pytest.mark.django_db

# view (module.function) → why it may be posted to without a CSRF token.
CSRF_EXEMPT = {
    "notifications.views.twilio_status": "Twilio's delivery webhook, checked by its HMAC signature",
    "payments.views.vnpay_ipn": "VNPay's server-to-server IPN (GET), checked by its HMAC",
    "payments.simulator.views.merchant_api": "gateway simulator, off in production",
    "notifications.simulators.twilio_messages": "SMS provider simulator, off in production",
    "notifications.simulators.zalo_access_token": "Zalo simulator, off in production",
    "notifications.simulators.zalo_template_message": "Zalo simulator, off in production",
    "accounts.identity.simulator.views.token": "VNeID simulator's token endpoint (OIDC back channel)",
    "accounts.identity.simulator.views.userinfo": "VNeID simulator's userinfo endpoint",
    "integrations.views.vnpost_callback": "VNPost's server-to-server callback, checked by HMAC",
    "integrations.views.vnpost_orders": "VNPost simulator's API (bearer token), off in production",
    "integrations.views.dvcqg_auth": "national-portal simulator's API, off in production",
    "integrations.views.dvcqg_service": "national-portal simulator's API, off in production",
    # django-ninja marks its views exempt and checks CSRF itself for cookie (session) auth; the
    # dynamic test below proves it for every API write.
    "ninja.operation.sync_view_wrapper": "django-ninja: SessionAuth checks the token itself",
    "functools.": "django-ninja's OpenAPI views (GET only)",
}
# Prefix-matched: every CSC remote-signing simulator endpoint.
CSRF_EXEMPT_PREFIXES = {
    "documents.csc_simulator.": "CSC remote-signing simulator (server to server), off in production",
}


def _is_listed(view: str) -> bool:
    return view in CSRF_EXEMPT or view.startswith(tuple(CSRF_EXEMPT_PREFIXES))


def _exempt_views() -> set[str]:
    from django.urls import get_resolver

    found = set()

    def walk(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns)
            elif getattr(p.callback, "csrf_exempt", False):
                cb = p.callback
                found.add(f"{getattr(cb, '__module__', '')}.{getattr(cb, '__name__', '')}")

    walk(get_resolver().url_patterns)
    return found


def test_csrf_exempt_views_are_exactly_the_reviewed_ones():
    exempt = _exempt_views()
    unreviewed = sorted(v for v in exempt if not _is_listed(v))
    assert unreviewed == [], f"csrf_exempt views nobody reviewed: {unreviewed}"
    stale = sorted(v for v in CSRF_EXEMPT if v not in exempt and v not in ("functools.",))
    assert stale == [], f"listed as exempt but no longer are: {stale}"


def _urls_for_every_route() -> list[tuple[str, str]]:
    """(url, view) for every route: real objects where the access matrix has a case, dummy
    identifiers elsewhere (the CSRF check runs before the view looks anything up)."""
    world = World()
    view_by_name = {r.name: r.view for r in all_routes()}
    out = []
    for url, _name in project_urls():
        full = resolve(url.split("?")[0]).view_name
        case = CASES.get(full)
        if case is not None and case.kwargs is not None and case.kind != "exempt":
            with contextlib.suppress(Exception):
                url = reverse(full, kwargs=case.kwargs(world))
        out.append((url, view_by_name.get(full, "")))
    return out


@pytest.mark.parametrize("who", ["citizen", "staff"])
def test_every_post_without_a_token_is_refused(who):
    user = CitizenFactory() if who == "citizen" else StaffFactory()
    client = Client(enforce_csrf_checks=True)
    if who == "staff":
        login_with_mfa(client, user)
    else:
        client.force_login(user)
    failures = []
    checked = 0
    for url, view in _urls_for_every_route():
        # The API's writes are checked in test_api_writes_need_the_token_with_a_session.
        if url.startswith(("/static/", "/api/")) or _is_listed(view):
            continue
        response = client.post(url, {"x": "1"})
        checked += 1
        if response.status_code != 403:
            failures.append((url, view, response.status_code))
    assert checked > 100
    assert failures == []


def test_api_writes_need_the_token_with_a_session():
    """The API's session auth refuses a cookie-authenticated write without the CSRF token."""
    world = World()
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    draft = world.draft
    before = draft.form_data
    writes = [
        ("post", "/api/v1/dossiers", {"procedure_code": world.procedure.code}),
        ("patch", f"/api/v1/dossiers/{draft.uuid}", {"fields": {"ho_ten": "X"}}),
        ("post", f"/api/v1/dossiers/{draft.uuid}/submit", {}),
    ]
    for method, url, body in writes:
        response = client.generic(
            method.upper(), url, data=json.dumps(body), content_type="application/json"
        )
        assert response.status_code in (401, 403), (url, response.status_code)
    draft.refresh_from_db()
    assert draft.form_data == before
    # With the token, the same session may write (the check is a CSRF check, not a ban).
    client.get("/")
    token = client.cookies["csrftoken"].value
    response = client.generic(
        "PATCH",
        f"/api/v1/dossiers/{draft.uuid}",
        data=json.dumps({"fields": {}}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code in (200, 422), response.content


def test_postal_callback_without_a_valid_signature_is_refused(client, settings):
    """The one exempt production callback outside payments: no signature, no hearing."""
    settings.VNPOST_ENABLED = True
    body = json.dumps({"order_code": "X", "status": "delivered"})
    for signature in ("", "00" * 32):
        response = client.post(
            "/tich-hop/vnpost/callback/",
            data=body,
            content_type="application/json",
            HTTP_X_VNPOST_SIGNATURE=signature,
        )
        assert response.status_code in (403, 404), response.status_code
