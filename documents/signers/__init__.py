"""Where signing keys live: key-store plugins chosen by `settings.SIGNING_KEYSTORE`.

`pkcs12` reads one PKCS#12 file per agency or officer (development, small deployments);
`pkcs11` signs inside an HSM (production; tested with SoftHSM2). Citizens sign remotely through
a CSC API v2 service (`signers.csc`).
"""

from django.conf import settings

from documents.signers import pkcs11, pkcs12  # noqa: F401  (registers the plugins)
from documents.signers.base import BaseKeyStore, SigningIdentity, SigningKeyMissing, keystores


def get_keystore() -> BaseKeyStore:
    return keystores[settings.SIGNING_KEYSTORE]()


__all__ = ["BaseKeyStore", "SigningIdentity", "SigningKeyMissing", "get_keystore", "keystores"]
