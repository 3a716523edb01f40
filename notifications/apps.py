from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Thông báo")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Local import: in ready(), once the app registry is ready.
        from notifications.channels.registry import load_channels

        load_channels()

        from accounts.identity.hooks import mandate_phone_codes, sign_in_phone_codes
        from notifications.phone_codes import MandateConsentCodes, SignInCodes

        mandate_phone_codes.register("notifications")(MandateConsentCodes())
        sign_in_phone_codes.register("notifications")(SignInCodes())

        from accounts.identity.hooks import mandate_listeners
        from notifications.mandate_notices import mandate_notice

        mandate_listeners.register("notifications")(mandate_notice)
