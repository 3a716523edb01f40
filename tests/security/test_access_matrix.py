"""The access matrix: every route that takes an object identifier, against every kind of outsider.

For each route in `access_cases.CASES`, a real object is made for its owner and the route is
requested as the owner, another citizen, a member of another organisation, an anonymous visitor
and a staff member of another agency (signed in with MFA). Outsiders must be refused (403/404,
or sign-in for the anonymous), must not see the owner's name, and a refused write must change
nothing. A route with a parameter and no case fails `test_every_identifier_route_has_a_case`.
"""

from __future__ import annotations

import json

from django.test import override_settings
from django.urls import reverse

import pytest

from tests.security.access_cases import ADMIN_PREFIX, CASES, Case
from tests.security.routes import all_routes, identifier_routes
from tests.security.world import CORE_ACTORS, World

pytestmark = pytest.mark.django_db

LOGIN_MARKERS = ("/accounts/login/", "/dinh-danh/dang-nhap/")


def uncovered_routes() -> list[str]:
    return sorted(
        name
        for name, route in identifier_routes().items()
        if name not in CASES and not route.path.startswith(ADMIN_PREFIX)
    )


def test_every_identifier_route_has_a_case():
    missing = uncovered_routes()
    assert missing == [], (
        "Routes taking an object identifier without an access-matrix case "
        f"(add them to tests/security/access_cases.py): {missing}"
    )


def test_no_case_for_a_route_that_is_gone():
    names = {route.name for route in all_routes()}
    assert sorted(set(CASES) - names) == []


def test_every_exemption_and_public_route_says_why():
    for name, case in CASES.items():
        if case.kind in ("exempt", "public"):
            assert case.reason, name


def _request(client, case: Case, url: str, world: World):
    data = case.data(world) if callable(case.data) else case.data
    if case.json:
        return client.generic(
            case.method.upper(),
            url,
            data=json.dumps(data or {}),
            content_type="application/json",
        )
    if case.method == "get":
        return client.get(url)
    if case.method == "post":
        return client.post(url, data or {})
    return client.generic(case.method.upper(), url, data="")


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode("utf-8", errors="replace")


def _is_refusal(actor: str, response, case: Case) -> bool:
    status = response.status_code
    if status in (403, 404) or status in case.refusals:
        return True
    if actor == "anonymous":
        if status == 401:
            return True
        if status == 302 and any(m in response["Location"] for m in LOGIN_MARKERS):
            return True
    return False


def _close(response) -> None:
    """Drain a file response without closing it: closing fires `request_finished`, which would
    close the test's database connection."""
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)


@pytest.fixture(autouse=True)
def _no_virus_scanner(settings):
    settings.VIRUS_SCANNER = "none"


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.kind == "owned"))
def test_outsiders_are_refused_and_the_owner_gets_in(name):
    case = CASES[name]
    with override_settings(**case.settings):
        _check_owned(name, case)


def _check_owned(name: str, case: Case) -> None:
    world = World()
    url = reverse(name, kwargs=case.kwargs(world))
    secret = world.owner.full_name
    before = case.unchanged(world) if case.unchanged else None
    refused_actors = [a for a in CORE_ACTORS if a not in case.allowed]
    failures = []
    for actor in refused_actors:
        response = _request(world.client(actor), case, url, world)
        if not _is_refusal(actor, response, case):
            failures.append(f"{actor}: {response.status_code}")
        elif secret in _body(response):
            failures.append(f"{actor}: refused but the page shows the owner's name")
        _close(response)
        if case.unchanged and case.unchanged(world) != before:
            failures.append(f"{actor}: a refused {case.method.upper()} changed the object")
    for actor, statuses in case.allowed.items():
        response = _request(world.client(actor), case, url, world)
        if response.status_code not in statuses:
            failures.append(f"{actor} (allowed): {response.status_code}, expected {set(statuses)}")
        _close(response)
    assert failures == [], f"{name} {url}: {failures}"


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.kind == "public"))
def test_public_identifiers_answer_everybody_alike(name):
    case = CASES[name]
    world = World()
    url = reverse(name, kwargs=case.kwargs(world))
    seen = {}
    for actor in CORE_ACTORS:
        response = _request(world.client(actor), case, url, world)
        seen[actor] = response.status_code
        _close(response)
    assert all(status in case.public_status for status in seen.values()), seen


def test_admin_object_pages_are_for_superusers_with_mfa_only():
    """Every admin route with an object id (and the catch-all): outsiders go to sign-in or 403."""
    world = World()
    target = world.other_citizen
    urls = []
    for route in all_routes():
        if not route.path.startswith(ADMIN_PREFIX) or not route.params:
            continue
        path = route.path
        # Fill the parameters with the id of a real user: the pages of the accounts.user admin
        # then show a real person; the others answer 404/302 for superusers, which is fine here.
        for param in route.params:
            path = path.replace(f"<path:{param}>", str(target.pk)).replace(
                f"<{param}>", str(target.pk)
            )
        if "(?P<" in path or "^" in path:
            continue
        urls.append("/" + path)
    assert any("/admin/accounts/user/" in u for u in urls)
    failures = []
    for actor in CORE_ACTORS:
        client = world.client(actor)
        for url in urls:
            response = client.get(url)
            ok = response.status_code in (403, 404) or (
                response.status_code == 302 and "login" in response["Location"]
            )
            if not ok:
                failures.append((actor, url, response.status_code))
            elif target.email in _body(response):
                failures.append((actor, url, "shows the user's e-mail"))
    assert failures == []
    superuser = world.client("superuser")
    page = superuser.get(f"/admin/accounts/user/{target.pk}/change/")
    assert page.status_code == 200
    assert target.email in _body(page)


def test_the_matrix_catches_a_leak(monkeypatch):
    """The matrix itself can fail: with the data store's scoping removed, the document page
    opens for outsiders and the case reports them."""
    from documents import selectors
    from documents.models import StoredDocument

    monkeypatch.setattr(
        selectors,
        "document_get",
        lambda *, user, uuid: StoredDocument.objects.get(uuid=uuid),
    )
    with pytest.raises(AssertionError) as failure:
        _check_owned("documents:detail", CASES["documents:detail"])
    for actor in ("other_citizen", "other_org", "staff_other_agency"):
        assert actor in str(failure.value)
