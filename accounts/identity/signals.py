"""National-identity recording after sign-in, audit of MFA removal, and ending sessions.

Password sign-ins, sign-outs, failures and new authenticators are audited in accounts/signals.py.
Receivers only translate signals into service calls (see services.py).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from allauth.account.signals import user_logged_in
from allauth.mfa.signals import authenticator_removed, authenticator_reset
from allauth.socialaccount.signals import social_account_added

from accounts.identity import services
from accounts.identity.adapter import STATE_ID_TOKEN, STATE_ISSUER, is_national_identity
from accounts.models import User
from common.audit import audit_record


def _national_sign_in(request, sociallogin) -> None:
    issuer = sociallogin.state.get(STATE_ISSUER)
    if not issuer or not is_national_identity(sociallogin):
        return
    extra = sociallogin.account.extra_data
    claims = extra.get("userinfo") or extra.get("id_token") or {}
    services.identity_sign_in_record(
        user=sociallogin.user, issuer=issuer, claims=claims, request=request
    )
    if request is not None and hasattr(request, "session"):
        request.session[services.ID_TOKEN_SESSION_KEY] = sociallogin.state.get(STATE_ID_TOKEN)
        request.session[services.PROVIDER_SESSION_KEY] = sociallogin.account.provider


@receiver(user_logged_in)
def on_logged_in(sender, request, user, **kwargs) -> None:
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None:
        _national_sign_in(request, sociallogin)


@receiver(social_account_added)
def on_social_account_added(sender, request, sociallogin, **kwargs) -> None:
    _national_sign_in(request, sociallogin)


@receiver(authenticator_removed)
def on_mfa_removed(sender, request, user, authenticator, **kwargs) -> None:
    audit_record(
        action="mfa.removed",
        actor=user,
        obj=user,
        data={"type": authenticator.type},
        request=request,
    )


@receiver(authenticator_reset)
def on_mfa_reset(sender, request, user, authenticator, **kwargs) -> None:
    audit_record(
        action="mfa.reset", actor=user, obj=user, data={"type": authenticator.type}, request=request
    )


@receiver(pre_save, sender=User)
def remember_security_fields(sender, instance: User, **kwargs) -> None:
    if instance.pk is None:
        return
    before = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    instance._sessions_must_end = before is not None and (
        before["password"] != instance.password or (before["is_active"] and not instance.is_active)
    )


@receiver(post_save, sender=User)
def end_sessions_on_security_change(sender, instance: User, created: bool, **kwargs) -> None:
    """A disabled account or a new password ends every session (ASVS 7.4.2)."""
    if created or not getattr(instance, "_sessions_must_end", False):
        return
    instance._sessions_must_end = False
    audit_record(action="auth.sessions_ended", obj=instance, data={"is_active": instance.is_active})
    transaction.on_commit(lambda: services.user_sessions_end(user=instance))
