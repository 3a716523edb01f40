"""Demo data: a few inbox and e-mail messages for the demo citizens and officers (idempotent).

SMS and Zalo are left to real actions while the server runs: their simulators are served by the
site itself, which is not up yet while `seed_demo` runs.
"""

from accounts.constants import STAFF_ROLES, Role
from accounts.models import User
from notifications.constants import EVENTS, Channel, Event
from notifications.models import Notification
from notifications.services import notify

DEMO_REFERENCE = "000.00.80.H52-260101-0001"
CITIZEN_EVENTS = (Event.DOSSIER_SUBMITTED, Event.DOSSIER_RECEIVED, Event.RESULT_READY)


def seed(out) -> list:
    citizens = User.objects.filter(groups__name=Role.CITIZEN).order_by("id")[:3]
    officers = User.objects.filter(groups__name__in=list(STAFF_ROLES)).distinct().order_by("id")[:3]
    written = 0
    for user in citizens:
        if Notification.objects.filter(recipient=user, reference=DEMO_REFERENCE).exists():
            continue
        for event in CITIZEN_EVENTS:
            context = {**EVENTS[event].sample, "dossier_code": DEMO_REFERENCE, "citizen_name": ""}
            written += len(
                notify(
                    event=event,
                    recipient=user,
                    context=context,
                    reference=DEMO_REFERENCE,
                    channels=[Channel.EMAIL, Channel.INBOX],
                )
            )
    for user in officers:
        if Notification.objects.filter(recipient=user, reference=DEMO_REFERENCE).exists():
            continue
        context = {
            **EVENTS[Event.STAFF_NEW_IN_QUEUE].sample,
            "dossier_code": DEMO_REFERENCE,
            "staff_name": "",
        }
        written += len(
            notify(
                event=Event.STAFF_NEW_IN_QUEUE,
                recipient=user,
                context=context,
                reference=DEMO_REFERENCE,
            )
        )
    out.write(f"notifications: {written} demo messages written (inbox and e-mail)")
    return []
