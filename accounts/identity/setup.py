"""Called from `AccountsConfig.ready()`: connects our signal receivers and export sections."""

from accounts import personal_data


def identity_ready() -> None:
    from accounts.identity import admin, selectors, signals  # noqa: F401

    personal_data.register("national_identities", selectors.personal_data_identities)
    personal_data.register("mandates", selectors.personal_data_mandates)
    personal_data.register("privacy_requests", selectors.personal_data_privacy_requests)
