"""The counter's "confirm with the national identity" against the VNeID simulator of `make run`
(ADR 0306): a real OpenID Connect round trip over HTTP, the portal to itself, as on the demo."""

from __future__ import annotations

import re
import uuid

from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

import pytest
import requests

from accounts.tests.factories import login_with_mfa
from accounts.tests.test_identity_simulator import _hidden_fields, simulator  # noqa: F401
from dossiers import services as svc
from dossiers.constants import ComponentSource, DossierStatus
from dossiers.models import IdentityConfirmation
from dossiers.tests.submission_helpers import PHONE, make_citizen, make_world

pytestmark = pytest.mark.django_db(transaction=True)

AN_ID = "080085012345"  # "Nguyễn Văn An", the simulator's first citizen (sub demo-citizen-1)


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_the_demo_simulator_confirms_an_assisted_dossier(simulator, settings):  # noqa: F811
    settings.VIRUS_SCANNER = "none"
    world = make_world()
    world.procedure.online_only = True
    world.procedure.save(update_fields=["online_only"])
    citizen = make_citizen(full_name="Nguyễn Văn An")
    officer = world.reception_officer
    dossier = svc.counter_draft_start(procedure=world.procedure, citizen=citizen, by=officer)
    svc.counter_fields_save(
        dossier=dossier,
        by=officer,
        applicant={
            "full_name": "Nguyễn Văn An",
            "id_number": AN_ID,
            "phone": PHONE,
            "address": "Số 1, phường Tân Ninh",
        },
        fields={
            "full_name": "Nguyễn Văn An",
            "id_number": AN_ID,
            "new_address": "34 Trần Hưng Đạo",
        },
    )
    for component in dossier.components.exclude(source=ComponentSource.STATE_HOLDS):
        component.document_uuid = uuid.uuid4()
        component.source = ComponentSource.SCANNED
        component.save(update_fields=["document_uuid", "source"])

    # The officer's browser: their signed-in session (password and authenticator).
    client = Client()
    login_with_mfa(client, officer)
    browser = requests.Session()
    browser.cookies.set(
        django_settings.SESSION_COOKIE_NAME,
        client.cookies[django_settings.SESSION_COOKIE_NAME].value,
    )
    draft_url = f"{simulator}{reverse('office:counter_draft', kwargs={'uuid': dossier.uuid})}"
    page = browser.get(draft_url)
    assert "Xác nhận bằng định danh điện tử" in page.text
    authorize = browser.post(
        draft_url,
        {"csrfmiddlewaretoken": _csrf(page.text), "step": "identity"},
        headers={"Referer": draft_url},
    )
    assert "GIẢ LẬP VNeID" in authorize.text
    form = {**_hidden_fields(authorize.text), "sub": "demo-citizen-1"}
    back = browser.post(authorize.url, form, headers={"Referer": authorize.url})
    # through the callback and the simulator's end-session, back on the dossier
    assert back.url == draft_url, back.url
    assert "Công dân đã xác nhận bằng định danh điện tử lúc" in back.text
    confirmation = IdentityConfirmation.objects.get(dossier=dossier)
    assert (confirmation.id_number, confirmation.subject) == (AN_ID, "demo-citizen-1")

    svc.counter_submit(dossier=dossier, by=officer, accept_now=True)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.events.get(to_status="submitted").data["assisted"]["confirmed_by"] == (
        "national_identity"
    )
