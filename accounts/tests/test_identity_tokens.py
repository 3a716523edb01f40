"""Forged ID tokens: each one is refused by the strict validation the national sign-in uses."""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from cryptography.hazmat.primitives.asymmetric import rsa

from accounts.identity.tokens import id_token_verify

ISSUER = "https://vneid.example.gov.vn"
CLIENT = "cong-dvc-tay-ninh"
NONCE = "n-0S6_WzA2Mj"


def make_key(kid: str | None = "k1"):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": kid or "k1", "use": "sig", "alg": "RS256"})
    return key, {"keys": [jwk]}


KEY, JWKS = make_key()
OTHER_KEY, _ = make_key()


def claims(**overrides):
    now = int(time.time())
    return {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "subject-1",
        "iat": now,
        "exp": now + 300,
        "nonce": NONCE,
        **overrides,
    }


def sign(payload, key=KEY, alg="RS256", kid="k1"):
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid})


def hs256_signed_with_the_public_key():
    """The classic confusion attack: HMAC keyed with the provider's public key."""
    from cryptography.hazmat.primitives import serialization

    def b64(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    public_pem = KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = (
        b64(json.dumps({"alg": "HS256", "kid": "k1"}).encode())
        + b"."
        + b64(json.dumps(claims()).encode())
    )
    signature = hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + b64(signature)).decode()


def verify(token, nonce=NONCE):
    return id_token_verify(token=token, jwks=JWKS, issuer=ISSUER, client_id=CLIENT, nonce=nonce)


def test_a_genuine_token_passes():
    assert verify(sign(claims()))["sub"] == "subject-1"


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: sign(claims(), key=OTHER_KEY), id="wrong-signature"),
        pytest.param(lambda: sign(claims(iss="https://evil.example")), id="wrong-iss"),
        pytest.param(lambda: sign(claims(aud="another-client")), id="wrong-aud"),
        pytest.param(
            lambda: sign(claims(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200)),
            id="expired",
        ),
        pytest.param(lambda: sign(claims(nonce="another-nonce")), id="wrong-nonce"),
        pytest.param(
            lambda: sign({k: v for k, v in claims().items() if k != "nonce"}), id="no-nonce"
        ),
        pytest.param(lambda: sign({k: v for k, v in claims().items() if k != "exp"}), id="no-exp"),
        pytest.param(lambda: jwt.encode(claims(), None, algorithm="none"), id="alg-none"),
        pytest.param(hs256_signed_with_the_public_key, id="hs256-with-public-key"),
        pytest.param(lambda: sign(claims(), kid="unknown"), id="unknown-kid"),
        pytest.param(lambda: sign(claims(aud=[CLIENT, "other"], azp="other")), id="foreign-azp"),
        pytest.param(lambda: "not.a.jwt", id="garbage"),
    ],
)
def test_forged_tokens_are_refused(token):
    with pytest.raises(OAuth2Error):
        verify(token())


def test_no_nonce_sent_means_no_token_is_accepted():
    with pytest.raises(OAuth2Error):
        verify(sign(claims()), nonce=None)
