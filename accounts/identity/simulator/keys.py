"""The simulator's RS256 signing key: generated at first use and kept on disk (never committed)."""

from __future__ import annotations

import base64
import functools
import hashlib
import json

from django.conf import settings

import jwt


@functools.cache
def signing_key():
    # Local import: cryptography is a heavy library, loaded on first use.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    path = settings.VNEID_SIMULATOR_KEY_PATH
    if path.exists():
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.write_bytes(pem)
    path.chmod(0o600)
    return key


def public_jwk() -> dict:

    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(signing_key().public_key()))
    thumbprint = hashlib.sha256(
        json.dumps(
            {k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True
        ).encode()
    ).digest()
    jwk.update(
        {
            "kid": base64.urlsafe_b64encode(thumbprint).rstrip(b"=").decode(),
            "use": "sig",
            "alg": "RS256",
        }
    )
    return jwk
