from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Local import: in ready(), once the app registry is ready.
        from dossiers.hooks import dossier_event_listeners
        from metrics.tasks import facts_queue_on_dossier_event

        # After commit (and by the sweep): the dossier's facts recomputed (issue #20), by the
        # worker, seconds later, not in the officer's request (ADR 0325).
        dossier_event_listeners.register("metrics")(facts_queue_on_dossier_event)
