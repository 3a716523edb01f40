from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dossiers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The guards dossiers answers itself; higher apps register theirs in their own ready().
        from dossiers import (
            guards,  # noqa: F401
            official_forms,  # noqa: F401  (forms: listener issuing forms 01–06)
        )

        self._processing_ready()

    def _processing_ready(self) -> None:
        """processing: citizen notices on status changes; consulted and inter-agency scopes."""
        from dossiers import processing
        from dossiers.hooks import dossier_agency_scopes, dossier_event_listeners

        dossier_event_listeners.register("dossiers.citizen_notices")(
            processing.notify_citizen_of_event
        )
        dossier_agency_scopes.register("dossiers.consultations")(processing.consulted_agency_scope)
        dossier_agency_scopes.register("dossiers.interagency")(processing.interagency_agency_scope)
