from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class IntegrationsConfig(AppConfig):
    name = "integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Local import: in ready(), once the app registry is ready.
        from dossiers.hooks import dossier_event_listeners
        from integrations import checks, hooks, panels
        from integrations.dvcqg import provider as _dvcqg  # noqa: F401  (registers itself)
        from integrations.vnpost import provider as _vnpost  # noqa: F401

        # Enabled without its secrets: refuse to start, in every process (web, worker, beat).
        errors = checks.configuration_errors()
        if errors:
            raise ImproperlyConfigured("; ".join(errors))
        dossier_event_listeners.register("integrations")(hooks.on_dossier_event)
        panels.register()
