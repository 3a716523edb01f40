"""No officer waits on a PDF (issue 20): the action returns with the form "đang phát hành", the
worker issues it, and the officer's page asks again (htmx) until it is there, then stops.

The listener's task is held back here (a worker that has not picked it up yet), then run
explicitly as the worker runs it. Real PostgreSQL, WeasyPrint and pyHanko."""

# ruff: noqa: F811  (the documents app's fixtures are imported, then requested by name)

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from accounts.constants import Role
from accounts.tests.factories import UserFactory, login_with_mfa
from agencies.tests.factories import AgencyFactory
from documents.signers.base import agency_key_label

# The documents app's signing fixtures (a dev CA made once per session).
from documents.tests.conftest import dev_signing, key_pool  # noqa: F401
from dossiers import official_forms
from dossiers.constants import Actor, DossierStatus, EventKind, FormCode
from dossiers.models import DossierEvent
from dossiers.official_forms import tasks
from dossiers.services import dossier_submit, dossier_transition
from dossiers.tests.factories import add_membership, make_cast, make_draft

S = DossierStatus
A = Actor
pytestmark = pytest.mark.django_db

POLLING = 'hx-trigger="every 3s"'


@pytest.fixture
def cast(scanner_off, dev_signing):
    cast = make_cast()
    for agency in (cast.receiving, cast.competent):
        dev_signing.issue(
            path=dev_signing.folder / f"{agency_key_label(agency)}.p12",
            common_name=agency.name,
            organisation=agency.name,
        )
    return cast


@pytest.fixture
def queued(monkeypatch):
    """The form tasks the listener queued, not yet run (the worker has not picked them up)."""
    event_ids: list[int] = []
    monkeypatch.setattr(tasks, "_queue", event_ids.append)
    return event_ids


def _submitted(cast):
    dossier = make_draft(cast)
    dossier.applicant_data = {"full_name": "Nguyễn Thị Ánh Tuyết", "id_number": "072190004321"}
    dossier.save(update_fields=["applicant_data"])
    dossier_submit(dossier=dossier, by=cast.citizen)
    return dossier


def _worker_runs(event_ids: list[int]) -> None:
    for event_id in event_ids:
        tasks.official_form_issue_task(event_id)
    event_ids.clear()


def test_pending_forms_follow_the_rule_of_required_forms(cast):
    dossier = _submitted(cast)
    officer = cast.staff[A.RECEPTION_OFFICER]
    received = dossier_transition(
        dossier=dossier, to=S.RECEIVED, by=officer, role=A.RECEPTION_OFFICER
    )
    transfer = dossier_transition(
        dossier=dossier, to=S.IN_PROCESS, by=officer, role=A.RECEPTION_OFFICER
    )
    dossier_transition(
        dossier=dossier, to=S.APPRAISING, by=cast.staff[A.AGENCY_HEAD], role=A.AGENCY_HEAD
    )
    supplement = dossier_transition(
        dossier=dossier,
        to=S.SUPPLEMENT_REQUESTED,
        by=cast.staff[A.PROCESSING_OFFICER],
        role=A.PROCESSING_OFFICER,
        note="- Bản sao hợp đồng thuê nhà",
    )
    expected = [
        (event.pk, code)
        for event in DossierEvent.objects.filter(dossier=dossier).order_by("pk")
        for code in official_forms.required_forms(event)
    ]
    assert {pk for pk, _code in expected} == {received.pk, transfer.pk, supplement.pk}
    assert (supplement.pk, FormCode.CONTROL_SHEET) in expected  # a handover after the transfer

    pending = official_forms.dossier_pending_forms(dossier=dossier)
    assert [(p.event_id, p.form_code) for p in pending] == expected
    assert not any(p.late for p in pending)
    assert pending[0].title == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"

    official_forms.official_form_issue(event_id=received.pk, form_code=FormCode.RECEIPT)
    pending = official_forms.dossier_pending_forms(dossier=dossier)
    assert [(p.event_id, p.form_code) for p in pending] == expected[1:]
    # Past the sweep's grace period a form still missing is late (the sweep will retry it) ...
    later = timezone.now() + official_forms.SWEEP_GRACE + dt.timedelta(minutes=1)
    assert all(p.late for p in official_forms.dossier_pending_forms(dossier=dossier, now=later))
    # ... and past its look-back nothing will issue it any more: not shown as pending.
    much_later = timezone.now() + official_forms.SWEEP_LOOKBACK + dt.timedelta(days=1)
    assert official_forms.dossier_pending_forms(dossier=dossier, now=much_later) == []


def test_acceptance_returns_before_the_receipt_and_the_page_polls_until_it_is_issued(
    cast, client, queued, django_capture_on_commit_callbacks
):
    dossier = _submitted(cast)
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("office:reception", kwargs={"uuid": dossier.uuid}),
            {
                "decision": "accept",
                "complete": [str(c.uuid) for c in dossier.components.all()],
                "expected_status": "submitted",
            },
        )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == S.RECEIVED
    # The request queued the receipt and issued nothing itself.
    [received_id] = queued
    assert official_forms.dossier_issued_forms(dossier=dossier) == []

    page = client.get(response["Location"]).content.decode()
    assert "Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in page
    assert "đang phát hành" in page
    panel_url = reverse("official_forms:panel", kwargs={"uuid": dossier.uuid})
    assert f'hx-get="{panel_url}"' in page
    assert POLLING in page
    # Without JavaScript: a plain link that reloads the page.
    assert (
        f'href="{reverse("office:detail", kwargs={"uuid": dossier.uuid})}#official-forms-panel"'
        in page
    )

    body = client.get(panel_url).content.decode()
    assert "đang phát hành" in body
    assert POLLING in body

    _worker_runs(queued)
    [receipt] = official_forms.dossier_issued_forms(dossier=dossier)
    assert receipt.event_id == received_id
    body = client.get(panel_url).content.decode()
    assert f"/office/bieu-mau/{dossier.uuid}/{receipt.document_uuid}/" in body
    assert "đang phát hành" not in body
    assert POLLING not in body  # the answer without the trigger stops the polling


def test_a_form_the_worker_never_issued_is_shown_late_and_not_polled(cast, client, queued):
    dossier = _submitted(cast)
    dossier_transition(
        dossier=dossier,
        to=S.RECEIVED,
        by=cast.staff[A.RECEPTION_OFFICER],
        role=A.RECEPTION_OFFICER,
    )
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10), tick=False):
        page = client.get(reverse("office:detail", kwargs={"uuid": dossier.uuid})).content.decode()
    assert "chưa phát hành được, hệ thống sẽ tự thử lại" in page
    assert POLLING not in page


def test_the_panel_answers_404_to_outsiders_and_403_to_citizens(cast, client):
    dossier = _submitted(cast)
    url = reverse("official_forms:panel", kwargs={"uuid": dossier.uuid})
    outsider = UserFactory(roles=[Role.RECEPTION_OFFICER])
    add_membership(outsider, AgencyFactory(name="UBND xã Khác"), Role.RECEPTION_OFFICER)
    login_with_mfa(client, outsider)
    assert client.get(url).status_code == 404
    client.force_login(cast.citizen)
    assert client.get(url).status_code == 403
    assert EventKind.FORM_ISSUED not in DossierEvent.objects.filter(dossier=dossier).values_list(
        "kind", flat=True
    )
