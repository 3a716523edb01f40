"""Refuse to start with a provider enabled but not configured (ARCHITECTURE: integrations)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register

from integrations.base import integrations


def configuration_errors() -> list[str]:

    return [
        message for _key, item in integrations.items() for message in item.configuration_errors()
    ]


@register(Tags.compatibility)
def integrations_configured(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return [
        Error(message, hint="See docs/integrations.md and .env.example.", id="integrations.E001")
        for message in configuration_errors()
    ]
