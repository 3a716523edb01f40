from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.signals import got_request_exception

        from common import checks  # noqa: F401  (registers the system checks)
        from common.middleware import note_transient_fault

        # A passing fault raised after the view returned gets the 503 page too (issue 17).
        got_request_exception.connect(note_transient_fault, dispatch_uid="transient_fault")
