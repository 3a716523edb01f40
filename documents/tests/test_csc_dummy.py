"""The portal's CSC client against a CSC server nobody here wrote (PyPI certomancer-csc-dummy,
API 1.0.4): the head of office's own credential signs the hash, the result is PAdES B-LTA by
that person for pyHanko, and valid for pdfsig."""

import pytest

from documents.constants import PadesLevel, SignerKind
from documents.signers.base import SigningIdentity, common_name
from documents.signers.csc import CscClient, RemoteSigningError, csc_pyhanko_signer
from documents.signing import sign_pdf
from documents.tests.helpers import make_pdf
from documents.tests.lta_validation import validate_lta
from documents.tests.pki import ARCH, start_csc_dummy
from documents.verification import verify_pdf


@pytest.fixture(scope="module")
def csc_dummy(test_pki):
    server = start_csc_dummy(test_pki)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pki_settings(settings, test_pki, tmp_path):
    settings.DEBUG = False
    settings.SIGNING_KEYS_DIR = tmp_path
    settings.SIGNING_TRUST_ROOTS = [str(test_pki.root_pem)]
    settings.SIGNING_TSA_URL = test_pki.tsa_url
    settings.SIGNING_PADES_LEVEL = PadesLevel.B_LTA
    return test_pki


@pytest.mark.django_db
def test_head_signs_through_certomancer_csc_dummy_at_b_lta(csc_dummy, pki_settings, pdfsig):
    client = CscClient(base_url=csc_dummy.url, token="unused-by-the-dummy")
    assert client.major_version == 1  # the dummy speaks CSC 1.0.4: `hash`, `hashAlgo`
    credential_id = f"{ARCH}/head"
    assert credential_id in client.credentials_list(user_id="head")
    info = client.credentials_info(credential_id=credential_id)
    assert info.auth_mode == "implicit"
    signer, chain = csc_pyhanko_signer(client=client, info=info, otp="")
    identity = SigningIdentity(
        signer=signer,
        kind=SignerKind.OFFICER,
        display_name=common_name(chain[0]),
        role="Chủ tịch UBND xã",
        chain=chain,
    )

    signed = sign_pdf(pdf=make_pdf("Quyết định cấp phép"), identity=identity)

    (lta,) = validate_lta(signed, pki_settings.root_pem)
    assert lta.indication == "PASSED", lta
    assert lta.signer == "Nguyễn Văn Hùng"
    report = verify_pdf(signed)
    assert report.level == PadesLevel.B_LTA
    assert report.signatures[0].signer == "Nguyễn Văn Hùng"
    output = pdfsig(signed, online_ocsp=False)
    assert "Signature is Valid" in output, output
    assert "Certificate is Trusted" in output, output


@pytest.mark.django_db
def test_unknown_credential_is_a_clear_error(csc_dummy, pki_settings):
    client = CscClient(base_url=csc_dummy.url, token="unused")
    with pytest.raises(RemoteSigningError):
        client.credentials_info(credential_id=f"{ARCH}/nobody")
