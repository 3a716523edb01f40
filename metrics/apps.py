from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Local import: in ready(), once the app registry is ready.
        from dossiers.hooks import dossier_event_listeners
        from metrics.services import facts_on_dossier_event

        # After commit (and by the sweep): the dossier's facts recomputed at once (issue #20).
        dossier_event_listeners.register("metrics")(facts_on_dossier_event)
