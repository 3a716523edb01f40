"""Strict ID-token validation: signature against the provider's JWKS, iss, aud, exp, iat, nonce.

allauth 65's generic OpenID Connect adapter skips the signature when the token came straight
from the token endpoint and has no nonce at all; the national identity gets the full check.
"""

from __future__ import annotations

import json

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error

# Asymmetric algorithms only: never `none`, never HMAC with a public value as the secret.
ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")
REQUIRED_CLAIMS = ["iss", "aud", "sub", "exp", "iat", "nonce"]
CLOCK_SKEW_SECONDS = 60


def jwks_fetch(jwks_uri: str) -> dict:
    with get_adapter().get_requests_session() as session:
        response = session.get(jwks_uri)
        response.raise_for_status()
        return response.json()


def _signing_key(header: dict, jwks: dict):
    algorithm = jwt.algorithms.get_default_algorithms()[header["alg"]]
    candidates = [k for k in jwks.get("keys", []) if k.get("use", "sig") == "sig"]
    if header.get("kid"):
        candidates = [k for k in candidates if k.get("kid") == header["kid"]]
    if len(candidates) != 1:
        raise OAuth2Error("ID token signing key not found")
    return algorithm.from_jwk(json.dumps(candidates[0]))


def id_token_verify(
    *,
    token: str,
    jwks: dict,
    issuer: str,
    client_id: str,
    nonce: str | None,
    algorithms: list[str] | None = None,
) -> dict:
    """Returns the claims of a valid ID token; raises `OAuth2Error` for anything less."""
    allowed = [a for a in (algorithms or ALLOWED_ALGORITHMS) if a in ALLOWED_ALGORITHMS]
    if not nonce:
        raise OAuth2Error("No nonce was sent with this sign-in")
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") not in allowed:
            raise OAuth2Error(f"ID token algorithm {header.get('alg')!r} is not allowed")
        claims = jwt.decode(
            token,
            key=_signing_key(header, jwks),
            algorithms=allowed,
            audience=client_id,
            issuer=issuer,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": REQUIRED_CLAIMS, "verify_signature": True},
        )
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise OAuth2Error(f"Invalid ID token: {exc}") from exc
    if claims.get("nonce") != nonce:
        raise OAuth2Error("ID token nonce does not match this sign-in")
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise OAuth2Error("ID token has several audiences and another authorised party")
    return claims
