"""allauth social-account adapter for the national identity (VNeID).

- hands out `NationalIdentityProvider` (nonce + strict ID-token checks) for the configured id;
- refuses a national sign-in that did not pass our callback's checks;
- never attaches a national identity to an existing account by e-mail or ID number: the owner
  signs in with their password and links it from their profile (process "connect").
"""

from __future__ import annotations

from typing import NoReturn

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base.constants import AuthProcess

from accounts.identity import selectors
from accounts.identity.claims import claims_parse
from accounts.identity.failures import failure_response
from accounts.identity.provider import NationalIdentityProvider
from accounts.services import citizen_register

STATE_ID_TOKEN = "national_identity_id_token"  # noqa: S105 - a key name
STATE_ISSUER = "national_identity_issuer"


def is_national_identity(sociallogin: SocialLogin) -> bool:
    return sociallogin.account.provider == settings.VNEID_PROVIDER_ID


def _refuse(
    request: HttpRequest, template: str, context: dict | None = None, status: int = 403
) -> NoReturn:
    raise ImmediateHttpResponse(
        render(request, f"identity/{template}", context or {}, status=status)
    )


class IdentityAdapter(DefaultSocialAccountAdapter):
    def get_provider(self, request: HttpRequest, provider, client_id=None):
        instance = super().get_provider(request, provider, client_id=client_id)
        app = getattr(instance, "app", None)
        is_national = app is not None and app.provider_id == settings.VNEID_PROVIDER_ID
        if is_national and not isinstance(instance, NationalIdentityProvider):
            instance = NationalIdentityProvider(request, app=app)
        return instance

    def on_authentication_error(
        self, request: HttpRequest, provider, error=None, exception=None, extra_context=None
    ) -> None:
        """Every failed callback: the reason logged and audited, our Vietnamese page shown."""

        raise ImmediateHttpResponse(
            failure_response(
                request,
                provider=provider,
                error=error,
                exception=exception,
                extra=extra_context or {},
            )
        )

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # Citizens may register through the national identity; staff never sign up themselves.
        return is_national_identity(sociallogin)

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if not is_national_identity(sociallogin):
            return
        verified = getattr(sociallogin, "national_identity", None)
        if verified is None:
            # Reached through a callback that skipped nonce and signature checks.
            _refuse(request, "sign_in_failed.html")
        sociallogin.state[STATE_ID_TOKEN] = verified.id_token
        sociallogin.state[STATE_ISSUER] = verified.issuer
        subject = sociallogin.account.uid
        owner = selectors.identity_owner(issuer=verified.issuer, subject=subject)
        claims = claims_parse(verified.claims)
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            self._check_link(request, sociallogin, owner=owner, claims=claims)
            return
        if sociallogin.is_existing:
            if owner is not None and owner.pk != sociallogin.user.pk:
                _refuse(request, "sign_in_failed.html")
            return
        if owner is not None or selectors.local_account_conflicts(
            email=claims.email, id_number=claims.id_number
        ):
            _refuse(request, "link_required.html", status=409)

    def _check_link(self, request, sociallogin, *, owner, claims) -> None:
        user = request.user
        if not user.is_authenticated:
            _refuse(request, "sign_in_failed.html")
        if owner is not None and owner.pk != user.pk:
            _refuse(request, "link_refused.html", {"reason": "other_account"}, status=409)
        if not selectors.link_matches_profile(user=user, id_number=claims.id_number):
            _refuse(request, "link_refused.html", {"reason": "id_number"}, status=409)

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data):
        user = super().populate_user(request, sociallogin, data)
        if is_national_identity(sociallogin):
            claims = claims_parse(sociallogin.account.extra_data.get("userinfo") or data)
            user.full_name = claims.full_name or data.get("name") or ""
            user.phone = claims.phone
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form=None):

        user = super().save_user(request, sociallogin, form=form)
        citizen_register(user=user)
        return user
