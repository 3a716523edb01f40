"""`python manage.py seed_agencies`: load the agency tree and the working calendar (idempotent)."""

from django.core.management.base import BaseCommand

from agencies.seeding import seed_agencies, seed_calendar

PROGRESS_STEP = 25


class Command(BaseCommand):
    help = "Load Tây Ninh's agencies (province, departments, centre, 96 communes) and the calendar."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-calendar", action="store_true", help="Load the agencies only, not the calendar."
        )

    def handle(self, *args, **options) -> None:
        def progress(label: str, done: int, total: int) -> None:
            if done == total or done % PROGRESS_STEP == 0:
                self.stdout.write(f"  {label}: {done}/{total}")

        report = seed_agencies(progress=progress)
        if not options["no_calendar"]:
            calendar_report = seed_calendar(progress=progress)
            report.created.update(calendar_report.created)
            report.existing.update(calendar_report.existing)
        for section in sorted(set(report.created) | set(report.existing)):
            self.stdout.write(
                f"{section}: {report.created.get(section, 0)} created, "
                f"{report.existing.get(section, 0)} already present"
            )
        self.stdout.write(self.style.SUCCESS("Agencies and calendar ready."))
