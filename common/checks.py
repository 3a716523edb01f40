"""Production refuses every simulator and demo path (docs/adr/0210-one-rule-for-simulators.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from common.simulators import SIMULATOR_SETTINGS, simulators_switched_on


@register()
def simulators_need_demo_mode(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """With DEBUG off a simulator runs only when DEMO_MODE=true is set explicitly."""
    if settings.DEBUG or settings.DEMO_MODE:
        return []
    return [
        Error(
            f"The {SIMULATOR_SETTINGS[name]} simulator is on ({name}) with DEBUG and DEMO_MODE off.",
            hint=f"Set {name}=false and configure the real provider, or DEMO_MODE=true for a demo.",
            id="common.E001",
        )
        for name in simulators_switched_on()
    ]


@register(Tags.security, deploy=True)
def no_simulator_in_production(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """`check --deploy`: a production instance runs no simulator and no demo mode."""
    if settings.DEBUG:
        return []  # Django's own security.W018 already fails a deploy with DEBUG on
    errors = [
        Error(
            f"The {SIMULATOR_SETTINGS[name]} simulator is on ({name}) in a production deploy.",
            hint=f"Set {name}=false and configure the real provider (see .env.example).",
            id="common.E002",
        )
        for name in simulators_switched_on()
    ]
    if settings.DEMO_MODE:
        errors.append(
            Error(
                "DEMO_MODE is on in a production deploy: demo data and simulators may run.",
                hint="Unset DEMO_MODE (it is false by default with DEBUG off).",
                id="common.E003",
            )
        )
    return errors
