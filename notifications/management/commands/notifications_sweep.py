from django.core.management.base import BaseCommand

from notifications.delivery import notification_sweep


class Command(BaseCommand):
    help = "Run the outbox sweeper once (Celery beat runs it every NOTIFICATIONS_SWEEP_SECONDS)."

    def handle(self, *args, **options) -> None:
        count = notification_sweep()
        self.stdout.write(f"{count} notification(s) enqueued")
