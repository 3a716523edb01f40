"""The drill's hands inside the portal: `python -m tests.drill.driver COMMAND ...` (prints JSON).

Run as a subprocess with the drill's environment (its own database, the private Redis, the S3
endpoint), so the pytest process never points its own Django at them.

    seed N           the procedure, one citizen and one officer (TOTP) who sign in through the
                     pages, a throw-away citizen for the login throttle, N citizens with a session
                     each for the burst, and the one-stop centre's signing key
    receipt UUID     the Mẫu 01 issued for dossier UUID: {document, sha256, size, signed} or null
    beat             {name: {task, interval, total_run_count}} of every periodic task
    notifications    {status: count} and the dossiers' notification rows
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

PASSWORD = "Mat-khau-Drill-2026!"


def _setup() -> None:
    import django

    django.setup()


def seed(count: int) -> dict:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.tests.factories import give_totp
    from accounts.tests.helpers import verify_email
    from documents import devca
    from dossiers.tests.submission_helpers import make_citizen, make_world

    world = make_world(email="cong.dan.drill@example.vn", full_name="Nguyễn Thị Diễm Drill")
    citizen = world.citizen
    citizen.set_password(PASSWORD)
    citizen.save(update_fields=["password"])
    verify_email(citizen)
    throttled = make_citizen(email="thu.gioi.han@example.vn")
    throttled.set_password(PASSWORD)
    throttled.save(update_fields=["password"])
    verify_email(throttled)
    officer = world.reception_officer
    officer.set_password(PASSWORD)
    officer.save(update_fields=["password"])
    verify_email(officer)
    secret = give_totp(officer)

    # The one-stop centre signs Mẫu 01. Production settings refuse the development CA's marked
    # certificates, so the drill's CA plays the province's CA: same code, an unmarked subject.
    devca.DEV_MARKER = "DRILL CA - TEST ONLY"
    folder = Path(settings.SIGNING_KEYS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    ca = devca.ensure_ca(folder)
    devca.issue_agency_file(ca, agency=world.centre, folder=folder)

    sessions = []
    for _ in range(count):
        user = make_citizen()
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    return {
        "procedure": world.procedure.code,
        "procedure_name": world.procedure.name,
        "citizen": citizen.email,
        "throttled": throttled.email,
        "officer": officer.email,
        "totp_secret": secret,
        "password": PASSWORD,
        "sessions": sessions,
    }


def receipt(dossier_uuid: str) -> dict | None:
    from documents.models import StoredDocument
    from dossiers.constants import EventKind
    from dossiers.models import DossierEvent

    event = (
        DossierEvent.objects.filter(
            dossier__uuid=dossier_uuid, kind=EventKind.FORM_ISSUED, data__form_code="01"
        )
        .order_by("id")
        .first()
    )
    if event is None:
        return None
    document = StoredDocument.objects.get(uuid=event.data["document_uuid"])
    return {
        "document": str(document.uuid),
        "file": document.file.name,
        "sha256": document.sha256,
        "size": document.size,
        "signed": bool(document.signed_at),
        "forms_01": DossierEvent.objects.filter(
            dossier__uuid=dossier_uuid, kind=EventKind.FORM_ISSUED, data__form_code="01"
        ).count(),
    }


def beat() -> dict:
    from django_celery_beat.models import PeriodicTask

    rows = PeriodicTask.objects.select_related("interval", "crontab")
    return {
        task.name: {
            "task": task.task,
            "interval": task.interval.every if task.interval else None,
            "total_run_count": task.total_run_count,
        }
        for task in rows
    }


def notifications() -> dict:
    from django.db.models import Count

    from notifications.models import Notification

    states = Notification.objects.values("status").annotate(n=Count("id"))
    submitted = Notification.objects.filter(event="dossier_submitted")
    return {
        "states": {row["status"]: row["n"] for row in states},
        "submitted": [
            {"id": n.pk, "reference": n.reference, "channel": n.channel, "status": n.status}
            for n in submitted
        ],
    }


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.drill.settings_drill")
    _setup()
    command, args = argv[0], argv[1:]
    if command == "seed":
        print(json.dumps(seed(int(args[0]))))
    elif command == "receipt":
        print(json.dumps(receipt(args[0])))
    elif command == "beat":
        print(json.dumps(beat()))
    elif command == "notifications":
        print(json.dumps(notifications()))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
