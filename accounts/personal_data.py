"""Registry of the sections in a citizen's personal-data download (the right of access).

Each app that holds data about a person registers a section in its `AppConfig.ready()`:

    from accounts import personal_data
    personal_data.register("dossiers", dossiers.selectors.personal_data_for)

The callable takes the user and returns JSON-serialisable data (dates, UUIDs and Decimals are
handled). It must return only that user's own data. `accounts` never imports the apps that
register, so the layer rule holds.
"""

from collections.abc import Callable
from typing import Any

from common.registry import Registry

PersonalDataProvider = Callable[[Any], Any]

sections: Registry[PersonalDataProvider] = Registry("personal-data section")


def register(name: str, provider: PersonalDataProvider) -> PersonalDataProvider:
    return sections.register(name)(provider)


def collect(user: Any) -> dict[str, Any]:
    """Every registered section for `user`, in registration order."""
    return {name: provider(user) for name, provider in sections.items()}
