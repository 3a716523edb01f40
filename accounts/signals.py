"""Receivers for allauth and Django auth signals: MFA bookkeeping and the sign-in audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added

from common.audit import audit_record


@receiver(authenticator_added)
def record_mfa_on_activation(sender, request, user, authenticator, **kwargs) -> None:
    """Activating TOTP means the user just typed a valid code: count it as using MFA now.

    Only TOTP counts: generating recovery codes proves nothing about a second factor, and
    counting it would let a password-only session promote itself.
    """
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_authentication(
            request, user, method="mfa", type=authenticator.type, id=authenticator.pk
        )
    audit_record(
        action="mfa.authenticator_added",
        actor=user,
        obj=user,
        data={"type": authenticator.type},
        request=request,
    )


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs) -> None:
    audit_record(action="account.login", actor=user, obj=user, request=request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(action="account.logout", actor=user, obj=user, request=request)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Only the e-mail typed is kept (never the password); the account may not even exist.
    email = str(credentials.get("email") or credentials.get("username") or "")[:254]
    audit_record(action="account.login_failed", data={"email": email}, request=request)
