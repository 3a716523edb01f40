"""Assisted submission confirmed with the national identity (issue #26, ADR 0306): the citizen
signs in with VNeID (npm oidc-provider) on the counter device; the verified ID number must be the
applicant's; the officer stays signed in, nobody else is; the dossier counts as online."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.identity.claims import IdentityClaims
from accounts.identity.presence import SESSION_KEY, PresentIdentity
from accounts.tests.factories import login_with_mfa
from accounts.tests.oidc import (
    CITIZEN_CLAIMS,
    callback_path,
    provider_sign_in,
    start_provider,
    vneid_providers_setting,
)
from common.exceptions import ApplicationError
from common.models import AuditEvent
from dossiers import services as svc
from dossiers.constants import Channel, ComponentSource, DossierStatus
from dossiers.models import Dossier, IdentityConfirmation
from dossiers.tests.submission_helpers import PHONE, make_citizen

S = DossierStatus
pytestmark = pytest.mark.django_db

RETURN_PATH = "/office/tiep-nhan-tai-quay/dinh-danh/"
DONE_PATH = "/office/tiep-nhan-tai-quay/dinh-danh/xong/"
TUYET_ID = CITIZEN_CLAIMS["national_id"]  # the person "tuyet" of the test provider


@pytest.fixture(scope="module")
def counter_provider():
    provider = start_provider(
        [f"http://testserver{RETURN_PATH}"], [f"http://testserver{DONE_PATH}"]
    )
    yield provider
    provider.stop()


@pytest.fixture
def vneid(settings, counter_provider):
    settings.SOCIALACCOUNT_PROVIDERS = vneid_providers_setting(counter_provider.issuer)
    settings.SITE_URL = "http://testserver"
    return counter_provider


@pytest.fixture
def assisted(world):
    """An assisted draft for Trần Thị Ánh Tuyết, complete but for her confirmation."""
    import uuid

    world.procedure.online_only = True
    world.procedure.save(update_fields=["online_only"])
    citizen = make_citizen(full_name=CITIZEN_CLAIMS["name"])
    officer = world.reception_officer
    dossier = svc.counter_draft_start(procedure=world.procedure, citizen=citizen, by=officer)
    svc.counter_fields_save(
        dossier=dossier,
        by=officer,
        applicant={
            "full_name": citizen.full_name,
            "id_number": TUYET_ID,
            "phone": PHONE,
            "address": "Số 12, ấp Long Hòa",
        },
        fields={
            "full_name": citizen.full_name,
            "id_number": TUYET_ID,
            "new_address": "34 Trần Hưng Đạo",
        },
    )
    for component in dossier.components.exclude(source=ComponentSource.STATE_HOLDS):
        component.document_uuid = uuid.uuid4()
        component.source = ComponentSource.SCANNED
        component.save(update_fields=["document_uuid", "source"])
    dossier.refresh_from_db()
    return dossier


def _start(client, dossier: Dossier) -> str:
    url = reverse("office:counter_draft", kwargs={"uuid": dossier.uuid})
    response = client.post(url, {"step": "identity"})
    assert response.status_code == 302
    return response["Location"]


def _sign_in_and_come_back(client, authorize_url: str, login: str):
    path, query = callback_path(provider_sign_in(authorize_url, login, back_to=RETURN_PATH))
    assert path == RETURN_PATH
    return client.get(path, query)


def test_the_citizen_confirms_with_the_national_identity(client, world, vneid, assisted):
    officer = world.reception_officer
    login_with_mfa(client, officer)
    authorize = _start(client, assisted)
    asked = parse_qs(urlparse(authorize).query)
    assert authorize.startswith(vneid.issuer)
    # A fresh sign-in every time: a provider session left on the device never confirms.
    assert (asked["prompt"], asked["max_age"]) == (["login"], ["0"])
    assert asked["code_challenge_method"] == ["S256"]

    response = _sign_in_and_come_back(client, authorize, "tuyet")
    # The citizen's provider session is ended, then the officer is back on the dossier.
    assert response["Location"].startswith(f"{vneid.issuer}/session/end")
    assert parse_qs(urlparse(response["Location"]).query)["post_logout_redirect_uri"] == [
        f"http://testserver{DONE_PATH}"
    ]
    back = client.get(DONE_PATH)
    assert back["Location"] == reverse("office:counter_draft", kwargs={"uuid": assisted.uuid})
    page = client.get(back["Location"]).content.decode()
    assert "Công dân đã xác nhận bằng định danh điện tử lúc" in page

    # The officer is still the one signed in; nobody else was signed in or linked.
    assert int(client.session["_auth_user_id"]) == officer.pk
    from allauth.socialaccount.models import SocialAccount

    assert not SocialAccount.objects.exists()
    confirmation = IdentityConfirmation.objects.get(dossier=assisted)
    assert (confirmation.id_number, confirmation.subject) == (TUYET_ID, "tuyet")
    assert AuditEvent.objects.filter(action="office.assisted_identity_confirmed").exists()

    svc.counter_submit(dossier=assisted, by=officer, accept_now=True)
    assisted.refresh_from_db()
    assert (assisted.status, assisted.channel) == (S.RECEIVED, Channel.ONLINE)
    submitted = assisted.events.get(to_status=S.SUBMITTED)
    assert submitted.data["assisted"]["confirmed_by"] == "national_identity"
    assert "xác nhận bằng định danh điện tử" in submitted.note


def test_someone_else_signing_in_does_not_confirm(client, world, vneid, assisted):
    login_with_mfa(client, world.reception_officer)
    response = _sign_in_and_come_back(client, _start(client, assisted), "clash")
    assert response["Location"] == reverse("office:counter_draft", kwargs={"uuid": assisted.uuid})
    page = client.get(response["Location"]).content.decode()
    assert "không phải người nộp hồ sơ này" in page
    assert not IdentityConfirmation.objects.exists()
    assert svc.counter_confirmation(assisted) is None
    refused = AuditEvent.objects.get(action="office.assisted_identity_refused")
    assert refused.data["subject"] == "clash"
    with pytest.raises(ApplicationError) as not_confirmed:
        svc.counter_submit(dossier=assisted, by=world.reception_officer)
    assert not_confirmed.value.code == "not_confirmed"


def test_the_answer_is_used_once_and_only_with_its_state(client, world, vneid, assisted):
    login_with_mfa(client, world.reception_officer)
    path, query = callback_path(
        provider_sign_in(_start(client, assisted), "tuyet", back_to=RETURN_PATH)
    )
    forged = client.get(path, {**query, "state": "not-the-state"})
    assert forged.status_code == 302
    assert not IdentityConfirmation.objects.exists()
    # the check was consumed by the forged answer: the real one no longer finds it
    assert client.get(path, query).status_code == 404
    assert not IdentityConfirmation.objects.exists()


def test_the_return_address_is_for_reception_officers_only(client, world, vneid, assisted):
    client.force_login(make_citizen())
    session = client.session
    session[SESSION_KEY] = {"purpose": svc.ASSISTED_PURPOSE, "reference": str(assisted.uuid)}
    session.save()
    response = client.get(RETURN_PATH, {"state": "x", "code": "y"})
    assert response.status_code in (302, 403, 404)
    assert not IdentityConfirmation.objects.exists()


def _identity(dossier: Dossier, id_number: str) -> PresentIdentity:
    return PresentIdentity(
        purpose=svc.ASSISTED_PURPOSE,
        reference=str(dossier.uuid),
        issuer="https://vneid.example",
        subject="subject-1",
        claims=IdentityClaims(full_name="Trần Thị Ánh Tuyết", id_number=id_number),
        acr="",
        authenticated_at=timezone.now(),
        id_token="",
    )


def test_a_confirmation_is_for_the_id_number_it_verified(world, assisted):
    officer = world.reception_officer
    svc.counter_identity_confirm(
        dossier=assisted, by=officer, identity=_identity(assisted, TUYET_ID)
    )
    assert svc.counter_confirmation(assisted).method == "national_identity"
    # The officer changes the applicant's ID number afterwards: the confirmation stops counting.
    svc.counter_fields_save(
        dossier=assisted,
        by=officer,
        applicant={**assisted.applicant_data, "id_number": "080185004321"},
        fields={**assisted.form_data, "id_number": "080185004321"},
    )
    assisted.refresh_from_db()
    assert svc.counter_confirmation(assisted) is None


def test_a_confirmation_for_another_dossier_is_refused(world, assisted):
    other = svc.counter_draft_start(
        procedure=world.procedure, citizen=make_citizen(), by=world.reception_officer
    )
    with pytest.raises(ApplicationError) as refused:
        svc.counter_identity_confirm(
            dossier=other, by=world.reception_officer, identity=_identity(assisted, TUYET_ID)
        )
    assert refused.value.code == "reference"


def test_an_old_confirmation_no_longer_counts(world, assisted):
    svc.counter_identity_confirm(
        dossier=assisted, by=world.reception_officer, identity=_identity(assisted, TUYET_ID)
    )
    IdentityConfirmation.objects.update(confirmed_at=timezone.now() - dt.timedelta(minutes=31))
    assert svc.counter_confirmation(assisted) is None


def test_a_provider_that_does_not_answer_is_said_so(client, world, settings, assisted):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    settings.SOCIALACCOUNT_PROVIDERS = vneid_providers_setting(closed)
    login_with_mfa(client, world.reception_officer)
    url = reverse("office:counter_draft", kwargs={"uuid": assisted.uuid})
    response = client.post(url, {"step": "identity"})
    assert response["Location"] == url
    assert "Không kết nối được hệ thống định danh điện tử" in client.get(url).content.decode()
