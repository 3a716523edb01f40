"""RP-initiated logout: leaving the portal also ends the national-identity provider's session."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest

from allauth.socialaccount.adapter import get_adapter

from accounts.identity.services import ID_TOKEN_SESSION_KEY, PROVIDER_SESSION_KEY


def provider_logout_url(request: HttpRequest, *, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session URL with `id_token_hint`, when this session came from it.

    Call it before the session is flushed (allauth's `get_logout_redirect_url` runs before).
    """
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    provider_id = request.session.get(PROVIDER_SESSION_KEY)
    if not id_token or not provider_id:
        return None

    try:
        provider = get_adapter(request).get_provider(request, provider_id)
        config = provider.get_oauth2_adapter(request).openid_config
    except Exception:
        return None
    endpoint = config.get("end_session_endpoint")
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "client_id": provider.app.client_id,
        }
    )
    return f"{endpoint}?{query}"


def default_post_logout_redirect_uri() -> str:
    return f"{settings.SITE_URL}/"
