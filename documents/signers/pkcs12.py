import functools
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from documents.constants import SignerKind
from documents.signers.base import (
    BaseKeyStore,
    SigningIdentity,
    SigningKeyMissing,
    agency_key_label,
    common_name,
    keystores,
    officer_key_label,
)


@keystores.register("pkcs12")
class Pkcs12KeyStore(BaseKeyStore):
    """`<SIGNING_KEYS_DIR>/agency-<agency code>.p12` and `officer-<user uuid>.p12`."""

    def _load(self, label: str):
        path = Path(settings.SIGNING_KEYS_DIR) / f"{label}.p12"
        if not path.exists():
            raise SigningKeyMissing(
                str(_("Chưa cấu hình chứng thư số để ký (%(label)s).")) % {"label": label},
                code="signing_key_missing",
            )
        return _load_pkcs12(path, path.stat().st_mtime_ns, settings.SIGNING_KEYS_PASSPHRASE)

    def has_agency_key(self, *, agency) -> bool:
        return (Path(settings.SIGNING_KEYS_DIR) / f"{agency_key_label(agency)}.p12").exists()

    def agency_identity(self, *, agency) -> SigningIdentity:
        signer, chain = self._load(agency_key_label(agency))
        return SigningIdentity(
            signer=signer,
            kind=SignerKind.AGENCY,
            display_name=common_name(signer.signing_cert),
            agency=agency,
            agency_name=agency.name,
            chain=chain,
        )

    def officer_identity(self, *, user, agency, role: str = "") -> SigningIdentity:
        signer, chain = self._load(officer_key_label(user))
        return SigningIdentity(
            signer=signer,
            kind=SignerKind.OFFICER,
            display_name=common_name(signer.signing_cert),
            role=role,
            agency=agency,
            agency_name=agency.name if agency else "",
            chain=chain,
        )


@functools.lru_cache(maxsize=64)
def _load_pkcs12(path: Path, mtime_ns: int, passphrase: str):
    """Opening a PKCS#12 file (key derivation) and checking an RSA key cost ~0.1 s each: do it
    once per file version and process, not once per signature."""
    # Local import: cryptography is a heavy library, loaded on first use.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class CachedKeySigner(SimpleSigner):
        """SimpleSigner re-parses (and re-validates) the private key on every call, dry runs
        included; this one keeps the parsed key and answers dry runs without signing."""

        _pyca_key = None

        async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False):
            if self._pyca_key is None:
                self._pyca_key = serialization.load_der_private_key(
                    self.signing_key.dump(), password=None
                )
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if not (mechanism == "rsassa_pkcs1v15" and isinstance(self._pyca_key, RSAPrivateKey)):
                return self.sign_raw(data, digest_algorithm)
            if dry_run:
                return bytes(self._pyca_key.key_size // 8)
            return self._pyca_key.sign(
                data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm)
            )

    loaded = SimpleSigner.load_pkcs12(str(path), passphrase=passphrase.encode() or None)
    if loaded is None:
        raise SigningKeyMissing(f"cannot open {path.name}", code="signing_key_unreadable")
    signer = CachedKeySigner(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
    )
    chain = [signer.signing_cert, *(c for c in signer.cert_registry if c != signer.signing_cert)]
    return signer, chain
