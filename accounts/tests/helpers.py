"""Helpers for driving the real allauth pages in tests."""

import re

from django.core import mail
from django.urls import reverse

from allauth.account.models import EmailAddress

from accounts.tests.factories import DEFAULT_PASSWORD


def verify_email(user) -> None:
    """Marks the user's address verified, as if they had clicked the link (sign-in needs it)."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def post_login(client, email: str, password: str = DEFAULT_PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def current_totp_code(secret: str) -> str:
    """The code an authenticator app would show now (allauth's own HOTP arithmetic)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def link_in_last_email() -> str:
    match = re.search(r"https?://\S+", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def session_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")
