"""`python manage.py verify_history [--dossier CODE]`: recompute the history hash chain and
report the first broken link (exit status 1), or how many events were checked (exit 0)."""

from django.core.management.base import BaseCommand, CommandError

from dossiers.integrity import verify_chain
from dossiers.models import Dossier, DossierEvent


class Command(BaseCommand):
    help = "Verify the dossier history hash chain (all dossiers, or one with --dossier CODE)."

    def add_arguments(self, parser):
        parser.add_argument("--dossier", metavar="CODE", help="Only this dossier (its code).")

    def handle(self, *args, dossier: str | None = None, **options):
        ids = None
        if dossier:
            found = Dossier.objects.filter(code=dossier).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"no dossier with code {dossier}")
            ids = [found]
        broken = verify_chain(dossier_ids=ids)
        if broken is not None:
            self.stderr.write(f"BROKEN {broken}")
            raise SystemExit(1)
        events = DossierEvent.objects.all()
        if ids is not None:
            events = events.filter(dossier_id__in=ids)
        self.stdout.write(f"OK: {events.count()} events, hash chain intact")
