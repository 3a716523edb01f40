"""A citizen signs a PDF of their store through the CSC API v2 simulator, over real HTTP."""

import re

from django.urls import reverse

import pytest

from documents import services
from documents.constants import DocumentSource, SignerKind
from documents.models import RemoteSigningOtp, StoredDocument
from documents.signers.csc import CscClient, RemoteSigningError
from documents.tests.helpers import flip_one_byte, make_pdf


@pytest.fixture
def remote_signing(settings, live_server, dev_signing, transactional_db):
    settings.SITE_URL = live_server.url
    settings.CSC_SIMULATOR_ENABLED = True
    settings.REMOTE_SIGNING_ENABLED = True
    settings.REMOTE_SIGNING_URL = f"{live_server.url}/kho-du-lieu/csc/v2/"
    settings.REMOTE_SIGNING_TOKEN = "test-csc-token"
    return live_server


@pytest.fixture
def application(citizen):
    return services.document_store(
        data=make_pdf("Tờ khai đăng ký khai sinh — Lê Hoàng Phúc"),
        title="Tờ khai đăng ký khai sinh",
        source=DocumentSource.UPLOADED,
        owner_user=citizen,
    )


def test_citizen_signs_remotely_and_the_signed_pdf_lands_in_their_store(
    remote_signing, citizen, citizen_client, application, pdfsig, pyhanko_validate
):
    url = reverse("documents:sign_remote", kwargs={"uuid": application.uuid})
    assert citizen_client.get(url).status_code == 200
    sent = citizen_client.post(url)
    page = sent.content.decode()
    assert sent.status_code == 200
    credential_id = re.search(r'name="credential_id" value="([0-9a-f]+)"', page).group(1)
    otp = re.search(r"mã OTP của bạn là <strong>(\d{6})</strong>", page).group(1)

    signed_response = citizen_client.post(url, {"credential_id": credential_id, "otp": otp})
    assert signed_response.status_code == 302
    signed = StoredDocument.objects.get(derived_from=application)
    assert signed_response["Location"] == reverse("documents:detail", kwargs={"uuid": signed.uuid})
    assert signed.owner_user == citizen
    assert signed.signer_kind == SignerKind.CITIZEN
    assert signed.signer_name == citizen.profile.full_name
    with signed.file.open("rb") as fh:
        pdf = fh.read()
    report = pdfsig(pdf)
    assert "Signature is Valid" in report, report
    assert "Certificate is Trusted" in report, report
    code, summary = pyhanko_validate(pdf)
    assert code == 0, summary
    assert ":VALID" in summary, summary
    assert "Signature is Valid" not in pdfsig(flip_one_byte(pdf))

    # The code was used up: the same code cannot sign a second time.
    again = citizen_client.post(url, {"credential_id": credential_id, "otp": otp})
    assert again.status_code == 400
    assert StoredDocument.objects.filter(derived_from=application).count() == 1


def test_wrong_code_is_refused_and_nothing_is_stored(
    remote_signing, citizen, citizen_client, application
):
    url = reverse("documents:sign_remote", kwargs={"uuid": application.uuid})
    page = citizen_client.post(url).content.decode()
    credential_id = re.search(r'name="credential_id" value="([0-9a-f]+)"', page).group(1)
    real = RemoteSigningOtp.objects.get(credential__credential_id=credential_id).code
    wrong = f"{(int(real) + 1) % 1_000_000:06d}"
    response = citizen_client.post(url, {"credential_id": credential_id, "otp": wrong})
    assert response.status_code == 400
    body = response.content.decode()
    # In Vietnamese, once, next to the field (issue #26: it was English and shown twice).
    assert body.count("Mã xác nhận (OTP) không đúng hoặc đã hết hạn") == 1
    assert "The OTP is wrong" not in body
    assert "form-error-summary" not in body
    assert 'aria-invalid="true"' in body
    assert not StoredDocument.objects.filter(derived_from=application).exists()


def test_a_credential_of_someone_else_cannot_be_used(remote_signing, citizen, application):
    from accounts.tests.factories import CitizenFactory

    client = CscClient()
    other_credential = client.credentials_list(user_id=str(CitizenFactory().uuid))[0]
    with pytest.raises(services.ApplicationError) as refused:
        services.document_sign_remote(
            document=application, user=citizen, credential_id=other_credential, otp="000000"
        )
    assert refused.value.code == "not_yours"


def test_simulator_speaks_csc_and_checks_the_token(remote_signing, citizen):
    client = CscClient()
    assert "signatures/signHash" in client.info()["methods"]
    (credential,) = client.credentials_list(user_id=str(citizen.uuid))
    info = client.credentials_info(credential_id=credential)
    assert len(info.certificates) == 2
    assert info.key_bits == 2048
    with pytest.raises(RemoteSigningError):
        CscClient(token="wrong").credentials_list(user_id=str(citizen.uuid))
    # signHash without an authorised SAD is refused.
    with pytest.raises(RemoteSigningError):
        client.sign_hash(credential_id=credential, sad="forged", hashes=[b"\0" * 32])


def test_simulator_is_404_when_disabled(client, settings, db):
    settings.CSC_SIMULATOR_ENABLED = False
    response = client.post(
        "/kho-du-lieu/csc/v2/info",
        content_type="application/json",
        data={},
        HTTP_AUTHORIZATION=f"Bearer {settings.REMOTE_SIGNING_TOKEN}",
    )
    assert response.status_code == 404
