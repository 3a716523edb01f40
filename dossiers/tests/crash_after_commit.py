"""Run by `test_events_crash.py` in a subprocess: submit a dossier, then die right after the
commit and before any `on_commit` handler runs — the instant a killed worker or a power cut would
leave behind. The exit code says the commit happened (17) and nothing after it ran.

    python -m dossiers.tests.crash_after_commit <dossier pk> <citizen pk>
"""

from __future__ import annotations

import os
import sys

CRASH_EXIT_CODE = 17


def main(dossier_pk: int, citizen_pk: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings_test")
    import django

    django.setup()
    from django.db import transaction

    from accounts.models import User
    from dossiers.constants import Actor
    from dossiers.models import Dossier
    from dossiers.services import dossier_submit

    with transaction.atomic():
        # Registered first, so it runs first after the commit: no listener runs after it.
        transaction.on_commit(lambda: os._exit(CRASH_EXIT_CODE))
        dossier_submit(
            dossier=Dossier.objects.get(pk=dossier_pk),
            by=User.objects.get(pk=citizen_pk),
            role=Actor.CITIZEN,
        )
    sys.exit("the process outlived its commit: the crash did not happen")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
