"""Who may open each `/office/` URL: the access matrix, checked over every URL pattern.

anonymous → sign-in page; citizen → 403 (workspace) or 404 (a dossier); staff of another agency
→ 404 on a dossier; the right role → 200. A new URL without a case here fails the last test.
"""

import uuid

from django.urls import reverse

import pytest

from accounts.tests.factories import CitizenFactory, active_mandate, login_with_mfa
from dossiers.constants import Actor, Channel, DossierStatus
from dossiers.office import urls as office_urls
from dossiers.services import dossier_submit
from dossiers.tests.factories import make_cast, make_draft, place_in

S = DossierStatus
A = Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    cast = make_cast()
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen)
    dossier.refresh_from_db()
    counter = make_draft(cast, channel=Channel.COUNTER)
    component = dossier.components.first()
    return cast, dossier, counter, component


def _mandate_of(citizen):
    """A mandate in force the citizen gave: the counter's revocation page opens it (ADR 0360)."""
    from accounts.models import Mandate

    given = Mandate.objects.filter(principal=citizen).first()
    return given or active_mandate(principal=citizen, agent=CitizenFactory())


def _urls(dossier, counter, component):
    """(name, url, method, allowed role) for every office URL."""
    d = {"uuid": dossier.uuid}
    mandate = _mandate_of(dossier.applicant)
    return [
        ("workspace", reverse("office:workspace"), "get", A.RECEPTION_OFFICER),
        (
            "queue",
            reverse("office:queue", kwargs={"queue": "tiep-nhan"}),
            "get",
            A.RECEPTION_OFFICER,
        ),
        ("detail", reverse("office:detail", kwargs=d), "get", A.RECEPTION_OFFICER),
        ("action", reverse("office:action", kwargs=d), "post", A.RECEPTION_OFFICER),
        ("reception", reverse("office:reception", kwargs=d), "post", A.RECEPTION_OFFICER),
        ("note", reverse("office:note", kwargs=d), "post", A.RECEPTION_OFFICER),
        ("assign", reverse("office:assign", kwargs=d), "post", A.AGENCY_HEAD),
        ("consult", reverse("office:consult", kwargs=d), "post", A.PROCESSING_OFFICER),
        (
            "consult_reply",
            reverse("office:consult_reply", kwargs={**d, "consultation": uuid.uuid4()}),
            "post",
            A.PROCESSING_OFFICER,
        ),
        (
            "task_complete",
            reverse("office:task_complete", kwargs={**d, "task": uuid.uuid4()}),
            "post",
            A.PROCESSING_OFFICER,
        ),
        ("extend", reverse("office:extend", kwargs=d), "post", A.AGENCY_HEAD),
        (
            "extension_proposal",
            reverse("office:extension_proposal", kwargs=d),
            "post",
            A.PROCESSING_OFFICER,
        ),
        (
            "extension_decision",
            reverse("office:extension_decision", kwargs=d),
            "post",
            A.AGENCY_HEAD,
        ),
        (
            "dossier",
            reverse("office:dossier", kwargs={"code": dossier.code}),
            "get",
            A.RECEPTION_OFFICER,
        ),
        ("case_change", reverse("office:case_change", kwargs=d), "post", A.RECEPTION_OFFICER),
        ("interagency", reverse("office:interagency", kwargs=d), "post", A.AGENCY_HEAD),
        ("result", reverse("office:result", kwargs=d), "post", A.PROCESSING_OFFICER),
        ("result_file", reverse("office:result_file", kwargs=d), "get", A.PROCESSING_OFFICER),
        (
            "result_page",
            reverse("office:result_page", kwargs={**d, "page": 1}),
            "get",
            A.PROCESSING_OFFICER,
        ),
        ("result_sign", reverse("office:result_sign", kwargs=d), "post", A.AGENCY_HEAD),
        ("result_register", reverse("office:result_register", kwargs=d), "post", A.RECORDS_CLERK),
        (
            "component_file",
            reverse("office:component_file", kwargs={**d, "component": component.uuid}),
            "get",
            A.RECEPTION_OFFICER,
        ),
        ("counter", reverse("office:counter"), "get", A.RECEPTION_OFFICER),
        (
            "counter_draft",
            reverse("office:counter_draft", kwargs={"uuid": counter.uuid}),
            "get",
            A.RECEPTION_OFFICER,
        ),
        # A mandate is the citizen's, not an agency's: any counter may revoke it (not an
        # OBJECT_URL); the GET is the confirmation step, the POST is tested in test_office_mandates.
        ("mandates", reverse("office:mandates"), "get", A.RECEPTION_OFFICER),
        (
            "mandate_revoke",
            reverse("office:mandate_revoke", kwargs={"uuid": mandate.uuid}),
            "get",
            A.RECEPTION_OFFICER,
        ),
        # The national identity's return addresses: the dossier is in the officer's session.
        (
            "counter_identity_return",
            reverse("office:counter_identity_return"),
            "get",
            A.RECEPTION_OFFICER,
        ),
        (
            "counter_identity_done",
            reverse("office:counter_identity_done"),
            "get",
            A.RECEPTION_OFFICER,
        ),
    ]


OBJECT_URLS = {
    "detail",
    "dossier",
    "task_complete",
    "action",
    "reception",
    "note",
    "assign",
    "consult",
    "consult_reply",
    "extend",
    "interagency",
    "result",
    "result_file",
    "result_page",
    "result_sign",
    "result_register",
    "component_file",
    "counter_draft",
}


def _call(client, method, url):
    return client.get(url) if method == "get" else client.post(url, {})


def test_anonymous_goes_to_sign_in(client, setup):
    for name, url, method, _role in _urls(*setup[1:]):
        response = _call(client, method, url)
        assert response.status_code == 302, name
        assert "/accounts/login/" in response["Location"], name


def test_citizen_gets_403_or_404_even_the_applicant(client, setup):
    cast = setup[0]
    client.force_login(cast.citizen)
    for name, url, method, _role in _urls(*setup[1:]):
        status = _call(client, method, url).status_code
        assert status in (403, 404), (name, status)


def test_staff_of_another_agency_gets_404_on_every_dossier_url(client, setup):
    other = make_cast()
    for name, url, method, role in _urls(*setup[1:]):
        if name not in OBJECT_URLS:
            continue
        client.logout()
        login_with_mfa(client, other.staff[role])
        assert _call(client, method, url).status_code == 404, name


def test_the_right_role_gets_the_page(client, setup, settings, tmp_path):
    cast, dossier, _counter, component = setup
    # Give the component and the result real files so the file views have something to serve.
    from documents.constants import DocumentSource
    from documents.services import document_store
    from dossiers.models import Dossier
    from dossiers.tests.submission_helpers import pdf_bytes

    settings.VIRUS_SCANNER = "none"
    document = document_store(
        data=pdf_bytes("Thu nghiem"),
        title="Tờ khai",
        source=DocumentSource.UPLOADED,
        owner_user=cast.citizen,
    )
    component.document_uuid = document.uuid
    component.save(update_fields=["document_uuid"])
    Dossier.objects.filter(pk=dossier.pk).update(result_document_uuid=document.uuid)
    for name, url, method, role in _urls(*setup[1:]):
        client.logout()
        login_with_mfa(client, cast.staff[role])
        response = _call(client, method, url)
        if name == "dossier":
            assert response.status_code == 302, name
            assert response["Location"] == reverse("office:detail", kwargs={"uuid": dossier.uuid})
        elif name == "counter_identity_return":
            assert response.status_code == 404, name  # no confirmation pending in this session
        elif name == "counter_identity_done":
            assert response.status_code == 302, name
            assert response["Location"] == reverse("office:counter")
        elif method == "get":
            assert response.status_code == 200, name
        else:
            assert response.status_code in (302, 400, 404), (name, response.status_code)
            if name in ("consult_reply", "task_complete"):
                assert response.status_code == 404  # no such consultation or task
            else:
                assert response.status_code != 404, name


def test_post_views_refuse_get(client, setup):
    cast = setup[0]
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    for name, url, method, _role in _urls(*setup[1:]):
        if method == "post":
            assert client.get(url).status_code == 405, name


def test_a_counter_draft_of_another_centre_is_404(client, setup):
    _cast, _dossier, counter, _component = setup
    other = make_cast()
    login_with_mfa(client, other.staff[A.RECEPTION_OFFICER])
    url = reverse("office:counter_draft", kwargs={"uuid": counter.uuid})
    assert client.get(url).status_code == 404


def test_a_processing_officer_cannot_use_counter_intake(client, setup):
    cast = setup[0]
    login_with_mfa(client, cast.staff[A.PROCESSING_OFFICER])
    assert client.get(reverse("office:counter")).status_code == 403


def test_drafts_are_not_office_pages(client, setup):
    cast = setup[0]
    draft = make_draft(cast)
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    assert client.get(reverse("office:detail", kwargs={"uuid": draft.uuid})).status_code == 404


def test_staff_without_mfa_cannot_open_the_workspace(client, setup):
    cast = setup[0]
    client.force_login(cast.staff[A.RECEPTION_OFFICER])
    response = client.get(reverse("office:workspace"))
    assert response.status_code == 302
    assert "/office/" not in response["Location"].split("?")[0]


def test_every_office_url_pattern_has_a_case(setup):
    """Every URL of `dossiers.office.views` (others mounted under /office/, such as the forms
    work's register, are tested with that work)."""
    covered = {name for name, *_rest in _urls(*setup[1:])}
    ours = {
        p.name
        for p in office_urls.urlpatterns
        if p.callback.__module__.startswith("dossiers.office.views")
    }
    assert ours == covered


def test_returned_dossier_is_still_visible_to_its_agency(client, setup):
    cast = setup[0]
    returned = place_in(make_draft(cast), S.RETURNED)
    login_with_mfa(client, cast.staff[A.PROCESSING_OFFICER])
    assert client.get(reverse("office:detail", kwargs={"uuid": returned.uuid})).status_code == 200
