"""One rule for every simulator and demo path (SMS, Zalo, VNPay, VNeID, CSC signing, the National
Portal, VNPost, seed_demo). See docs/adr/0210-one-rule-for-simulators.md.

- With DEBUG off a simulator runs only when DEMO_MODE=true is set explicitly (`simulator_on`);
  `manage.py check --deploy` fails while any is on with DEBUG off (`common.checks`).
- Their secrets are generated per installation (`common.installation_secrets`), never constants.
- Their operator views (message logs, consoles, forged reports) are for the system administrator
  only: a superuser whose session used MFA (`system_admin_only`).
- They call back only the portal itself (`is_own_url`).
"""

from __future__ import annotations

from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

from accounts.selectors import session_used_mfa

# Every simulator's switch, with the name an operator reads in an error.
SIMULATOR_SETTINGS: dict[str, str] = {
    "TWILIO_SIMULATOR_ENABLED": "SMS (Twilio)",
    "ZALO_SIMULATOR_ENABLED": "Zalo ZNS",
    "PAYMENT_SIMULATOR_ENABLED": "VNPay",
    "VNEID_SIMULATOR": "VNeID",
    "CSC_SIMULATOR_ENABLED": "CSC remote signing",
    "DVCQG_SIMULATOR_ENABLED": "National Public Service Portal",
    "VNPOST_SIMULATOR_ENABLED": "VNPost",
}


def demo_paths_allowed() -> bool:
    """Simulators and demo data may run: a developer's DEBUG, or DEMO_MODE set explicitly."""
    return bool(settings.DEBUG or getattr(settings, "DEMO_MODE", False))


def simulator_on(setting_name: str) -> bool:
    """The simulator's switch, and never with DEBUG off unless DEMO_MODE is on."""
    return bool(getattr(settings, setting_name, False)) and demo_paths_allowed()


def simulators_switched_on() -> list[str]:
    """The setting names of the simulators whose switch is on (whatever the mode)."""
    return [name for name in SIMULATOR_SETTINGS if getattr(settings, name, False)]


def is_system_admin(request: HttpRequest) -> bool:

    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_superuser
        and session_used_mfa(request=request)
    )


def system_admin_only(view: Any) -> Any:
    """A simulator's operator view: 404 for everyone but a superuser signed in with MFA (the
    message log holds one-time codes; a 404 does not even tell that the simulator runs)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_system_admin(request):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def is_own_url(url: str, *bases: str) -> bool:
    """Whether `url` points at this portal (SITE_URL, or one of `bases` the operator set for
    the portal's own callbacks): the only place a simulator calls back."""
    target = urlsplit(url or "")
    if target.username or target.password:
        return False
    for base in (settings.SITE_URL, *bases):
        own = urlsplit(base)
        own_path = own.path.rstrip("/") + "/"
        if (
            target.scheme == own.scheme
            and target.netloc == own.netloc
            and (target.path + "/").startswith(own_path)
        ):
            return True
    return False
