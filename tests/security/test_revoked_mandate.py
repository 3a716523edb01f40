"""Revoking a mandate ends the agent's access to everything filed under it, at once (ADR 0285).

The owner's dossiers of the access matrix are re-filed by a community helper under the owner's
mandate; the helper opens them (page, PDF, attachment, draft step); the owner revokes; then every
route of the matrix, the API included, is walked as the helper: each must refuse, show nothing
of the owner and change nothing.
"""

from __future__ import annotations

from django.test import Client, override_settings
from django.urls import reverse

import pytest

from accounts.constants import Role
from accounts.identity.mandates import attribution, mandate_revoke
from accounts.tests.factories import CitizenFactory, active_mandate
from dossiers.models import Dossier
from tests.security.access_cases import CASES
from tests.security.test_access_matrix import _body, _close, _is_refusal, _request
from tests.security.world import World

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# What the helper opened while the mandate was in force: the proof the walk below is not empty.
OPENED_UNDER_THE_MANDATE = (
    "dossiers:detail",
    "dossiers:confirmation_pdf",
    "dossiers:step",
    "payments:dossier",
)


@pytest.fixture(autouse=True)
def _no_virus_scanner(settings):
    settings.VIRUS_SCANNER = "none"


def _urls(world: World) -> dict[str, str]:
    owned = {name: case for name, case in CASES.items() if case.kind == "owned"}
    return {name: reverse(name, kwargs=case.kwargs(world)) for name, case in owned.items()}


def _file_everything_under(world: World, helper) -> None:
    """The owner's person dossiers become the helper's filings under a mandate in force."""
    mandate = active_mandate(principal=world.owner, agent=helper)
    world.helper_mandate = mandate
    stamp = {"mandate": str(mandate.uuid), "submitted_by": attribution(mandate=mandate)}
    for dossier in Dossier.objects.filter(applicant=world.owner, organisation__isnull=True):
        dossier.submitter = helper
        dossier.applicant_data = {**dossier.applicant_data, **stamp}
        dossier.save(update_fields=["submitter", "applicant_data"])


def _helper_with_access(world: World) -> tuple[Client, dict[str, str]]:
    helper = CitizenFactory(roles=[Role.CITIZEN, Role.COMMUNITY_HELPER])
    urls = _urls(world)
    _file_everything_under(world, helper)
    client = Client()
    client.force_login(helper)
    for name in OPENED_UNDER_THE_MANDATE:
        response = client.get(urls[name])
        assert response.status_code == 200, (name, response.status_code)
        _close(response)
    return client, urls


def _walk(client: Client, urls: dict[str, str], world: World) -> list[str]:
    failures = []
    for name, url in sorted(urls.items()):
        case = CASES[name]
        with override_settings(**case.settings):
            before = case.unchanged(world) if case.unchanged else None
            response = _request(client, case, url, world)
            if not _is_refusal("helper", response, case):
                failures.append(f"{name}: {response.status_code}")
            elif world.owner.full_name in _body(response):
                failures.append(f"{name}: refused but shows the owner's name")
            _close(response)
            if case.unchanged and case.unchanged(world) != before:
                failures.append(f"{name}: a refused {case.method.upper()} changed the object")
    return failures


def _revoke_online(world: World) -> None:
    mandate_revoke(mandate=world.helper_mandate, by=world.owner)


def _revoke_at_the_counter(world: World) -> None:
    """The owner came in person: the reception officer's page revokes it (ADR 0360)."""
    url = reverse("office:mandate_revoke", kwargs={"uuid": world.helper_mandate.uuid})
    response = world.client("reception").post(url)
    assert response.status_code == 302, response.status_code


@pytest.mark.parametrize("revoke", [_revoke_online, _revoke_at_the_counter])
def test_revocation_closes_every_route_the_helper_could_use(revoke):
    world = World()
    client, urls = _helper_with_access(world)
    revoke(world)
    assert _walk(client, urls, world) == []
    owner_view = world.client("owner").get(urls["dossiers:detail"])
    assert owner_view.status_code == 200


def test_the_walk_catches_a_revocation_that_is_not_enforced(monkeypatch):
    """With revoked mandates still counted, the walk reports the dossier routes."""
    from accounts.models import Mandate
    from dossiers.selectors import access

    world = World()
    client, urls = _helper_with_access(world)
    mandate_revoke(mandate=world.helper_mandate, by=world.owner)
    monkeypatch.setattr(
        access,
        "mandate_uuids_in_force",
        lambda *, agent: [str(m.uuid) for m in Mandate.objects.filter(agent=agent)],
    )
    dossier_urls = {n: u for n, u in urls.items() if n.startswith("dossiers:")}
    failures = _walk(client, dossier_urls, world)
    assert any(f.startswith("dossiers:detail:") for f in failures)
    assert any(f.startswith("dossiers:confirmation_pdf:") for f in failures)
