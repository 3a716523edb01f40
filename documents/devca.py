"""A development certificate authority: CA, agency and officer certificates as PKCS#12 files.

Every certificate it makes carries `DEV_MARKER` as its organisational unit, so signing refuses
it when DEBUG is off (see signing.refuse_dev_chain_in_production).
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from documents.signers.base import agency_key_label, officer_key_label

DEV_MARKER = "DEVELOPMENT ONLY - NOT FOR PRODUCTION"
CA_CERT = "dev-ca.pem"
CA_KEY = "dev-ca.key.pem"
KEY_SIZE = 2048
SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class Authority:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate


def _fit(value: str, limit: int = 64) -> str:
    """`value` cut to `limit` bytes of UTF-8 (what x509 counts): a Vietnamese agency name of 64
    letters is ~80 bytes, and seeding the demo keys failed on it."""
    return value.encode("utf-8")[:limit].decode("utf-8", errors="ignore").strip()


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Tây Ninh"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEV_MARKER),
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)),
        ]
    )


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def new_ec_key() -> ec.EllipticCurvePrivateKey:
    """A P-256 key: made in a millisecond, for the many agency seals of the demo data."""
    return ec.generate_private_key(ec.SECP256R1())


def make_ca() -> Authority:
    key = new_key()
    name = _name("Tây Ninh Portal Development CA", "Cổng Dịch vụ công tỉnh Tây Ninh")
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(key=key, certificate=certificate)


def issue(
    ca: Authority,
    *,
    common_name: str,
    organisation: str,
    key: SigningKey | None = None,
    time_stamping: bool = False,
) -> tuple[SigningKey, x509.Certificate]:
    """A signing certificate (digitalSignature + nonRepudiation) issued by `ca`; with
    `time_stamping`, one for a development RFC 3161 authority (critical timeStamping EKU)."""
    key = key or new_key()
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [
                    ExtendedKeyUsageOID.TIME_STAMPING
                    if time_stamping
                    else ExtendedKeyUsageOID.EMAIL_PROTECTION
                ]
            ),
            critical=time_stamping,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
        .sign(ca.key, hashes.SHA256())
    )
    return key, certificate


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def key_pem(key: SigningKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def write_ca(ca: Authority, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CA_CERT).write_bytes(pem(ca.certificate))
    key_file = folder / CA_KEY
    key_file.write_bytes(key_pem(ca.key))
    key_file.chmod(0o600)


def load_ca(folder: Path) -> Authority | None:
    cert_file, key_file = folder / CA_CERT, folder / CA_KEY
    if not (cert_file.exists() and key_file.exists()):
        return None
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return Authority(key=key, certificate=x509.load_pem_x509_certificate(cert_file.read_bytes()))


def write_pkcs12(
    path: Path,
    *,
    key: SigningKey,
    certificate: x509.Certificate,
    ca: Authority,
    passphrase: str,
) -> None:
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            name=certificate.subject.rfc4514_string().encode(),
            key=key,
            cert=certificate,
            cas=[ca.certificate],
            encryption_algorithm=encryption,
        )
    )
    path.chmod(0o600)


def ensure_ca(folder: Path) -> Authority:
    """The development CA in `folder`, made on first use (embedded default and demos only)."""
    ca = load_ca(folder)
    if ca is None:
        ca = make_ca()
        write_ca(ca, folder)
    return ca


def issue_agency_file(
    ca: Authority,
    *,
    agency,
    folder: Path,
    passphrase: str = "",
    key: SigningKey | None = None,
) -> Path:

    key, certificate = issue(
        ca, common_name=agency.name[:64], organisation=agency.name[:64], key=key
    )
    path = folder / f"{agency_key_label(agency)}.p12"
    write_pkcs12(path, key=key, certificate=certificate, ca=ca, passphrase=passphrase)
    return path


def issue_officer_file(
    ca: Authority, *, user, organisation: str, folder: Path, passphrase: str = ""
) -> Path:

    name = (user.full_name or user.email)[:64]
    key, certificate = issue(ca, common_name=name, organisation=organisation[:64] or name)
    path = folder / f"{officer_key_label(user)}.p12"
    write_pkcs12(path, key=key, certificate=certificate, ca=ca, passphrase=passphrase)
    return path
