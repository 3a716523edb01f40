from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "procedures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Local import: in ready(), once the app registry is ready.
        from procedures.services import connect_catalogue_signals

        connect_catalogue_signals()
