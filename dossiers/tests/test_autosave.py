"""Autosave (issue #25, ADR 0310): a step saves as the person types, as typed, without the
step's validation; "Lưu và tiếp tục" validates; nothing typed is lost, with or without
JavaScript; the draft shows the same on another device (another client of the same citizen)."""

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.tests.factories import CitizenFactory
from dossiers.constants import DossierStatus, DraftStep
from dossiers.models import Dossier
from dossiers.tests.submission_helpers import ID_NUMBER, PHONE, PROCEDURE_CODE

pytestmark = pytest.mark.django_db


def step_url(dossier, step):
    return reverse("dossiers:step", kwargs={"uuid": dossier.uuid, "step": step})


def autosave_url(dossier, step):
    return reverse("dossiers:step_autosave", kwargs={"uuid": dossier.uuid, "step": step})


@pytest.fixture
def signed_in(client, world):
    client.force_login(world.citizen)
    return client


def start(client):
    client.post(reverse("dossiers:start", kwargs={"code": PROCEDURE_CODE}))
    return Dossier.objects.get(status=DossierStatus.DRAFT)


# Half typed: an ID number three digits short, a date still being typed.
PARTIAL = {
    "full_name": "Nguyễn Văn Bình",
    "id_number": "079090",
    "date_of_birth": "31/02/19",
    "phone": PHONE,
    "email": "",
    "address": "12 Cách Mạng Tháng",
}


def test_partial_autosave_keeps_what_was_typed_and_answers_the_status(signed_in, world):
    dossier = start(signed_in)
    saved_before = dict(Dossier.objects.get(pk=dossier.pk).applicant_data)
    response = signed_in.post(
        autosave_url(dossier, DraftStep.APPLICANT), PARTIAL, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    status = response.content.decode().strip()
    now = timezone.localtime()
    minutes = {now.strftime("%H:%M"), (now - dt.timedelta(minutes=1)).strftime("%H:%M")}
    assert status in {f"Đã lưu lúc {m}" for m in minutes}, status  # local time, not UTC
    assert "<form" not in status  # the status partial, not the page
    dossier.refresh_from_db()
    assert dossier.draft_typed[DraftStep.APPLICANT]["id_number"] == "079090"
    assert dossier.draft_typed[DraftStep.APPLICANT]["date_of_birth"] == "31/02/19"
    assert dossier.applicant_data == saved_before  # unvalidated: not the step's answers yet
    assert dossier.draft_step in ("", DraftStep.APPLICANT)  # the draft did not move on


def test_autosave_keeps_only_the_step_forms_fields(signed_in, world):
    dossier = start(signed_in)
    signed_in.post(
        autosave_url(dossier, DraftStep.APPLICANT), {**PARTIAL, "status": "submitted", "x": "y"}
    )
    dossier.refresh_from_db()
    typed = dossier.draft_typed[DraftStep.APPLICANT]
    assert set(typed) <= set(PARTIAL) | {"filing_commune", "applicant_type_code", "save_to_profile"}
    assert dossier.status == DossierStatus.DRAFT


def test_another_device_sees_what_was_typed_without_errors(signed_in, world):
    dossier = start(signed_in)
    signed_in.post(autosave_url(dossier, DraftStep.APPLICANT), PARTIAL)
    other_device = Client()
    other_device.force_login(world.citizen)
    mine = other_device.get(reverse("dossiers:mine")).content.decode()
    assert reverse("dossiers:resume", kwargs={"uuid": dossier.uuid}) in mine
    assert "Tiếp tục khai" in mine
    response = other_device.get(reverse("dossiers:resume", kwargs={"uuid": dossier.uuid}))
    page = other_device.get(response["Location"]).content.decode()
    assert 'value="079090"' in page
    assert 'value="12 Cách Mạng Tháng"' in page
    assert 'aria-invalid="true"' not in page  # validation waits for "Lưu và tiếp tục"
    assert 'role="status" aria-live="polite"' in page
    assert "js/autosave.js" in page
    assert 'hx-trigger="input delay:1s"' in page


def test_next_validates_what_was_autosaved_then_forgets_it(signed_in, world):
    dossier = start(signed_in)
    signed_in.post(autosave_url(dossier, DraftStep.APPLICANT), PARTIAL)
    response = signed_in.post(step_url(dossier, DraftStep.APPLICANT), {**PARTIAL, "action": "next"})
    assert response.status_code == 400
    assert "id_date_of_birth_error" in response.content.decode()
    typed = {**PARTIAL, "id_number": ID_NUMBER, "date_of_birth": "1990-05-09", "action": "next"}
    response = signed_in.post(step_url(dossier, DraftStep.APPLICANT), typed)
    assert response["Location"] == step_url(dossier, DraftStep.FIELDS)
    dossier.refresh_from_db()
    assert dossier.applicant_data["id_number"] == ID_NUMBER
    assert DraftStep.APPLICANT not in dossier.draft_typed


def test_save_draft_without_javascript_keeps_invalid_input_without_errors(signed_in, world):
    """ "Lưu nháp" (the form's normal submit) keeps a half-typed step and says it was saved."""
    dossier = start(signed_in)
    response = signed_in.post(step_url(dossier, DraftStep.APPLICANT), {**PARTIAL, "action": "save"})
    assert response["Location"] == step_url(dossier, DraftStep.APPLICANT)
    page = signed_in.get(response["Location"]).content.decode()
    assert "Đã lưu bản nháp." in page
    assert 'value="079090"' in page
    assert 'aria-invalid="true"' not in page


def test_fields_and_delivery_steps_autosave_too(signed_in, world):
    dossier = start(signed_in)
    signed_in.post(autosave_url(dossier, DraftStep.FIELDS), {"new_address": "34 Trần Hư"})
    signed_in.post(
        autosave_url(dossier, DraftStep.DELIVERY),
        {"result_delivery": "post", "delivery_address": "5 Lê"},
    )
    dossier.refresh_from_db()
    assert dossier.draft_typed[DraftStep.FIELDS]["new_address"] == "34 Trần Hư"
    assert dossier.draft_typed[DraftStep.DELIVERY]["delivery_address"] == "5 Lê"
    page = signed_in.get(step_url(dossier, DraftStep.DELIVERY)).content.decode()
    assert 'value="5 Lê"' in page


def test_autosave_refuses_other_steps_and_submitted_dossiers(signed_in, world):
    dossier = start(signed_in)
    assert signed_in.post(autosave_url(dossier, DraftStep.REVIEW), {}).status_code == 404
    assert signed_in.get(autosave_url(dossier, DraftStep.APPLICANT)).status_code == 405
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.SUBMITTED, code="TEST-1")
    response = signed_in.post(autosave_url(dossier, DraftStep.APPLICANT), PARTIAL)
    assert "Hồ sơ đã được nộp" in response.content.decode()
    assert "Đã lưu lúc" not in response.content.decode()


def test_another_citizen_cannot_autosave_a_draft(signed_in, world):
    dossier = start(signed_in)
    stranger = Client()
    stranger.force_login(CitizenFactory())
    response = stranger.post(autosave_url(dossier, DraftStep.APPLICANT), PARTIAL)
    assert response.status_code == 404
    dossier.refresh_from_db()
    assert dossier.draft_typed == {}
