"""Every kind of signed document passes pdfsig (NSS trust store with the dev CA) and
`pyhanko sign validate`; one changed byte makes both, and /verify/, say it is invalid."""

import shutil
import subprocess

import pytest

from documents import devca, services
from documents.constants import DocumentSource, SignerKind
from documents.tests.helpers import flip_one_byte, issue_receipt, make_pdf, read
from documents.verification import Verdict, verify_pdf

pytestmark = pytest.mark.django_db


def assert_valid_everywhere(pdf: bytes, pdfsig, pyhanko_validate, signatures: int = 1):
    report = pdfsig(pdf)
    assert report.count("Signature is Valid") == signatures, report
    assert report.count("Certificate is Trusted") == signatures, report
    code, summary = pyhanko_validate(pdf)
    assert code == 0, summary
    assert summary.count(":VALID") == signatures, summary


def assert_invalid_everywhere(pdf: bytes, pdfsig, pyhanko_validate, client):
    report = pdfsig(pdf)
    assert "Signature is Valid" not in report, report
    code, summary = pyhanko_validate(pdf)
    assert code != 0
    assert ":VALID" not in summary, summary
    response = client.post("/verify/", {"file": _upload(pdf)})
    assert response.status_code == 200
    assert f'data-verdict="{Verdict.TAMPERED}"' in response.content.decode() or (
        f'data-verdict="{Verdict.UNREADABLE}"' in response.content.decode()
    )


def _upload(pdf: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("van-ban.pdf", pdf, content_type="application/pdf")


def test_agency_signed_form_is_valid_then_tampering_is_detected(
    citizen, agency, pdfsig, pyhanko_validate, client
):
    document = issue_receipt(citizen, agency)
    assert document.signer_kind == SignerKind.AGENCY
    assert document.issued_by_system
    assert document.template_version == 1
    pdf = read(document)
    assert_valid_everywhere(pdf, pdfsig, pyhanko_validate)

    report = verify_pdf(pdf)
    assert report.verdict == Verdict.AUTHENTIC, report
    assert report.issued == document
    page = client.post("/verify/", {"file": _upload(pdf)}).content.decode()
    assert f'data-verdict="{Verdict.AUTHENTIC}"' in page
    assert "H56.10.01-251128-0001" in page

    assert_invalid_everywhere(flip_one_byte(pdf), pdfsig, pyhanko_validate, client)


def test_officer_signed_counter_scan_is_valid(
    citizen, agency, officer, pdfsig, pyhanko_validate, client
):
    scan = services.document_store(
        data=make_pdf("Bản scan giấy khai sinh"),
        title="Giấy khai sinh (bản scan)",
        source=DocumentSource.SCANNED,
        owner_user=citizen,
        created_by=officer,
    )
    signed = services.document_sign_scan(document=scan, officer=officer, agency=agency)
    assert signed.signer_kind == SignerKind.OFFICER
    assert signed.signer_name == "Trần Thị Bích Ngọc"
    assert signed.derived_from == scan
    assert signed.owner_user == citizen
    pdf = read(signed)
    assert_valid_everywhere(pdf, pdfsig, pyhanko_validate)
    assert_invalid_everywhere(flip_one_byte(pdf), pdfsig, pyhanko_validate, client)


def test_officer_signed_form_then_agency_countersigned(
    citizen, agency, officer, pdfsig, pyhanko_validate
):
    document = issue_receipt(citizen, agency, signed_by_officer=officer)
    assert document.signer_kind == SignerKind.OFFICER
    countersigned = services.document_sign_scan(document=document, officer=officer, agency=agency)
    assert_valid_everywhere(read(countersigned), pdfsig, pyhanko_validate, signatures=2)


def test_unknown_but_validly_signed_pdf_is_reported_unknown(citizen, agency):
    document = issue_receipt(citizen, agency)
    pdf = read(document)
    # Same signature, different bytes appended after the signed revision: not what we issued.
    report = verify_pdf(pdf + b"\n% appended\n")
    assert report.verdict in (Verdict.TAMPERED, Verdict.SIGNATURE_VALID_UNKNOWN)
    assert report.issued is None


def test_unsigned_pdf_is_reported_unsigned(db, dev_signing):
    assert verify_pdf(make_pdf()).verdict == Verdict.UNSIGNED
    assert verify_pdf(b"not a pdf at all").verdict == Verdict.UNREADABLE


def test_signing_with_dev_ca_is_refused_when_debug_is_off(citizen, agency, settings):
    from documents.signing import DevCertificateRefused

    settings.DEBUG = False
    with pytest.raises(DevCertificateRefused):
        issue_receipt(citizen, agency)


def test_missing_key_is_a_clear_error(citizen, agency, settings, tmp_path):
    from documents.signers import SigningKeyMissing

    settings.SIGNING_KEYS_DIR = tmp_path
    with pytest.raises(SigningKeyMissing):
        issue_receipt(citizen, agency)


def test_vietnamese_text_round_trips_through_pdftotext(citizen, agency, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: apt-get install poppler-utils")
    document = issue_receipt(citizen, agency)
    path = tmp_path / "form.pdf"
    path.write_bytes(read(document))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Nguyễn Thị Ánh Tuyết",
        "Ấp Trường Ân, xã Tân Biên, tỉnh Tây Ninh",
        "Giấy chứng sinh",
        "Ký bởi: UBND xã Tân Biên",
    ):
        assert expected in text, expected
    # The verification link may wrap across lines in the layout.
    assert f"/verify/{document.uuid}/" in "".join(text.split())


def test_rendered_form_is_pdf_a_2b_with_embedded_fonts(citizen, agency, tmp_path):
    document = issue_receipt(citizen, agency)
    path = tmp_path / "form.pdf"
    path.write_bytes(read(document))
    xmp = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True).stdout
    # pyHanko rewrites the XMP packet when signing and keeps the PDF/A-2b identification.
    compact = xmp.replace("<pdfaid:part>", 'pdfaid:part="').replace("</pdfaid:part>", '"')
    compact = compact.replace("<pdfaid:conformance>", 'pdfaid:conformance="').replace(
        "</pdfaid:conformance>", '"'
    )
    assert 'pdfaid:part="2"' in compact, xmp
    assert 'pdfaid:conformance="B"' in compact, xmp
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    # The project's fonts only (ADR 0200): the body in "Portal Serif", the stamp in its Noto Sans.
    assert "Portal-Serif" in fonts, fonts
    # Every font row says "emb yes".
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows, fonts
    assert all(" yes " in row for row in rows), fonts


def test_document_keeps_its_template_version(citizen, agency, monkeypatch):
    from documents import rendering

    first = issue_receipt(citizen, agency)
    monkeypatch.setitem(
        rendering.OFFICIAL_FORMS,
        "mau_01",
        rendering.OfficialForm("mau_01", "Giấy tiếp nhận", 2, "BM01"),
    )
    with pytest.raises(Exception, match=r"v2\.html"):
        issue_receipt(citizen, agency)  # v2 does not exist yet: the current version is used
    first.refresh_from_db()
    assert first.template_version == 1
    template, version = rendering.official_template(
        form_code="mau_01", version=first.template_version
    )
    assert template.endswith("/v1.html")
    assert version == 1


def test_qr_link_opens_the_verification_page(citizen, agency, client):
    document = issue_receipt(citizen, agency)
    response = client.get(f"/verify/{document.uuid}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert document.sha256 in page
    assert "H56.10.01-251128-0001" in page
    # The record page never shows the owner's identity number.
    assert "072190004321" not in page
    matching = client.post(f"/verify/{document.uuid}/", {"file": _upload(read(document))})
    assert f'data-verdict="{Verdict.AUTHENTIC}"' in matching.content.decode()
    other = client.post(f"/verify/{document.uuid}/", {"file": _upload(make_pdf())})
    assert "Tệp không trùng khớp" in other.content.decode()


def test_verify_link_of_an_uploaded_document_is_404(citizen, client, db):
    document = services.document_store(
        data=make_pdf(), title="x", source=DocumentSource.UPLOADED, owner_user=citizen
    )
    assert client.get(f"/verify/{document.uuid}/").status_code == 404


def test_verification_api(citizen, agency, client):
    document = issue_receipt(citizen, agency)
    pdf = read(document)
    ok = client.post("/api/v1/documents/verify", {"file": _upload(pdf)})
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["verdict"] == Verdict.AUTHENTIC
    assert body["issued_document"]["dossier_reference"] == "H56.10.01-251128-0001"
    assert body["signatures"][0]["signer"] == "UBND xã Tân Biên"
    tampered = client.post("/api/v1/documents/verify", {"file": _upload(flip_one_byte(pdf))})
    assert tampered.json()["verdict"] in (Verdict.TAMPERED, Verdict.UNREADABLE)
    record = client.get(f"/api/v1/documents/verify/{document.uuid}")
    assert record.status_code == 200
    assert record.json()["sha256"] == document.sha256
    assert (
        client.get("/api/v1/documents/verify/00000000-0000-0000-0000-000000000000").status_code
        == 404
    )


def test_agency_with_a_demo_ec_key_signs_valid_pdfs(
    citizen, dev_signing, settings, pdfsig, tmp_path
):
    from agencies.tests.factories import AgencyFactory

    settings.SIGNING_KEYS_DIR = tmp_path
    devca.write_ca(dev_signing.ca, tmp_path)
    agency = AgencyFactory(name="Phường Tân Ninh")
    devca.issue_agency_file(dev_signing.ca, agency=agency, folder=tmp_path, key=devca.new_ec_key())
    pdf = read(issue_receipt(citizen, agency))
    report = pdfsig(pdf)
    assert "Signature is Valid" in report, report
    assert "Certificate is Trusted" in report, report
