"""Fixtures for the documents tests: a dev CA made once per session, an NSS trust store for
pdfsig, a real clamd with an EICAR-only signature database, and helpers around the validators."""

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from documents import devca
from documents.tests.helpers import EICAR, free_port
from documents.tests.pki import TestPki

PYHANKO = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "pyhanko"


@dataclass
class KeyPool:
    """RSA keys are slow to make: the CA and a few leaf keys are made once per session."""

    folder: Path
    ca: devca.Authority
    keys: list

    def issue(self, *, path: Path, common_name: str, organisation: str, index: int = 0) -> Path:
        key, certificate = devca.issue(
            self.ca, common_name=common_name, organisation=organisation, key=self.keys[index]
        )
        devca.write_pkcs12(path, key=key, certificate=certificate, ca=self.ca, passphrase="")
        return path


@pytest.fixture(scope="session")
def key_pool(tmp_path_factory) -> KeyPool:
    folder = tmp_path_factory.mktemp("signing-keys")
    ca = devca.make_ca()
    devca.write_ca(ca, folder)
    return KeyPool(folder=folder, ca=ca, keys=[devca.new_key() for _ in range(2)])


@pytest.fixture(autouse=True)
def _documents_settings(settings, tmp_path):
    settings.VIRUS_SCANNER = "none"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


@pytest.fixture
def dev_signing(settings, key_pool):
    """Signing with the development CA, which is allowed only with DEBUG on."""
    settings.DEBUG = True
    settings.SIGNING_KEYSTORE = "pkcs12"
    settings.SIGNING_KEYS_DIR = key_pool.folder
    settings.SIGNING_KEYS_PASSPHRASE = ""
    return key_pool


@pytest.fixture
def agency(db, dev_signing):
    from agencies.constants import AgencyKind, AgencyLevel
    from agencies.models import Agency
    from documents.signers.base import agency_key_label

    agency = Agency.objects.create(
        code="H56.10.01",
        name="UBND xã Tân Biên",
        kind=AgencyKind.COMMUNE,
        level=AgencyLevel.COMMUNE,
    )
    dev_signing.issue(
        path=dev_signing.folder / f"{agency_key_label(agency)}.p12",
        common_name="UBND xã Tân Biên",
        organisation="UBND xã Tân Biên",
    )
    return agency


@pytest.fixture
def officer(db, dev_signing, agency):
    from accounts.constants import Role
    from accounts.tests.factories import StaffFactory
    from agencies.models import StaffMembership
    from documents.signers.base import officer_key_label

    user = StaffFactory(full_name="Trần Thị Bích Ngọc")
    StaffMembership.objects.create(user=user, agency=agency, role=Role.RECEPTION_OFFICER)
    dev_signing.issue(
        path=dev_signing.folder / f"{officer_key_label(user)}.p12",
        common_name=user.full_name,
        organisation=agency.name,
        index=1,
    )
    return user


@pytest.fixture
def long_term_signing(settings, test_pki: TestPki, tmp_path) -> TestPki:
    """Signing at PAdES B-LTA against the test PKI, DEBUG off (no development CA anywhere)."""
    settings.DEBUG = False
    settings.SIGNING_KEYSTORE = "pkcs12"
    settings.SIGNING_KEYS_DIR = tmp_path / "pki-keys"
    settings.SIGNING_KEYS_DIR.mkdir()
    settings.SIGNING_KEYS_PASSPHRASE = ""
    settings.SIGNING_TRUST_ROOTS = [str(test_pki.root_pem)]
    settings.SIGNING_TSA_URL = test_pki.tsa_url
    settings.SIGNING_PADES_LEVEL = "B-LTA"
    return test_pki


@pytest.fixture
def nss_trust_store(key_pool, test_pki, tmp_path_factory) -> Path:
    """An NSS database that trusts the dev CA, as pdfsig needs to say 'Certificate is Trusted'.

    One per test: pdfsig remembers the signer certificates it meets in the database, and tests
    re-issue certificates with the same subject and key, which NSS then refuses as a clash.
    """
    if not shutil.which("certutil"):
        pytest.fail("certutil is missing: apt-get install libnss3-tools")
    folder = tmp_path_factory.mktemp("nssdb")
    subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True)
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{folder}",
            "-n",
            "dev-ca",
            "-t",
            "CT,C,C",
            "-i",
            str(key_pool.folder / devca.CA_CERT),
        ],
        check=True,
    )
    root = str(test_pki.root_pem)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{folder}", "-n", "test-pki", "-t", "CT,C,C", "-i", root],
        check=True,
    )
    return folder


@pytest.fixture
def pdfsig(nss_trust_store, tmp_path):
    """Runs poppler's pdfsig; returns its output (it exits 0 even for invalid signatures)."""
    if not shutil.which("pdfsig"):
        pytest.fail("pdfsig is missing: apt-get install poppler-utils")

    def run(pdf: bytes, online_ocsp: bool = True) -> str:
        """`online_ocsp=False` for the test PKI's certificates: NSS's classic OCSP client
        rejects certomancer's answers ("Unknown issue with Certificate"), which libpkix
        (vfychain -pp) and pyHanko accept; revocation is then checked by pyHanko from the data
        embedded in the file. (pdfsig -no-ocsp, in turn, says the same of the development CA's
        certificates, which name no OCSP responder.)"""
        path = tmp_path / "pdfsig-input.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(
            [
                "pdfsig",
                *([] if online_ocsp else ["-no-ocsp"]),
                "-nssdir",
                f"sql:{nss_trust_store}",
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        return result.stdout + result.stderr

    return run


@pytest.fixture
def pyhanko_validate(key_pool, tmp_path):
    """Runs `pyhanko sign validate` trusting only the dev CA; returns (exit code, summary)."""
    if not PYHANKO.exists():
        pytest.fail(f"pyhanko CLI is missing at {PYHANKO}: install pyhanko-cli")

    def run(pdf: bytes) -> tuple[int, str]:
        path = tmp_path / "pyhanko-input.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(
            [
                str(PYHANKO),
                "sign",
                "validate",
                "--no-revocation-check",
                "--trust",
                str(key_pool.folder / devca.CA_CERT),
                "--trust-replace",
                "--executive-summary",
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        return result.returncode, result.stdout + result.stderr

    return run


@pytest.fixture(scope="session")
def clamd(tmp_path_factory):
    """A real clamd on 127.0.0.1 with a signature database holding only the EICAR test string."""
    binary = shutil.which("clamd") or "/usr/sbin/clamd"
    if not Path(binary).exists():
        pytest.fail("clamd is missing: apt-get install clamav-daemon clamav clamdscan")
    folder = tmp_path_factory.mktemp("clamd")
    signatures = folder / "sigs"
    signatures.mkdir()
    (signatures / "eicar.ndb").write_text(f"Test.EICAR-Body:0:*:{EICAR.hex()}\n")
    port = free_port()
    config = folder / "clamd.conf"
    config.write_text(
        "Foreground yes\n"
        f"DatabaseDirectory {signatures}\n"
        f"TCPAddr 127.0.0.1\nTCPSocket {port}\n"
        f"LogFile {folder / 'clamd.log'}\n"
        f"PidFile {folder / 'clamd.pid'}\n"
        "User root\n"
        "StreamMaxLength 30M\n"
    )
    process = subprocess.Popen(
        [binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for_clamd(port, process, folder)
        yield ("127.0.0.1", port)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_clamd(port: int, process, folder: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (folder / "clamd.log").read_text() if (folder / "clamd.log").exists() else ""
            pytest.fail(f"clamd exited with {process.returncode}: {log[-500:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"zPING\0")
                if conn.recv(16).startswith(b"PONG"):
                    return
        except OSError:
            time.sleep(0.05)
    pytest.fail("clamd did not answer PING within 30 s")
