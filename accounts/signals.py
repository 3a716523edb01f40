from django.dispatch import receiver

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.signals import authenticator_added


@receiver(authenticator_added)
def record_mfa_on_activation(sender, request, user, authenticator, **kwargs) -> None:
    """Activating TOTP means the user just typed a valid code: count it as using MFA now."""
    if request is not None:
        record_authentication(
            request, user, method="mfa", type=authenticator.type, id=authenticator.pk
        )
