from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Tài khoản")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import personal_data, selectors, signals  # noqa: F401

        personal_data.register("account", selectors.personal_data_account)
        personal_data.register("profile", selectors.personal_data_profile)
        personal_data.register("organisations", selectors.personal_data_organisations)
        personal_data.register("audit_events", selectors.personal_data_audit_events)

        # Local import: in ready(), once the app registry is ready.
        from accounts.identity.setup import identity_ready

        identity_ready()
