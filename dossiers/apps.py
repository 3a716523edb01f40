from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dossiers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every registration of this app happens here, none as an import side effect.
        # Local import: in ready(), once the app registry is ready.
        from dossiers import guards  # noqa: F401  (the guards dossiers answers itself)
        from dossiers.hooks import (
            dossier_agency_scopes,
            dossier_event_listeners,
            dossier_event_participants,
            office_panels,
        )
        from dossiers.official_forms import tasks as official_form_tasks
        from dossiers.register_views import official_forms_panel
        from dossiers.services import notices, processing

        # In the event's transaction: the citizen's notice (ADR 0180).
        dossier_event_participants.register("dossiers.citizen_notices")(
            notices.citizen_notice_participant
        )
        # After commit (and by the sweep): forms 01–06 queued for issuance.
        dossier_event_listeners.register("official_forms")(official_form_tasks.on_dossier_event)
        # Consulted and inter-agency units may see the dossier and record their facts.
        dossier_agency_scopes.register("dossiers.consultations")(processing.consulted_agency_scope)
        dossier_agency_scopes.register("dossiers.interagency")(processing.interagency_agency_scope)
        # A result is the agency's until it is issued: the data store withholds it until then.
        # Local import: in ready(), once the app registry is ready.
        from documents.hooks import withheld_documents
        from dossiers.selectors.results import results_withheld

        withheld_documents.register("dossiers.results")(results_withheld)
        # The issued forms on the officer's dossier page.
        office_panels.register("official_forms", order=20)(official_forms_panel)
        # The citizen's dossiers in their personal-data download (right of access).
        # Local import: in ready(), once the app registry is ready.
        from accounts import personal_data
        from dossiers.selectors import personal_data as dossier_data

        personal_data.register(
            "dossiers",
            dossier_data.personal_data_dossiers,
            title=dossier_data.TITLE,
            labels=dossier_data.LABELS,
        )
