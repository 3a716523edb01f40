"""The plugin base of the integration hub and its registry (the Open Forms pattern).

A provider module subclasses `Integration` and registers an instance under its key; the app's
`ready()` imports the modules so their decorators run. A provider is off unless its
`<KEY>_ENABLED` setting says otherwise; when on against the real service, every setting in
`required_settings` must be set, or the app refuses to start (`integrations.checks`).
"""

from __future__ import annotations

from django.conf import settings

from common.exceptions import ApplicationError
from common.registry import Registry


class IntegrationError(ApplicationError):
    """The other party could not be reached, refused, or answered something unusable.

    `retryable` says whether trying again later may help (network, 5xx, session expired).
    """

    def __init__(self, message: str, *, retryable: bool = True, code: str = "integration") -> None:
        super().__init__(message, code=code)
        self.retryable = retryable


class Integration:
    key: str = ""
    label: str = ""
    enabled_setting: str = ""
    simulator_setting: str = ""
    # Needed when enabled against the real service (the simulator has built-in defaults).
    required_settings: tuple[str, ...] = ()

    def is_enabled(self) -> bool:
        return bool(getattr(settings, self.enabled_setting, False))

    def uses_simulator(self) -> bool:
        return bool(getattr(settings, self.simulator_setting, False))

    def configuration_errors(self) -> list[str]:
        """Why this provider cannot run as configured (empty when it can, or when it is off)."""
        if not self.is_enabled():
            return []
        errors = [
            f"{self.enabled_setting} is on but {name} is not set"
            for name in self.required_settings
            if not getattr(settings, name, "")
        ]
        if self.uses_simulator() and not settings.DEBUG and not settings.DEMO_MODE:
            errors.append(
                f"{self.simulator_setting} must be off in production (DEBUG and DEMO_MODE off)"
            )
        return errors


integrations: Registry[Integration] = Registry("integration")


def get_integration(key: str) -> Integration:
    return integrations[key]
