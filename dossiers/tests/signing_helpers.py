"""Signing set-up shared by the result-signing tests: the test PKI (documents.tests.pki) for
trust, TSA and OCSP, the CSC simulator as remote-signing service, the head's remote credential
and the records clerk's server-held key, all issued by the test PKI."""

from documents.constants import PadesLevel
from documents.models import RemoteSigningCredential
from documents.signers.base import officer_key_label
from dossiers.constants import Actor

HEAD_CREDENTIAL = "head-credential"


def configure_signing(settings, live_server, test_pki, tmp_path) -> None:
    settings.DEBUG = False
    settings.VIRUS_SCANNER = "none"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SIGNING_KEYS_DIR = tmp_path / "keys"
    settings.SIGNING_KEYS_DIR.mkdir(exist_ok=True)
    settings.SIGNING_KEYSTORE = "pkcs12"
    settings.SIGNING_KEYS_PASSPHRASE = ""
    settings.SIGNING_TRUST_ROOTS = [str(test_pki.root_pem)]
    settings.SIGNING_TSA_URL = test_pki.tsa_url
    settings.SIGNING_PADES_LEVEL = PadesLevel.B_LTA
    settings.SITE_URL = live_server.url
    settings.CSC_SIMULATOR_ENABLED = True
    settings.REMOTE_SIGNING_ENABLED = True
    settings.REMOTE_SIGNING_URL = f"{live_server.url}/kho-du-lieu/csc/v2/"
    settings.REMOTE_SIGNING_TOKEN = "test-csc-token"


def enrol_signers(cast, test_pki, settings) -> None:
    """The head signs remotely with the test PKI's "head" certificate; the clerk holds the
    "clerk" key in the key store."""
    head, clerk = cast.staff[Actor.AGENCY_HEAD], cast.staff[Actor.RECORDS_CLERK]
    RemoteSigningCredential.objects.create(
        user_ref=str(head.uuid),
        credential_id=HEAD_CREDENTIAL,
        private_key_pem=test_pki.key_pem("head").decode(),
        certificate_pem=test_pki.chain_pem("head").decode(),
    )
    test_pki.write_pkcs12("clerk", settings.SIGNING_KEYS_DIR / f"{officer_key_label(clerk)}.p12")
