"""Sessions (note A2): a new key at sign-in, a dead key after sign-out, no session for a disabled
account, and authorisation that fails closed when the check itself breaks (A3.22)."""

from __future__ import annotations

from django.test import Client

import pytest
from allauth.account.models import EmailAddress

from accounts.tests.factories import DEFAULT_PASSWORD, CitizenFactory
from tests.security.world import World

pytestmark = pytest.mark.django_db


def _citizen():
    user = CitizenFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_sign_in_issues_a_new_session_key(client):
    user = _citizen()
    client.get("/accounts/login/")
    session = client.session
    session["touched"] = True  # make sure an anonymous session exists
    session.save()
    before = client.cookies["sessionid"].value
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    after = client.cookies["sessionid"].value
    assert after != before
    replay = Client()
    replay.cookies["sessionid"] = before
    assert replay.get("/ho-so/").status_code == 302  # the old key is anonymous


def test_a_copied_cookie_is_dead_after_sign_out(client):
    user = _citizen()
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    stolen = client.cookies["sessionid"].value
    assert client.get("/ho-so/").status_code == 200
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = stolen
    response = replay.get("/ho-so/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_disabled_account_loses_its_session(client):
    user = _citizen()
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert client.get("/ho-so/").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/ho-so/").status_code == 302


def test_authorisation_fails_closed_when_the_scoped_lookup_breaks(monkeypatch):
    """If the ownership check raises, the answer is an error page, never the dossier."""
    from dossiers import selectors

    world = World()
    url = f"/ho-so/{world.dossier.uuid}/"
    client = Client(raise_request_exception=False)
    client.force_login(world.owner)
    assert client.get(url).status_code == 200

    def broken(**kwargs):
        raise RuntimeError("the permission check itself failed")

    monkeypatch.setattr(selectors, "dossier_get_for_citizen", broken)
    response = client.get(url)
    assert response.status_code == 500
    assert world.dossier.code not in response.content.decode()
