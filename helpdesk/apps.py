from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Local import: in ready(), once the app registry is ready.
        from dossiers.hooks import dossier_panels
        from helpdesk.panels import dossier_rating_panel, procedure_faq_page_panel
        from procedures.hooks import procedure_panels

        dossier_panels.register("helpdesk_rating", order=20)(dossier_rating_panel)
        procedure_panels.register("helpdesk_faq", order=50)(procedure_faq_page_panel)
