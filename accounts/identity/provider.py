"""The national identity provider: allauth's OpenID Connect provider with nonce and strict tokens.

`IdentityAdapter.get_provider` hands out `NationalIdentityProvider` for the configured provider id,
so allauth's own login URL (`/accounts/oidc/<id>/login/`) starts our flow. The callback is ours
(`identity:oidc_callback`) because allauth's callback view hard-codes its adapter class.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri

from accounts.identity.failures import IssuerMismatch
from accounts.identity.tokens import id_token_verify, jwks_fetch


@dataclass(frozen=True)
class VerifiedSignIn:
    """What our callback proved; `pre_social_login` refuses a national sign-in without it."""

    id_token: str
    claims: dict
    issuer: str


def configured_issuer(app) -> str:
    return (app.settings.get("issuer") or app.settings["server_url"]).rstrip("/")


class NationalIdentityOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    expected_nonce: str | None = None

    def get_callback_url(self, request: HttpRequest, app) -> str:
        url = reverse("identity:oidc_callback", kwargs={"provider_id": self.provider_id})
        return build_absolute_uri(request, url, self.redirect_uri_protocol)

    def complete_login(self, request: HttpRequest, app, token, **kwargs):
        raw_id_token = kwargs["response"].get("id_token")
        if not raw_id_token:
            raise OAuth2Error("The provider returned no ID token")
        config = self.openid_config
        issuer = configured_issuer(app)
        if config.get("issuer", "").rstrip("/") != issuer:
            raise OAuth2Error("Discovery document names another issuer")
        claims = id_token_verify(
            token=raw_id_token,
            jwks=jwks_fetch(config["jwks_uri"]),
            issuer=config["issuer"],
            client_id=app.client_id,
            nonce=self.expected_nonce,
            algorithms=config.get("id_token_signing_alg_values_supported"),
        )
        data: dict = {"id_token": claims}
        if app.settings.get("fetch_userinfo", True) and config.get("userinfo_endpoint"):
            userinfo = self._fetch_user_info(token.token)
            if userinfo.get("sub") != claims["sub"]:  # OIDC Core 5.3.2
                raise OAuth2Error("Userinfo belongs to another subject")
            data["userinfo"] = {**claims, **userinfo}
        login = self.get_provider().sociallogin_from_response(request, data)
        login.national_identity = VerifiedSignIn(
            id_token=raw_id_token, claims=data.get("userinfo", claims), issuer=issuer
        )
        return login


class NationalIdentityCallbackView(OAuth2CallbackView):
    def _get_state(self, request: HttpRequest, provider):
        state, response = super()._get_state(request, provider)
        if state is not None:
            self.adapter.expected_nonce = state.get("nonce")
            # RFC 9207: a provider that names itself in the response must be the one we asked
            # (a mix-up attack sends another provider's code to this callback).
            sent_issuer = request.GET.get("iss")
            if sent_issuer is not None and sent_issuer.rstrip("/") != configured_issuer(
                provider.app
            ):
                return None, render_authentication_error(
                    request,
                    provider,
                    exception=IssuerMismatch(f"iss {sent_issuer!r} is not the configured issuer"),
                    extra_context={"state": state},
                )
        return state, response


class NationalIdentityProvider(OpenIDConnectProvider):
    def get_oauth2_adapter(self, request: HttpRequest):
        return NationalIdentityOAuth2Adapter(request, self.app.provider_id)

    def get_callback_url(self) -> str:
        return reverse("identity:oidc_callback", kwargs={"provider_id": self.app.provider_id})

    def redirect(self, request: HttpRequest, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params["nonce"] = nonce
        # `nonce` lands in the stashed state next to the PKCE verifier (see stash_redirect_state).
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )


def oidc_callback(request: HttpRequest, provider_id: str):
    view = NationalIdentityCallbackView.adapter_view(
        NationalIdentityOAuth2Adapter(request, provider_id)
    )
    return view(request)
