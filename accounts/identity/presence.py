"""A national-identity check that signs nobody in: someone present proves who they are (ADR 0306).

At the counter the citizen signs in with the national identity on the officer's device to confirm
a dossier filed for them. The officer's session starts an OpenID Connect authorization-code flow
with the same provider and client as the national sign-in (PKCE S256, state, nonce,
`prompt=login` and `max_age=0` so that a provider session left on the device is never reused);
the callback verifies the ID token exactly as the sign-in does (`tokens.id_token_verify`), checks
that the sign-in happened after the check started (`auth_time`), and hands the claims to the
caller. Nobody is logged in or out of the portal and no account is linked or created; the
provider's session is ended afterwards (`presence_logout_url`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error

from accounts.identity.claims import IdentityClaims, claims_parse
from accounts.identity.provider import configured_issuer
from accounts.identity.tokens import CLOCK_SKEW_SECONDS, id_token_verify, jwks_fetch
from common.exceptions import ApplicationError

logger = logging.getLogger(__name__)

SESSION_KEY = "identity_presence_check"
CHECK_SECONDS = 10 * 60  # the citizen signs in within ten minutes of the officer's click


class PresenceCheckFailed(ApplicationError):
    """The check did not prove anyone's identity; `code` says why (for the log and the page)."""


@dataclass(frozen=True)
class PresentIdentity:
    """Who signed in at the provider for (`purpose`, `reference`), verified."""

    purpose: str
    reference: str
    issuer: str
    subject: str
    claims: IdentityClaims
    acr: str
    authenticated_at: dt.datetime
    id_token: str


def _provider(request: HttpRequest) -> Any:
    try:
        return get_adapter(request).get_provider(request, settings.VNEID_PROVIDER_ID)
    except Exception as error:  # allauth raises SocialApp.DoesNotExist when not configured
        raise PresenceCheckFailed(
            _("Đăng nhập bằng định danh điện tử chưa được cấu hình."), code="not_configured"
        ) from error


def _openid_config(request: HttpRequest, provider: Any) -> dict[str, Any]:
    try:
        return dict(provider.get_oauth2_adapter(request).openid_config)
    except Exception as error:  # the provider is down or answers nonsense: say so, do not fail
        logger.warning("national identity discovery failed: %s", error)
        raise PresenceCheckFailed(
            _("Không kết nối được hệ thống định danh điện tử; thử lại sau hoặc xác nhận bằng mã."),
            code="unavailable",
        ) from error


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def presence_check_start(
    request: HttpRequest, *, purpose: str, reference: str, callback_url: str
) -> str:
    """The provider's authorization URL for a fresh sign-in; the flow's secrets stay in the
    caller's session (one check at a time per session)."""
    provider = _provider(request)
    app = provider.app
    config = _openid_config(request, provider)
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    request.session[SESSION_KEY] = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "purpose": purpose,
        "reference": reference,
        "callback_url": callback_url,
        "started_at": time.time(),
    }
    scope = app.settings.get("scope") or ["openid", "profile"]
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": callback_url,
        "scope": " ".join(scope),
        "state": state,
        "nonce": nonce,
        "code_challenge": _s256(verifier),
        "code_challenge_method": "S256",
        "prompt": "login",
        "max_age": "0",
    }
    return f"{config['authorization_endpoint']}?{urlencode(query)}"


def presence_check_pending(request: HttpRequest) -> dict[str, Any] | None:
    """The check this session started (purpose, reference), without consuming it."""
    pending = request.session.get(SESSION_KEY)
    return dict(pending) if isinstance(pending, dict) else None


def presence_check_finish(request: HttpRequest) -> PresentIdentity:
    """Verify the provider's answer to the check this session started; consumes it."""
    pending = request.session.pop(SESSION_KEY, None)
    if not isinstance(pending, dict) or not secrets.compare_digest(
        str(request.GET.get("state", "")), str(pending.get("state", ""))
    ):
        raise PresenceCheckFailed(_("Phiên xác nhận không hợp lệ."), code="state")
    if time.time() - float(pending["started_at"]) > CHECK_SECONDS:
        raise PresenceCheckFailed(_("Phiên xác nhận đã hết hạn."), code="expired")
    if request.GET.get("error") or not request.GET.get("code"):
        raise PresenceCheckFailed(_("Công dân chưa đăng nhập định danh điện tử."), code="cancelled")
    provider = _provider(request)
    app = provider.app
    issuer = configured_issuer(app)
    sent_issuer = request.GET.get("iss")
    if sent_issuer is not None and sent_issuer.rstrip("/") != issuer:  # RFC 9207
        raise PresenceCheckFailed(_("Phản hồi từ nhà cung cấp khác."), code="issuer")
    config = _openid_config(request, provider)
    try:
        tokens = _exchange(app, config, code=request.GET["code"], pending=pending)
        claims = id_token_verify(
            token=tokens["id_token"],
            jwks=jwks_fetch(config["jwks_uri"]),
            issuer=config["issuer"],
            client_id=app.client_id,
            nonce=pending["nonce"],
            algorithms=config.get("id_token_signing_alg_values_supported"),
        )
        userinfo = _userinfo(config, tokens.get("access_token", ""), subject=claims["sub"])
    except (OAuth2Error, KeyError, ValueError) as error:
        logger.warning("national identity check refused: %s", error)
        raise PresenceCheckFailed(
            _("Không xác thực được kết quả đăng nhập định danh điện tử."), code="token"
        ) from error
    authenticated = float(claims.get("auth_time") or 0)
    if authenticated < float(pending["started_at"]) - CLOCK_SKEW_SECONDS:
        # A session left on the device: not the person present signing in now.
        raise PresenceCheckFailed(_("Cần đăng nhập lại tại thời điểm xác nhận."), code="stale")
    return PresentIdentity(
        purpose=str(pending["purpose"]),
        reference=str(pending["reference"]),
        issuer=issuer,
        subject=str(claims["sub"]),
        claims=claims_parse({**claims, **userinfo}),
        acr=str(claims.get("acr") or ""),
        authenticated_at=dt.datetime.fromtimestamp(authenticated, tz=dt.UTC),
        id_token=tokens["id_token"],
    )


def _exchange(app: Any, config: dict[str, Any], *, code: str, pending: dict) -> dict[str, Any]:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": pending["callback_url"],
        "code_verifier": pending["verifier"],
        "client_id": app.client_id,
    }
    auth = None
    if app.settings.get("token_auth_method") == "client_secret_basic":
        auth = (app.client_id, app.secret)
    else:
        data["client_secret"] = app.secret
    with get_adapter().get_requests_session() as session:
        response = session.post(config["token_endpoint"], data=data, auth=auth)
    if response.status_code != 200:
        raise OAuth2Error(f"Token endpoint answered HTTP {response.status_code}")
    tokens = response.json()
    if not tokens.get("id_token"):
        raise OAuth2Error("The provider returned no ID token")
    return dict(tokens)


def _userinfo(config: dict[str, Any], access_token: str, *, subject: str) -> dict[str, Any]:
    endpoint = config.get("userinfo_endpoint")
    if not endpoint or not access_token:
        return {}
    with get_adapter().get_requests_session() as session:
        response = session.get(endpoint, headers={"Authorization": f"Bearer {access_token}"})
    if response.status_code != 200:
        raise OAuth2Error(f"Userinfo answered HTTP {response.status_code}")
    info = dict(response.json())
    if info.get("sub") != subject:  # OIDC Core 5.3.2
        raise OAuth2Error("Userinfo belongs to another subject")
    return info


def presence_logout_url(
    request: HttpRequest, *, identity: PresentIdentity, post_logout_redirect_uri: str
) -> str | None:
    """The provider's end-session URL, so the citizen's provider session does not stay on the
    counter device; None when the provider has no end-session endpoint."""
    provider = _provider(request)
    endpoint = _openid_config(request, provider).get("end_session_endpoint")
    if not endpoint:
        return None
    query = {
        "id_token_hint": identity.id_token,
        "post_logout_redirect_uri": post_logout_redirect_uri,
        "client_id": provider.app.client_id,
    }
    return f"{endpoint}?{urlencode(query)}"
