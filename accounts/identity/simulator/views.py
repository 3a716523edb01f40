"""A local stand-in for VNeID that speaks OpenID Connect (code flow, PKCE S256, RS256 tokens).

On only when `VNEID_SIMULATOR` is true (DEMO_MODE without a real issuer): `make run` then has
a working "Đăng nhập bằng VNeID" with the fictional people in `people.py`. Codes and access
tokens live in the cache; a code is single-use and valid for 60 seconds.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

import jwt

from accounts.identity.simulator.keys import public_jwk, signing_key
from accounts.identity.simulator.people import BY_SUBJECT, DEMO_IDENTITIES
from common.simulators import simulator_on

CODE_TTL = 60
TOKEN_TTL = 300
SCOPE_CLAIMS = {
    "profile": ("name", "birthdate", "gender", "national_id"),
    "email": ("email",),
    "phone": ("phone_number",),
    "address": ("address",),
}


def _issuer() -> str:
    return settings.VNEID_SIMULATOR_ISSUER


def _enabled(view):
    def wrapper(request, *args, **kwargs):
        if not simulator_on("VNEID_SIMULATOR"):
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


def _error(error: str, description: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=status)


def _same_site(url: str) -> bool:
    """Redirects go only back to this portal (the simulator's single registered client)."""
    target, site = urlsplit(url), urlsplit(settings.SITE_URL)
    return (target.scheme, target.netloc) == (site.scheme, site.netloc)


@_enabled
def discovery(request: HttpRequest) -> JsonResponse:
    issuer = _issuer()
    return JsonResponse(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "jwks_uri": f"{issuer}/jwks",
            "end_session_endpoint": f"{issuer}/end-session",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "scopes_supported": ["openid", *SCOPE_CLAIMS],
            "acr_values_supported": ["urn:vneid:loa:1", "urn:vneid:loa:2"],
        }
    )


@_enabled
def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"keys": [public_jwk()]})


@_enabled
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    params = request.GET if request.method == "GET" else request.POST
    problem = _authorize_problem(params)
    if problem:
        return render(request, "identity/simulator/error.html", {"problem": problem}, status=400)
    if request.method == "GET":
        return render(
            request,
            "identity/simulator/authorize.html",
            {"people": DEMO_IDENTITIES, "params": params.items()},
        )
    person = BY_SUBJECT.get(params.get("sub", ""))
    if person is None:
        return render(request, "identity/simulator/error.html", {"problem": "sub"}, status=400)
    code = secrets.token_urlsafe(32)
    cache.set(
        f"vneid-sim:code:{code}",
        {
            "sub": person["sub"],
            "client_id": params["client_id"],
            "redirect_uri": params["redirect_uri"],
            "nonce": params.get("nonce", ""),
            "code_challenge": params["code_challenge"],
            "scope": params.get("scope", "openid"),
            "auth_time": int(time.time()),
        },
        CODE_TTL,
    )
    query = urlencode({"code": code, "state": params.get("state", ""), "iss": _issuer()})
    return HttpResponseRedirect(f"{params['redirect_uri']}?{query}")


def _authorize_problem(params) -> str:
    if params.get("client_id") != settings.VNEID_CLIENT_ID:
        return "client_id"
    if params.get("response_type") != "code" or "openid" not in params.get("scope", "").split():
        return "response_type"
    if not _same_site(params.get("redirect_uri", "")):
        return "redirect_uri"
    if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
        return "pkce"
    return ""


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        return client_id, secret
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


def _s256(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


def _claims_for(person: dict, scope: str) -> dict:
    claims = {"sub": person["sub"]}
    for name in scope.split():
        for claim in SCOPE_CLAIMS.get(name, ()):
            claims[claim] = person[claim]
    if "email" in claims:
        claims["email_verified"] = True
    return claims


@csrf_exempt
@_enabled
@require_http_methods(["POST"])
def token(request: HttpRequest) -> JsonResponse:

    client_id, secret = _client_credentials(request)
    if client_id != settings.VNEID_CLIENT_ID or not secrets.compare_digest(
        secret, settings.VNEID_CLIENT_SECRET
    ):
        return _error("invalid_client", "unknown client or wrong secret", status=401)
    if request.POST.get("grant_type") != "authorization_code":
        return _error("unsupported_grant_type", "only authorization_code")
    grant = cache.get(f"vneid-sim:code:{request.POST.get('code', '')}")
    cache.delete(f"vneid-sim:code:{request.POST.get('code', '')}")  # single use
    if grant is None or grant["client_id"] != client_id:
        return _error("invalid_grant", "unknown, used or expired code")
    if grant["redirect_uri"] != request.POST.get("redirect_uri"):
        return _error("invalid_grant", "redirect_uri differs from the authorization request")
    if _s256(request.POST.get("code_verifier", "")) != grant["code_challenge"]:
        return _error("invalid_grant", "PKCE verification failed")
    person = BY_SUBJECT[grant["sub"]]
    now = int(time.time())
    id_claims = {
        **_claims_for(person, grant["scope"]),
        "iss": _issuer(),
        "aud": client_id,
        "iat": now,
        "exp": now + TOKEN_TTL,
        "auth_time": grant["auth_time"],
        "nonce": grant["nonce"],
        "acr": person["acr"],
    }
    id_token = jwt.encode(
        id_claims, signing_key(), algorithm="RS256", headers={"kid": public_jwk()["kid"]}
    )
    access_token = secrets.token_urlsafe(32)
    cache.set(
        f"vneid-sim:token:{access_token}",
        {"sub": person["sub"], "scope": grant["scope"]},
        TOKEN_TTL,
    )
    return JsonResponse(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_TTL,
            "id_token": id_token,
            "scope": grant["scope"],
        }
    )


@csrf_exempt
@_enabled
@require_http_methods(["GET", "POST"])
def userinfo(request: HttpRequest) -> JsonResponse:
    header = request.headers.get("Authorization", "")
    grant = cache.get(f"vneid-sim:token:{header[7:]}") if header.startswith("Bearer ") else None
    if grant is None:
        return _error("invalid_token", "missing or expired access token", status=401)
    return JsonResponse(_claims_for(BY_SUBJECT[grant["sub"]], grant["scope"]))


@_enabled
def end_session(request: HttpRequest) -> HttpResponse:
    target = request.GET.get("post_logout_redirect_uri", "")
    if target and _same_site(target):
        return HttpResponseRedirect(target)
    return render(request, "identity/simulator/signed_out.html")
