from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dossiers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The guards dossiers answers itself; higher apps register theirs in their own ready().
        from dossiers import guards  # noqa: F401
