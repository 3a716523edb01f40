"""Providers register here by key (`payments.constants.Provider`); `PaymentsConfig.ready()`
imports the provider modules so their decorators run."""

from __future__ import annotations

from common.registry import Registry
from payments.providers.base import BaseProvider

providers: Registry[BaseProvider] = Registry("payment provider")


def get_provider(key: str) -> BaseProvider:
    return providers[key]
