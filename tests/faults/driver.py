"""The fault tests' hands inside the portal: `python -m tests.faults.driver COMMAND ...`.

Run as a subprocess with the environment of `tests.faults.stack.portal_env` (the private
PostgreSQL/Redis), so the pytest process never points its own Django at them. Prints JSON.

    notify N              N e-mail notifications (one citizen each), queued through the outbox
    sweep [--lease]       the notification sweeper, re-queuing everything not sent
    notification-states   {status: count}
    seed-submissions N    the bench_submissions procedure and N signed-in citizens
    audit-submissions F   audits the dossier uuids listed in file F (one per line)
    ledger                counts per table and the facts that must hold together
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta


def _setup() -> None:
    import django

    django.setup()


def notify_many(count: int) -> list[int]:
    from accounts.models import CitizenProfile, User
    from notifications.constants import EVENTS, Channel, Event
    from notifications.services import notify

    start = User.objects.count()
    users = User.objects.bulk_create(
        User(email=f"faults{start + i}@example.vn", full_name=f"Trần Thị Ánh {start + i}")
        for i in range(count)
    )
    CitizenProfile.objects.bulk_create(
        CitizenProfile(user=u, email=u.email, phone="0912345678", full_name=u.full_name)
        for u in users
    )
    ids: list[int] = []
    context = EVENTS[Event.PAYMENT_DUE].sample
    for user in users:  # one transaction each, as one dossier change would
        rows = notify(
            event=Event.PAYMENT_DUE, recipient=user, context=context, channels=[Channel.EMAIL]
        )
        ids += [r.pk for r in rows]
    return ids


def main(argv: list[str]) -> int:
    _setup()
    command, args = argv[0], argv[1:]
    if command == "notify":
        print(json.dumps(notify_many(int(args[0]))))
    elif command == "sweep":
        from notifications.delivery import notification_sweep

        lease = timedelta(0) if "--lease" in args else None
        print(notification_sweep(queued_stuck_after=timedelta(0), sending_lease=lease))
    elif command == "notification-states":
        from django.db.models import Count

        from notifications.models import Notification

        rows = Notification.objects.values("status").annotate(n=Count("id"))
        print(json.dumps({r["status"]: r["n"] for r in rows}))
    elif command == "seed-submissions":
        from bench.bench_submissions import seed

        procedure_code, sessions, _pdfs = seed(int(args[0]))
        print(json.dumps({"procedure": procedure_code, "sessions": sessions}))
    elif command == "audit-submissions":
        from bench.bench_submissions import PDF_SIZE, audit
        from dossiers.tests.submission_helpers import pdf_bytes

        with open(args[0]) as handle:
            uuids = [line.strip() for line in handle if line.strip()]
        pdfs = [pdf_bytes(f"giay to {n}", pad_to=PDF_SIZE) for n in range(2)]
        print(json.dumps(audit(uuids, pdfs)))
    elif command == "ledger":
        print(json.dumps(ledger()))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


def ledger() -> dict:
    """What must hold together after any fault: submitted dossiers have a code, their SUBMITTED
    event, their notifications and their fee charge; nothing of the kind hangs on a draft."""
    from django.db.models import Count, Q

    from dossiers.constants import DossierStatus, EventKind
    from dossiers.models import Dossier, DossierEvent
    from notifications.models import Notification

    submitted = Dossier.objects.exclude(status=DossierStatus.DRAFT)
    without_event = submitted.exclude(
        events__kind=EventKind.TRANSITION, events__to_status=DossierStatus.SUBMITTED
    ).count()
    codes = list(submitted.values_list("code", flat=True))
    submitted_events = DossierEvent.objects.filter(
        kind=EventKind.TRANSITION, to_status=DossierStatus.SUBMITTED
    )
    twice = submitted_events.values("dossier").annotate(n=Count("id")).filter(n__gt=1).count()
    references = set(
        Notification.objects.filter(event="dossier_submitted").values_list("reference", flat=True)
    )
    not_told = [c for c in codes if c not in references]
    from payments.models import Charge

    charged = Charge.objects.values("dossier")
    return {
        "charges": Charge.objects.count(),
        "submitted_without_charge": submitted.exclude(pk__in=charged).count(),
        "charges_on_drafts": Charge.objects.filter(dossier__status=DossierStatus.DRAFT).count(),
        "dossiers_charged_twice": charged.annotate(n=Count("id")).filter(n__gt=1).count(),
        "dossiers": Dossier.objects.count(),
        "drafts": Dossier.objects.filter(status=DossierStatus.DRAFT).count(),
        "submitted": len(codes),
        "submitted_uuids": sorted(str(u) for u in submitted.values_list("uuid", flat=True)),
        "distinct_codes": len(set(codes)),
        "submitted_without_event": without_event,
        "submitted_twice": twice,
        "events": DossierEvent.objects.count(),
        "submitted_events": submitted_events.count(),
        "drafts_with_submit_event": Dossier.objects.filter(
            Q(status=DossierStatus.DRAFT) & Q(events__to_status=DossierStatus.SUBMITTED)
        ).count(),
        "submitted_without_notification": len(not_told),
        "notifications": Notification.objects.count(),
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
