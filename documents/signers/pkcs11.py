import functools

from django.conf import settings

from documents.constants import SignerKind
from documents.signers.base import (
    BaseKeyStore,
    SigningIdentity,
    agency_key_label,
    common_name,
    keystores,
    officer_key_label,
)


@keystores.register("pkcs11")
class Pkcs11KeyStore(BaseKeyStore):
    """Keys that never leave an HSM. The key and its certificate carry the same label as the
    PKCS#12 files would (`agency-<code>`, `officer-<uuid>`); the CA chain is read from the token
    too (every certificate object on the token is offered as a chain candidate)."""

    def _signer(self, label: str):
        # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
        from pyhanko.sign import pkcs11

        return pkcs11.PKCS11Signer(
            _session(
                settings.SIGNING_PKCS11_MODULE,
                settings.SIGNING_PKCS11_TOKEN_LABEL,
                settings.SIGNING_PKCS11_PIN,
            ),
            cert_label=label,
            key_label=label,
            other_certs_to_pull=None,  # every certificate on the token: the CA chain too
        )

    def _identity(self, label: str, kind: str, agency, role: str = "") -> SigningIdentity:
        signer = self._signer(label)
        cert = signer.signing_cert
        chain = [cert, *(c for c in signer.cert_registry if c != cert)]
        return SigningIdentity(
            signer=signer,
            kind=kind,
            display_name=common_name(cert),
            role=role,
            agency=agency,
            agency_name=agency.name if agency else "",
            chain=chain,
        )

    def agency_identity(self, *, agency) -> SigningIdentity:
        return self._identity(agency_key_label(agency), SignerKind.AGENCY, agency)

    def has_agency_key(self, *, agency) -> bool:
        # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
        from pyhanko.sign.general import SigningError

        try:
            self.agency_identity(agency=agency)
        except SigningError:  # no key or certificate with the agency's label on the token
            return False
        return True

    def officer_identity(self, *, user, agency, role: str = "") -> SigningIdentity:
        return self._identity(officer_key_label(user), SignerKind.OFFICER, agency, role)


@functools.cache
def _session(module: str, token_label: str, pin: str):
    """One logged-in session per process and token (opening one costs a login on the HSM)."""
    # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11

    return pkcs11.open_pkcs11_session(
        module, token_criteria=TokenCriteria(label=token_label), user_pin=pin
    )
