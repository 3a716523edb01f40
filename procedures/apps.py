from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "procedures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Local import: in ready(), once the app registry is ready.
        from procedures.services import connect_catalogue_signals

        connect_catalogue_signals()

        from accounts.identity.hooks import mandate_field_choices
        from procedures.selectors import field_choices

        mandate_field_choices.register("procedures")(field_choices)
