"""Where signing keys live: key-store plugins chosen by `settings.SIGNING_KEYSTORE`.

`pkcs12` reads one PKCS#12 file per agency or officer (development, small deployments);
`pkcs11` signs inside an HSM (production; tested with SoftHSM2). Citizens sign remotely through
a CSC API v2 service (`signers.csc`).
"""

import contextlib

from django.conf import settings

from documents.signers import pkcs11, pkcs12  # noqa: F401  (registers the plugins)
from documents.signers.base import BaseKeyStore, SigningIdentity, SigningKeyMissing, keystores
from documents.signers.csc import CscClient, RemoteSigningError


def get_keystore() -> BaseKeyStore:
    return keystores[settings.SIGNING_KEYSTORE]()


def person_certificates(*, user) -> list:
    """The certificates the portal knows to be `user`'s own: the server-held personal key (key
    store) and the credentials of the remote-signing service. A signature counts as theirs only
    with one of these, never by a name that happens to match."""
    # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
    from pyhanko.sign.general import SigningError

    certificates = []
    # No personal key in the store (file or HSM) is no error: the person may sign remotely.
    with contextlib.suppress(SigningKeyMissing, SigningError):
        certificates.append(get_keystore().officer_identity(user=user, agency=None).chain[0])
    if settings.REMOTE_SIGNING_ENABLED:
        # Local import: asn1crypto is a heavy library, loaded on first use.
        from asn1crypto import x509

        client = CscClient()
        try:
            for credential_id in client.credentials_list(user_id=str(user.uuid)):
                info = client.credentials_info(credential_id=credential_id)
                certificates.append(x509.Certificate.load(info.certificates[0]))
        except RemoteSigningError:
            pass
    return certificates


__all__ = [
    "BaseKeyStore",
    "SigningIdentity",
    "SigningKeyMissing",
    "get_keystore",
    "keystores",
    "person_certificates",
]
