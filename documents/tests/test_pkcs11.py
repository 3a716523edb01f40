"""The production key store (PKCS#11), tested against SoftHSM2: the agency key never leaves the
token, and the signed PDF passes pdfsig and pyHanko like the PKCS#12 ones."""

import shutil
import subprocess
from pathlib import Path

import pytest

from documents import devca
from documents.constants import SignerKind

SOFTHSM_MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
PIN, SO_PIN, TOKEN = "123456", "654321", "portal-test"


@pytest.fixture
def softhsm(tmp_path, monkeypatch, settings, dev_signing, agency):
    """A fresh SoftHSM2 token holding the agency's key, its certificate and the dev CA."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    from documents.signers import pkcs11 as pkcs11_store
    from documents.signers.base import agency_key_label

    if not (SOFTHSM_MODULE.exists() and shutil.which("softhsm2-util")):
        pytest.fail("SoftHSM2 is missing: apt-get install softhsm2")
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    config = tmp_path / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(config))
    util = ["softhsm2-util"]
    subprocess.run(
        [*util, "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", SO_PIN],
        check=True,
        capture_output=True,
    )
    label = agency_key_label(agency)
    key, cert, _cas = pkcs12.load_key_and_certificates(
        (dev_signing.folder / f"{label}.p12").read_bytes(), None
    )
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(devca.key_pem(key))
    subprocess.run(
        [
            *util,
            "--import",
            str(key_file),
            "--token",
            TOKEN,
            "--label",
            label,
            "--id",
            "01",
            "--pin",
            PIN,
        ],
        check=True,
        capture_output=True,
    )
    key_file.unlink()
    _put_certificate(label, b"\x01", cert.public_bytes(serialization.Encoding.DER))
    _put_certificate(
        "ca-dev", b"\x02", dev_signing.ca.certificate.public_bytes(serialization.Encoding.DER)
    )

    settings.SIGNING_KEYSTORE = "pkcs11"
    settings.SIGNING_PKCS11_MODULE = str(SOFTHSM_MODULE)
    settings.SIGNING_PKCS11_TOKEN_LABEL = TOKEN
    settings.SIGNING_PKCS11_PIN = PIN
    pkcs11_store._session.cache_clear()
    yield
    pkcs11_store._session.cache_clear()


def _put_certificate(label: str, object_id: bytes, der: bytes) -> None:
    import pkcs11
    from cryptography import x509
    from pkcs11 import Attribute, CertificateType, ObjectClass

    subject = x509.load_der_x509_certificate(der).subject.public_bytes()

    lib = pkcs11.lib(str(SOFTHSM_MODULE))
    token = lib.get_token(token_label=TOKEN)
    with token.open(rw=True, user_pin=PIN) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: label,
                Attribute.ID: object_id,
                Attribute.VALUE: der,
                Attribute.SUBJECT: subject,
            }
        )


@pytest.mark.django_db
def test_agency_and_officer_sign_inside_softhsm(
    citizen, agency, officer, softhsm, dev_signing, pdfsig, pyhanko_validate, tmp_path
):
    """One test: python-pkcs11 initialises the library once per process, so a second test
    would meet the first one's token (and its logged-in session)."""
    _officer_signs_in_softhsm(citizen, agency, officer, dev_signing, pdfsig, tmp_path)
    from documents.tests.helpers import flip_one_byte, issue_receipt, read
    from documents.verification import Verdict, verify_pdf

    document = issue_receipt(citizen, agency)
    assert document.signer_kind == SignerKind.AGENCY
    pdf = read(document)
    report = pdfsig(pdf)
    assert "Signature is Valid" in report, report
    assert "Certificate is Trusted" in report, report
    code, summary = pyhanko_validate(pdf)
    assert code == 0, summary
    assert ":VALID" in summary, summary
    assert verify_pdf(pdf).verdict == Verdict.AUTHENTIC
    assert "Signature is Valid" not in pdfsig(flip_one_byte(pdf))


def _officer_signs_in_softhsm(citizen, agency, officer, dev_signing, pdfsig, tmp_path):
    """Issue #24: a per-person key held by the server in the HSM (label officer-<uuid>)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    from documents import services
    from documents.constants import DocumentSource
    from documents.signers.base import officer_key_label
    from documents.tests.helpers import make_pdf, read

    label = officer_key_label(officer)
    key, cert, _cas = pkcs12.load_key_and_certificates(
        (dev_signing.folder / f"{label}.p12").read_bytes(), None
    )
    key_file = tmp_path / "officer-key.pem"
    key_file.write_bytes(devca.key_pem(key))
    subprocess.run(
        [
            *("softhsm2-util", "--import", str(key_file), "--token", TOKEN),
            *("--label", label, "--id", "03", "--pin", PIN),
        ],
        check=True,
        capture_output=True,
    )
    key_file.unlink()
    _put_certificate(label, b"\x03", cert.public_bytes(serialization.Encoding.DER))

    scan = services.document_store(
        data=make_pdf("Bản scan sổ hộ khẩu"),
        title="Sổ hộ khẩu (bản scan)",
        source=DocumentSource.SCANNED,
        owner_user=citizen,
        created_by=officer,
    )
    signed = services.document_sign_scan(
        document=scan, officer=officer, agency=agency, role="Cán bộ tiếp nhận"
    )
    assert signed.signer_kind == SignerKind.OFFICER
    assert signed.signer_name == "Trần Thị Bích Ngọc"
    report = pdfsig(read(signed))
    assert "Signature is Valid" in report, report
    assert "Certificate is Trusted" in report, report
    assert "Common Name: Trần Thị Bích Ngọc" in report
