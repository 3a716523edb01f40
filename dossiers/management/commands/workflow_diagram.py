from django.core.management.base import BaseCommand, CommandError

from dossiers.docgen import doc_path, is_current, splice


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Regenerate the workflow diagram and tables in docs/dossier-workflow.md."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if the doc is stale.")

    def handle(self, *args, check: bool = False, **options):
        path = doc_path()
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if check:
            if not is_current(text):
                raise CommandError(f"{path} is stale: run python manage.py workflow_diagram")
            self.stdout.write("up to date")
            return
        path.write_text(splice(text), encoding="utf-8")
        self.stdout.write(f"wrote {path}")
