"""The real signing step of a result (issue #24): the head signs the draft in the portal with
their own remote credential (CSC simulator over HTTP, certificate from the test PKI), the
portal validates that signature over the exact file, an unsigned or foreign-signed upload is
refused, the signed file is frozen and the clerk's registration number is an incremental
update signed with the clerk's own key. The delivered file is PAdES B-LTA by the head for
pyHanko's LTA validation and valid for pdfsig."""

import re

from django.urls import reverse

import pytest

from documents.constants import PadesLevel
from documents.models import StoredDocument
from documents.tests.conftest import key_pool, nss_trust_store, pdfsig  # noqa: F401
from documents.tests.lta_validation import validate_lta
from dossiers import services as svc
from dossiers.constants import Actor, DossierStatus
from dossiers.tests.factories import make_cast, make_draft, place_in
from dossiers.tests.signing_helpers import configure_signing, enrol_signers
from dossiers.tests.submission_helpers import pdf_bytes
from dossiers.workflow import TransitionNotAllowed

S, A = DossierStatus, Actor


@pytest.fixture
def signing_world(settings, live_server, transactional_db, test_pki, tmp_path):
    configure_signing(settings, live_server, test_pki, tmp_path)
    cast = make_cast()
    enrol_signers(cast, test_pki, settings)
    return cast


def _otp_for(credential_id: str) -> str:
    from documents.csc_simulator import latest_otp_for_demo

    return latest_otp_for_demo(credential_id=credential_id)


def _read(uuid) -> bytes:
    document = StoredDocument.objects.get(uuid=uuid)
    with document.file.open("rb") as fh:
        return fh.read()


def _signed_elsewhere(test_pki, label: str, tmp_path) -> bytes:
    """A PDF signed with `label`'s key outside the portal (at B-B)."""
    from documents.constants import SignerKind
    from documents.signers.base import SigningIdentity
    from documents.signers.pkcs12 import _load_pkcs12
    from documents.signing import sign_pdf

    path = test_pki.write_pkcs12(label, tmp_path / f"{label}-elsewhere.p12")
    signer, chain = _load_pkcs12(path, path.stat().st_mtime_ns, "")
    identity = SigningIdentity(
        signer=signer, kind=SignerKind.OFFICER, display_name=label, chain=chain
    )
    return sign_pdf(pdf=pdf_bytes("Ket qua ky ngoai"), identity=identity, level=PadesLevel.B_B)


def test_head_signs_remotely_then_clerk_registers_and_the_result_is_b_lta_by_the_head(
    signing_world,
    test_pki,
    pdfsig,  # noqa: F811
    tmp_path,
):
    cast = signing_world
    head, clerk = cast.staff[A.AGENCY_HEAD], cast.staff[A.RECORDS_CLERK]
    officer = cast.staff[A.PROCESSING_OFFICER]
    dossier = place_in(make_draft(cast), S.AWAITING_APPROVAL, result_kind="positive")
    svc.office_result_upload(
        dossier=dossier, by=officer, data=pdf_bytes("Quyet dinh cap phep"), name="du-thao.pdf"
    )
    assert svc.result_signature_record(dossier)["draft"] is True
    svc.office_transition(dossier=dossier, to=S.SIGNING, by=head, role=A.AGENCY_HEAD)
    dossier.refresh_from_db()

    # A draft is not a signed result: the head cannot send it on.
    with pytest.raises(TransitionNotAllowed, match="chưa được ký số"):
        svc.office_transition(dossier=dossier, to=S.ISSUING, by=head, role=A.AGENCY_HEAD)
    # At the signing step an unsigned upload, or one signed by someone else, is refused.
    with pytest.raises(Exception, match="chưa được ký số"):
        svc.office_result_upload(dossier=dossier, by=head, data=pdf_bytes("x"), name="x.pdf")
    foreign = _signed_elsewhere(test_pki, "officer", tmp_path)
    with pytest.raises(Exception, match="không phải bằng chứng thư của"):
        svc.office_result_upload(dossier=dossier, by=head, data=foreign, name="x.pdf")

    credential_id = svc.office_result_sign_start(dossier=dossier, by=head)
    with pytest.raises(Exception, match="OTP"):
        svc.office_result_sign_remote(
            dossier=dossier, by=head, credential_id=credential_id, otp="000000"
        )
    credential_id = svc.office_result_sign_start(dossier=dossier, by=head)
    svc.office_result_sign_remote(
        dossier=dossier, by=head, credential_id=credential_id, otp=_otp_for(credential_id)
    )
    dossier.refresh_from_db()
    record = svc.result_signature_record(dossier)
    assert record["signed_by"] == head.pk
    assert record["signer"] == "Nguyễn Văn Hùng"
    assert record["level"] == PadesLevel.B_LTA
    svc.office_transition(dossier=dossier, to=S.ISSUING, by=head, role=A.AGENCY_HEAD)
    dossier.refresh_from_db()

    # Frozen: nobody replaces the signed file; the clerk adds the number, signed.
    with pytest.raises(TransitionNotAllowed, match="không thể thay thế"):
        svc.office_result_upload(dossier=dossier, by=clerk, data=foreign, name="x.pdf")
    svc.office_result_register(dossier=dossier, by=clerk, number="123/QĐ-STP")
    dossier.refresh_from_db()
    assert dossier.result_code == "123/QĐ-STP"
    svc.office_transition(dossier=dossier, to=S.DONE, by=clerk, role=A.RECORDS_CLERK)

    delivered = _read(dossier.result_document_uuid)
    results = validate_lta(delivered, test_pki.root_pem)
    assert [(r.signer, r.indication) for r in results] == [
        ("Nguyễn Văn Hùng", "PASSED"),
        ("Trần Thị Bích Ngọc", "PASSED"),
    ], results
    output = pdfsig(delivered, online_ocsp=False)
    assert output.count("Signature is Valid") == 2, output
    assert output.count("Certificate is Trusted") == 2, output
    assert "Nguyễn Văn Hùng" in output


def test_head_uploading_a_file_they_signed_elsewhere_is_accepted(
    signing_world,
    test_pki,
    tmp_path,
):
    cast = signing_world
    head = cast.staff[A.AGENCY_HEAD]
    dossier = place_in(make_draft(cast), S.SIGNING, result_kind="positive")
    own = _signed_elsewhere(test_pki, "head", tmp_path)
    svc.office_result_upload(dossier=dossier, by=head, data=own, name="ket-qua.pdf")
    dossier.refresh_from_db()
    assert svc.result_signature_record(dossier)["signed_by"] == head.pk
    svc.office_transition(dossier=dossier, to=S.ISSUING, by=head, role=A.AGENCY_HEAD)


def test_unsigned_upload_at_the_signing_step_shows_the_reason(signing_world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.tests.factories import login_with_mfa

    cast = signing_world
    head = cast.staff[A.AGENCY_HEAD]
    dossier = place_in(make_draft(cast), S.SIGNING, result_kind="positive")
    login_with_mfa(client, head)
    response = client.post(
        reverse("office:result", kwargs={"uuid": dossier.uuid}),
        {"file": SimpleUploadedFile("ket-qua.pdf", pdf_bytes("Ket qua"), "application/pdf")},
    )
    assert response.status_code == 400
    assert "Văn bản chưa được ký số" in re.sub(r"\s+", " ", response.content.decode())
    dossier.refresh_from_db()
    assert dossier.result_document_uuid is None
