from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Providers register themselves on import.
        from dossiers.hooks import (
            confirmation_panels,
            dossier_event_participants,
            dossier_panels,
            office_panels,
        )
        from dossiers.workflow import guards
        from payments import hooks
        from payments.panels import (
            confirmation_payment_panel,
            dossier_payment_panel,
            office_payment_panel,
        )
        from payments.providers import counter, vnpay  # noqa: F401

        guards.register("fees_settled")(hooks.fees_settled_guard)
        dossier_event_participants.register("payments")(hooks.charge_on_dossier_event)
        dossier_panels.register("payments", order=10)(dossier_payment_panel)
        office_panels.register("payments", order=10)(office_payment_panel)
        confirmation_panels.register("payments", order=10)(confirmation_payment_panel)
        # The person's payments in their personal-data download (right of access).
        from accounts import personal_data
        from payments.selectors import (
            PERSONAL_DATA_LABELS,
            PERSONAL_DATA_TITLE,
            personal_data_payments,
        )

        personal_data.register(
            "payments",
            personal_data_payments,
            title=PERSONAL_DATA_TITLE,
            labels=PERSONAL_DATA_LABELS,
        )
