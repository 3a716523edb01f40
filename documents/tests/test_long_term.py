"""PAdES B-LTA against a real test PKI (certomancer: CA, OCSP, CRLs, TSA over HTTP), and the
portal's /verify/ agreeing with pdfsig and pyHanko on single-signed, twice-signed, tampered,
untrusted and incrementally-updated-after-signing files."""

import io
import json
import subprocess
from pathlib import Path

from django.test import override_settings

import pytest

from documents.constants import PadesLevel
from documents.signers.pkcs12 import _load_pkcs12
from documents.tests.conftest import PYHANKO
from documents.tests.helpers import flip_one_byte, make_pdf
from documents.tests.lta_validation import validate_lta
from documents.verification import ChangesAfter, Verdict, verify_pdf


def _identity(pki, label: str, folder: Path, role: str = ""):
    from documents.constants import SignerKind
    from documents.signers.base import SigningIdentity, common_name

    path = pki.write_pkcs12(label, folder / f"{label}.p12")
    signer, chain = _load_pkcs12(path, path.stat().st_mtime_ns, "")
    return SigningIdentity(
        signer=signer,
        kind=SignerKind.OFFICER,
        display_name=common_name(signer.signing_cert),
        role=role,
        agency_name="UBND xã Tân Biên",
        chain=chain,
    )


def _pki_settings(pki, **extra):
    return override_settings(
        DEBUG=False,
        SIGNING_TRUST_ROOTS=[str(pki.root_pem)],
        SIGNING_TSA_URL=pki.tsa_url,
        SIGNING_PADES_LEVEL="B-LTA",
        **extra,
    )


def _add_text_incrementally(pdf: bytes) -> bytes:
    """What an editor appending "ĐÃ SỬA" to the page would save: an incremental update that
    changes the page content after the signatures."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    stream = generic.StreamObject(stream_data=b"0 0 1 rg 50 50 200 40 re f")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def signed_files(test_pki, key_pool, tmp_path_factory) -> dict[str, bytes]:
    """One file per case, signed once for the module (a B-LTA signature costs TSA and OCSP
    round trips)."""
    from documents import devca
    from documents.signing import sign_pdf

    folder = tmp_path_factory.mktemp("lta-identities")
    with _pki_settings(test_pki, SIGNING_KEYS_DIR=folder):
        head = _identity(test_pki, "head", folder, role="Chủ tịch UBND xã")
        clerk = _identity(test_pki, "clerk", folder, role="Văn thư")
        single = sign_pdf(pdf=make_pdf("Quyết định — Nguyễn Văn An"), identity=head)
        twice = sign_pdf(pdf=single, identity=clerk, reason="Vào số")
    # A certificate from a CA nobody trusts (a fresh development CA), signed at B-B.
    stranger_ca = devca.make_ca()
    untrusted_p12 = folder / "stranger.p12"
    key, certificate = devca.issue(
        stranger_ca, common_name="Người lạ", organisation="Không rõ", key=key_pool.keys[0]
    )
    devca.write_pkcs12(
        untrusted_p12, key=key, certificate=certificate, ca=stranger_ca, passphrase=""
    )
    signer, chain = _load_pkcs12(untrusted_p12, untrusted_p12.stat().st_mtime_ns, "")
    from documents.signers.base import SigningIdentity

    with override_settings(DEBUG=True, SIGNING_KEYS_DIR=folder):
        untrusted = sign_pdf(
            pdf=make_pdf("Giấy tờ giả"),
            identity=SigningIdentity(
                signer=signer, kind="officer", display_name="Người lạ", chain=chain
            ),
            level=PadesLevel.B_B,
        )
    return {
        "single": single,
        "twice": twice,
        "tampered": flip_one_byte(single),
        "untrusted": untrusted,
        "updated": _add_text_incrementally(single),
    }


@pytest.fixture
def pdfsig_offline(pdfsig):
    """pdfsig's report, one dict per signature (without online OCSP: see conftest.pdfsig)."""

    def run(pdf: bytes) -> list[dict]:
        return _parse_pdfsig(pdfsig(pdf, online_ocsp=False))

    return run


def _parse_pdfsig(output: str) -> list[dict]:
    blocks = output.split("Signature #")[1:]
    parsed = []
    for block in blocks:
        parsed.append(
            {
                "field": block.split("Signature Field Name: ", 1)[1].split("\n", 1)[0],
                "valid": "Signature is Valid" in block,
                "trusted": "Certificate is Trusted" in block,
                "total": "Total document signed" in block,
                "raw": block,
            }
        )
    return parsed


def _pyhanko_cli(pdf: bytes, root: Path, tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "cli-input.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        [
            str(PYHANKO),
            "sign",
            "validate",
            "--trust",
            str(root),
            "--trust-replace",
            "--executive-summary",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, result.stdout + result.stderr


def assert_same_coverage(portal: dict, pdfsig_report: list[dict]) -> None:
    """For every signature and timestamp, the portal's covers_document is pdfsig's "Total
    document signed"."""
    assert {s["field"]: s["covers_document"] for s in portal["signatures"]} == {
        s["field"]: s["total"] for s in pdfsig_report
    }


@pytest.fixture
def verify_as_portal(settings, test_pki):
    settings.DEBUG = False
    settings.SIGNING_TRUST_ROOTS = [str(test_pki.root_pem)]

    def run(pdf: bytes) -> dict:
        return verify_pdf(pdf).as_dict()

    return run


@pytest.mark.django_db
def test_single_signed_file_is_b_lta_for_all_three_validators(
    signed_files, verify_as_portal, pdfsig_offline, test_pki, tmp_path
):
    pdf = signed_files["single"]
    portal = verify_as_portal(pdf)
    assert portal["verdict"] == Verdict.SIGNATURE_VALID_UNKNOWN  # valid, but not issued by us
    assert portal["level"] == PadesLevel.B_LTA
    signature, timestamp = portal["signatures"]
    assert signature["signer"] == "Nguyễn Văn Hùng"
    assert signature["valid"]
    assert signature["intact"]
    assert signature["trusted"]
    assert signature["timestamped"]
    # The DSS and the document timestamp follow the signature: not the whole file, but only
    # validation data was added after it.
    assert not signature["covers_document"]
    assert signature["changes_after"] == ChangesAfter.VALIDATION_DATA
    assert signature["changes_permitted"]
    assert timestamp["kind"] == "document_timestamp"
    assert timestamp["valid"], timestamp
    assert timestamp["trusted"], timestamp

    sig, _doc_ts = pdfsig_offline(pdf)
    assert sig["valid"], sig["raw"]
    assert sig["trusted"], sig["raw"]
    assert_same_coverage(portal, pdfsig_offline(pdf))

    (lta,) = validate_lta(pdf, test_pki.root_pem)
    assert lta.indication == "PASSED", lta
    assert lta.signer == "Nguyễn Văn Hùng"
    assert lta.oldest_document_timestamp is not None
    code, summary = _pyhanko_cli(pdf, test_pki.root_pem, tmp_path)
    assert code == 0, summary


@pytest.mark.django_db
def test_twice_signed_file_first_signature_does_not_cover_the_document(
    signed_files, verify_as_portal, pdfsig_offline, test_pki, tmp_path
):
    pdf = signed_files["twice"]
    portal = verify_as_portal(pdf)
    assert portal["verdict"] == Verdict.SIGNATURE_VALID_UNKNOWN
    signatures = [s for s in portal["signatures"] if s["kind"] == "signature"]
    assert [s["signer"] for s in signatures] == ["Nguyễn Văn Hùng", "Trần Thị Bích Ngọc"]
    first = signatures[0]
    assert not first["covers_document"]  # as pdfsig: "Not total document signed"
    assert first["changes_after"] == ChangesAfter.SIGNATURES
    assert first["changes_permitted"]
    assert first["valid"]
    assert portal["level"] == PadesLevel.B_LTA

    by_field = {s["field"]: s for s in pdfsig_offline(pdf)}
    assert not by_field[first["field"]]["total"]
    assert by_field[first["field"]]["valid"]
    assert by_field[first["field"]]["trusted"]
    assert_same_coverage(portal, pdfsig_offline(pdf))

    results = validate_lta(pdf, test_pki.root_pem)
    assert [r.indication for r in results] == ["PASSED", "PASSED"], results
    code, summary = _pyhanko_cli(pdf, test_pki.root_pem, tmp_path)
    assert code == 0, summary


@pytest.mark.django_db
def test_tampered_file_is_invalid_for_all_three(
    signed_files, verify_as_portal, pdfsig_offline, test_pki, tmp_path, client
):
    pdf = signed_files["tampered"]
    portal = verify_as_portal(pdf)
    assert portal["verdict"] == Verdict.TAMPERED
    signature = portal["signatures"][0]
    assert signature["intact"] is False
    assert signature["valid"] is False  # never "valid" with a digest that does not match
    assert portal["level"] == ""

    assert not any(s["valid"] for s in pdfsig_offline(pdf))
    code, summary = _pyhanko_cli(pdf, test_pki.root_pem, tmp_path)
    assert code != 0
    assert ":VALID" not in summary, summary

    from django.core.files.uploadedfile import SimpleUploadedFile

    api = client.post(
        "/api/v1/documents/verify",
        {"file": SimpleUploadedFile("x.pdf", pdf, content_type="application/pdf")},
    )
    body = json.loads(api.content)
    assert body["verdict"] == Verdict.TAMPERED
    assert body["signatures"][0]["valid"] is False


@pytest.mark.django_db
def test_untrusted_signer_is_untrusted_for_all_three(
    signed_files, verify_as_portal, pdfsig_offline, test_pki, tmp_path
):
    pdf = signed_files["untrusted"]
    portal = verify_as_portal(pdf)
    assert portal["verdict"] == Verdict.UNTRUSTED
    (signature,) = portal["signatures"]
    assert signature["valid"]
    assert not signature["trusted"]
    assert signature["covers_document"]
    assert portal["level"] == PadesLevel.B_B

    (sig,) = pdfsig_offline(pdf)
    assert (sig["valid"], sig["trusted"], sig["total"]) == (True, False, True), sig["raw"]
    code, summary = _pyhanko_cli(pdf, test_pki.root_pem, tmp_path)
    assert code != 0
    assert "Signature1:" in summary
    assert ":VALID" not in summary, summary


@pytest.mark.django_db
def test_content_added_after_signing_is_not_valid(
    signed_files, verify_as_portal, pdfsig_offline, test_pki, tmp_path
):
    pdf = signed_files["updated"]
    portal = verify_as_portal(pdf)
    assert portal["verdict"] == Verdict.MODIFIED
    signature = portal["signatures"][0]
    assert signature["intact"]
    assert signature["valid"]
    assert signature["changes_after"] == ChangesAfter.OTHER
    assert not signature["changes_permitted"]
    assert not signature["covers_document"]

    sig = pdfsig_offline(pdf)[0]
    # pdfsig: the signature is valid, but "Not total document signed".
    assert (sig["valid"], sig["total"]) == (True, False), sig["raw"]
    code, summary = _pyhanko_cli(pdf, test_pki.root_pem, tmp_path)
    assert code != 0
    assert "Signature1:VALID" not in summary, summary
