"""Demo data: a few inbox and e-mail messages about one real demo dossier, for the demo citizen
and the first demo officers (idempotent). Called by `dossiers.demo` once its dossiers exist, with
that dossier's code and links: a seeded message that pointed at a made-up code led to a page
that does not exist (issue #20).

SMS and Zalo are left to real actions while the server runs: their simulators are served by the
site itself, which is not up yet while `seed_demo` runs.
"""

from accounts.constants import STAFF_ROLES
from accounts.models import User
from notifications.constants import EVENTS, Channel, Event
from notifications.models import Notification
from notifications.services import notify

CITIZEN_EVENTS = (Event.DOSSIER_SUBMITTED, Event.DOSSIER_RECEIVED, Event.RESULT_READY)


def seed_citizen_messages(*, citizen: User, code: str, url: str) -> int:
    """The citizen's three messages (submitted, received, result ready) about dossier `code`,
    with its real link; not written twice."""
    if Notification.objects.filter(recipient=citizen, reference=code).exists():
        return 0
    written = 0
    for event in CITIZEN_EVENTS:
        context = {**EVENTS[event].sample, "dossier_code": code, "dossier_url": url}
        context["citizen_name"] = ""
        written += len(
            notify(
                event=event,
                recipient=citizen,
                context=context,
                reference=code,
                channels=[Channel.EMAIL, Channel.INBOX],
            )
        )
    return written


def seed_staff_messages(*, code: str, url: str) -> int:
    """The first three officers' "new in the queue" message about dossier `code`, with the
    officer's link to it; not written twice."""
    officers = User.objects.filter(groups__name__in=list(STAFF_ROLES)).distinct().order_by("id")[:3]
    written = 0
    for user in officers:
        if Notification.objects.filter(recipient=user, reference=code).exists():
            continue
        context = {**EVENTS[Event.STAFF_NEW_IN_QUEUE].sample, "dossier_code": code}
        context.update(dossier_url=url, staff_name="")
        written += len(
            notify(event=Event.STAFF_NEW_IN_QUEUE, recipient=user, context=context, reference=code)
        )
    return written
