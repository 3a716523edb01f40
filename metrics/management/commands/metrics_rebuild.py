"""`python manage.py metrics_rebuild [--full]`: bring the QĐ 766 index's stored facts up to date
(every dossier with `--full`; otherwise those touched since the last run)."""

from django.core.management.base import BaseCommand

from metrics.services import facts_refresh


class Command(BaseCommand):
    help = "Recompute the stored facts of the QĐ 766 index (all of them with --full)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--full", action="store_true", help="recompute every dossier")

    def handle(self, *args, full: bool = False, **options) -> None:
        count = facts_refresh(full=full)
        self.stdout.write(f"{count} dossiers recomputed")
