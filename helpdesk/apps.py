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
        # The person's own reports, questions and ratings in their personal-data download.
        from accounts import personal_data
        from helpdesk import personal_data as helpdesk_data

        for name, provider, title in (
            ("reports", helpdesk_data.personal_data_reports, helpdesk_data.REPORTS_TITLE),
            ("questions", helpdesk_data.personal_data_questions, helpdesk_data.QUESTIONS_TITLE),
            ("ratings", helpdesk_data.personal_data_ratings, helpdesk_data.RATINGS_TITLE),
        ):
            personal_data.register(name, provider, title=title, labels=helpdesk_data.LABELS)
        procedure_panels.register("helpdesk_faq", order=50)(procedure_faq_page_panel)
        # The FAQ panel is kept per FAQ version: any write to a question, wherever it is made
        # (services, admin, shell), makes it stale.
        from django.db.models.signals import post_delete, post_save

        from helpdesk.models import Question
        from helpdesk.panels import faq_changed

        post_save.connect(faq_changed, sender=Question, dispatch_uid="helpdesk.faq_changed.save")
        post_delete.connect(faq_changed, sender=Question, dispatch_uid="helpdesk.faq_changed.del")
