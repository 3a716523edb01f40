from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class IntegrationsConfig(AppConfig):
    name = "integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dossiers.hooks import dossier_event_listeners, dossier_event_participants
        from dossiers.workflow import guards
        from integrations import checks, hooks, panels
        from integrations.dvcqg import provider as _dvcqg  # noqa: F401  (registers itself)
        from integrations.vnpost import provider as _vnpost  # noqa: F401

        # Enabled without its secrets: refuse to start, in every process (web, worker, beat).
        errors = checks.configuration_errors()
        if errors:
            raise ImproperlyConfigured("; ".join(errors))
        # The sync mark is written with the event; the push is queued after commit (ADR 0180).
        dossier_event_participants.register("integrations")(hooks.sync_mark_participant)
        dossier_event_listeners.register("integrations")(hooks.on_dossier_event)
        # Collection by the post chosen on submission: the order is written with it (ADR 0180).
        dossier_event_participants.register("vnpost_pickup")(hooks.postal_pickup_participant)
        guards.register("postal_collection_arrived")(hooks.postal_collection_arrived_guard)
        panels.register()
