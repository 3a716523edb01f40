"""Issue #24: the officer the form names signs it as themselves (name and role on the stamp),
with the agency seal as a second signature where the form carries the seal (Mẫu 04, 05)."""

import pytest

from documents.constants import SignerKind
from documents.models import StoredDocument
from documents.signers.base import agency_key_label, officer_key_label
from documents.tests.conftest import dev_signing, key_pool, nss_trust_store, pdfsig  # noqa: F401
from dossiers.constants import Actor, DossierStatus, EventKind, FormCode
from dossiers.models import DossierEvent
from dossiers.services import dossier_submit, dossier_transition
from dossiers.tests.factories import make_cast, make_draft

S, A = DossierStatus, Actor
pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(scanner_off, dev_signing):  # noqa: F811
    cast = make_cast()
    for agency in (cast.receiving, cast.competent):
        dev_signing.issue(
            path=dev_signing.folder / f"{agency_key_label(agency)}.p12",
            common_name=agency.name,
            organisation=agency.name,
        )
    for role in (A.RECEPTION_OFFICER,):
        user = cast.staff[role]
        dev_signing.issue(
            path=dev_signing.folder / f"{officer_key_label(user)}.p12",
            common_name=user.get_full_name(),
            organisation=cast.receiving.name,
            index=1,
        )
    return cast


def _run(django_capture_on_commit_callbacks, fn, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return fn(**kwargs)


def _form(event, code) -> StoredDocument:
    issued = DossierEvent.objects.get(
        kind=EventKind.FORM_ISSUED, data__event_id=event.pk, data__form_code=code
    )
    return StoredDocument.objects.get(uuid=issued.data["document_uuid"])


def test_receipt_signed_by_the_receiving_officer_and_stop_notice_also_sealed(
    cast,
    pdfsig,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    officer = cast.staff[A.RECEPTION_OFFICER]
    dossier = make_draft(cast)
    dossier.applicant_data = {"full_name": "Nguyễn Thị Ánh Tuyết", "id_number": "072190004321"}
    dossier.save(update_fields=["applicant_data"])
    _run(django_capture_on_commit_callbacks, dossier_submit, dossier=dossier, by=cast.citizen)
    received = _run(
        django_capture_on_commit_callbacks,
        dossier_transition,
        dossier=dossier,
        to=S.RECEIVED,
        by=officer,
        role=A.RECEPTION_OFFICER,
    )
    receipt = _form(received, FormCode.RECEIPT)
    assert receipt.signer_kind == SignerKind.OFFICER
    assert receipt.signer_name == officer.get_full_name()
    with receipt.file.open("rb") as fh:
        report = pdfsig(fh.read())
    assert report.count("Signature is Valid") == 1, report
    assert f"Common Name: {officer.get_full_name()}" in report

    _run(
        django_capture_on_commit_callbacks,
        dossier_transition,
        dossier=dossier,
        to=S.WITHDRAWAL_REQUESTED,
        by=cast.citizen,
        role=A.CITIZEN,
    )
    stopped = _run(
        django_capture_on_commit_callbacks,
        dossier_transition,
        dossier=dossier,
        to=S.STOPPED,
        by=officer,
        role=A.RECEPTION_OFFICER,
        note="Công dân rút hồ sơ.",
    )
    notice = _form(stopped, FormCode.STOP_NOTICE)
    with notice.file.open("rb") as fh:
        report = pdfsig(fh.read())
    # The officer, then the agency seal.
    assert report.count("Signature is Valid") == 2, report
    assert f"Common Name: {officer.get_full_name()}" in report
    assert f"Common Name: {cast.receiving.name}" in report
