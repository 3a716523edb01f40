"""`python manage.py seed_demo`: load the demo data, idempotently, and print the demo logins.

Refused (exit 1) with DEBUG and DEMO_MODE off: see docs/adr/0210-one-rule-for-simulators.md.

Each app that has demo data provides `<app>/demo.py` with `seed(out) -> list[DemoLogin]`; apps run
in INSTALLED_APPS order (lower layers first), so later apps can rely on earlier apps' data.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from common.simulators import demo_paths_allowed


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options) -> None:
        if not demo_paths_allowed():
            # The demo users have published passwords and TOTP secrets, a superuser among them.
            raise CommandError(
                "seed_demo refuses to run with DJANGO_DEBUG and DEMO_MODE off: it creates users "
                "whose passwords and TOTP secrets are published. Set DEMO_MODE=true only on a "
                "demonstration instance, never in production."
            )
        logins: list = []
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if not config.name.isidentifier() or find_spec(module_name) is None:
                continue
            with transaction.atomic():
                logins.extend(import_module(module_name).seed(self.stdout) or [])
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo logins:"))
        for login in logins:
            self.stdout.write(f"  {login}")
