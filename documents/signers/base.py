from dataclasses import dataclass, field
from typing import Any

from common.exceptions import ApplicationError
from common.registry import Registry


class SigningKeyMissing(ApplicationError):
    """No key is configured for this agency or officer."""


@dataclass
class SigningIdentity:
    """A ready pyHanko signer plus what the stamp and the stored document say about it."""

    signer: Any  # pyhanko.sign.signers.Signer (imported lazily: pyHanko is heavy)
    kind: str  # documents.constants.SignerKind
    display_name: str
    role: str = ""  # shown on the stamp under the name, e.g. "Chủ tịch UBND xã"
    agency: Any = None  # agencies.models.Agency | None
    agency_name: str = ""
    chain: list = field(default_factory=list)  # asn1crypto certificates, signer first


class BaseKeyStore:
    def agency_identity(self, *, agency) -> SigningIdentity:
        raise NotImplementedError

    def has_agency_key(self, *, agency) -> bool:
        """Whether `agency` can sign now (receipts and forms wait for it otherwise)."""
        try:
            self.agency_identity(agency=agency)
        except SigningKeyMissing:
            return False
        return True

    def officer_identity(self, *, user, agency, role: str = "") -> SigningIdentity:
        raise NotImplementedError


keystores: Registry[type[BaseKeyStore]] = Registry("signing key store")


def agency_key_label(agency) -> str:
    return f"agency-{agency.code}"


def officer_key_label(user) -> str:
    return f"officer-{user.uuid}"


def common_name(certificate) -> str:
    """The subject CN of an asn1crypto certificate."""
    return certificate.subject.native.get("common_name", "") or certificate.subject.human_friendly
