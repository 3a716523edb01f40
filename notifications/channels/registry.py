from functools import cache

from common.registry import Registry
from notifications.channels.base import BaseChannel

channel_registry: Registry[type[BaseChannel]] = Registry("notification channel")
register = channel_registry.register


@cache
def get_channel(key: str) -> BaseChannel:
    """One instance per channel and process (channels keep their HTTP sessions)."""
    return channel_registry[key]()


def load_channels() -> None:
    """Import the built-in channel modules so they register (called from AppConfig.ready)."""
    from notifications.channels import email, inbox, sms_twilio, zalo  # noqa: F401
