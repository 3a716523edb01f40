"""The access matrix: another citizen, another organisation's representative and anonymous
callers get 404 on every dossier, component and document URL and API route."""

import datetime as dt

from django.test import Client
from django.urls import reverse

import pytest

from accounts.models import OrganisationRepresentative
from accounts.tests.factories import OrganisationFactory
from dossiers import services as svc
from dossiers.constants import DraftStep
from dossiers.tests.submission_helpers import fill_draft, make_citizen

pytestmark = pytest.mark.django_db


def represent(user, organisation):
    OrganisationRepresentative.objects.create(
        organisation=organisation, user=user, valid_from=dt.date(2025, 1, 1)
    )


@pytest.fixture
def cast(world):
    """A personal dossier (submitted) and draft, and an organisation's dossier (submitted)."""
    own_org, other_org = OrganisationFactory(), OrganisationFactory()
    representative, stranger_rep = make_citizen(), make_citizen()
    represent(representative, own_org)
    represent(stranger_rep, other_org)
    personal = fill_draft(
        svc.dossier_start(procedure=world.procedure, user=world.citizen), world.citizen
    )
    svc.dossier_submit_online(dossier=personal, by=world.citizen, declaration=True)
    personal.refresh_from_db()
    draft = svc.dossier_start(procedure=world.procedure, user=world.citizen)
    company = fill_draft(
        svc.dossier_start(procedure=world.procedure, user=representative, organisation=own_org),
        representative,
    )
    svc.dossier_submit_online(dossier=company, by=representative, declaration=True)
    company.refresh_from_db()
    return {
        "personal": personal,
        "draft": draft,
        "company": company,
        "owner": world.citizen,
        "representative": representative,
        "other_citizen": make_citizen(),
        "other_org_rep": stranger_rep,
    }


def web_urls(dossier):
    kw = {"uuid": dossier.uuid}
    component = dossier.components.exclude(document_uuid=None).first()
    gets = [
        reverse("dossiers:detail", kwargs=kw),
        reverse("dossiers:resume", kwargs=kw),
        reverse("dossiers:confirmation", kwargs=kw),
        reverse("dossiers:confirmation_pdf", kwargs=kw),
        *(reverse("dossiers:step", kwargs={**kw, "step": s}) for s in DraftStep),
    ]
    if component is not None:
        gets.append(
            reverse("dossiers:component_download", kwargs={**kw, "component": component.uuid})
        )
    posts = [
        reverse("dossiers:draft_delete", kwargs=kw),
        reverse("dossiers:withdraw", kwargs=kw),
        reverse("dossiers:withdraw_cancel", kwargs=kw),
        reverse("dossiers:supplement", kwargs=kw),
        reverse("dossiers:step", kwargs={**kw, "step": DraftStep.APPLICANT}),
    ]
    return gets, posts


def api_calls(dossier):
    refs = [str(dossier.uuid), *([dossier.code] if dossier.code else [])]
    calls = []
    for ref in refs:
        base = f"/api/v1/dossiers/{ref}"
        calls += [
            ("get", base, None),
            ("patch", base, {"result_delivery": "electronic"}),
            ("post", f"{base}/submit", {"declaration": True}),
            ("post_form", f"{base}/documents", {"requirement_code": "R1", "document_uuid": "x"}),
        ]
    return calls


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("outsider", ["other_citizen", "other_org_rep", None])
@pytest.mark.parametrize("target", ["personal", "draft", "company"])
def test_outsiders_get_404_everywhere(cast, outsider, target):
    dossier = cast[target]
    client = client_for(cast[outsider] if outsider else None)
    gets, posts = web_urls(dossier)
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"reason": "x", "action": "next"}).status_code == 404, url
    for method, url, payload in api_calls(dossier):
        if method == "get":
            response = client.get(url)
        elif method == "post_form":
            response = client.post(url, payload)
        else:
            response = getattr(client, method)(url, payload, content_type="application/json")
        assert response.status_code == 404, (method, url, response.content)
    dossier.refresh_from_db()  # and nothing changed
    assert dossier.status in ("draft", "submitted")


def test_outsiders_cannot_open_the_stored_files(cast):
    """The component's stored document through the documents app's own URL as well."""
    component = cast["personal"].components.exclude(document_uuid=None).first()
    url = reverse("documents:download", kwargs={"uuid": component.document_uuid})
    for outsider in (cast["other_citizen"], cast["other_org_rep"], None):
        assert client_for(outsider).get(url).status_code == 404
    assert client_for(cast["owner"]).get(url).status_code == 200


def test_insiders_see_their_dossiers(cast):
    owner = client_for(cast["owner"])
    assert (
        owner.get(reverse("dossiers:detail", kwargs={"uuid": cast["personal"].uuid})).status_code
        == 200
    )
    assert owner.get(f"/api/v1/dossiers/{cast['personal'].code}").status_code == 200
    assert (
        owner.get(reverse("dossiers:detail", kwargs={"uuid": cast["company"].uuid})).status_code
        == 404
    )
    # any current representative of the organisation sees its dossier
    colleague = make_citizen()
    represent(colleague, cast["company"].organisation)
    assert (
        client_for(colleague)
        .get(reverse("dossiers:detail", kwargs={"uuid": cast["company"].uuid}))
        .status_code
        == 200
    )
    listed = client_for(cast["other_citizen"]).get("/api/v1/dossiers").json()
    assert listed == []
    assert Client().get("/api/v1/dossiers").status_code == 401
