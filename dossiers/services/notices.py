"""Messages of the dossier workflow: to staff (`notify_staff`) and to the citizen
(`CITIZEN_NOTICES`, the one table of which event tells the citizen what, written by
`citizen_notice_participant` inside the event's transaction, ADR 0180). Messages go into the
notification outbox through `notifications.services.notify` and are sent after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.models import Agency, StaffMembership
from dossiers.constants import (
    Actor,
    Channel,
    DossierStatus,
    EventKind,
)
from dossiers.models import Dossier, DossierEvent
from dossiers.services.submission import dossier_public_url
from notifications.constants import Event
from notifications.services import notify

S = DossierStatus
A = Actor


# --- helpers -----------------------------------------------------------------------------------


def _valid_today() -> Q:
    day = timezone.localdate()
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def staff_in(agency_ids: Iterable[int | None], roles: Iterable[str]) -> QuerySet[User]:
    """Active users holding one of `roles` in one of the agencies today."""
    ids = [pk for pk in agency_ids if pk is not None]
    members = StaffMembership.objects.filter(agency_id__in=ids, role__in=list(roles)).filter(
        _valid_today()
    )
    return User.objects.filter(is_active=True, pk__in=members.values("user_id")).order_by("pk")


def _membership_role(user: User, agency: Agency, roles: Sequence[str]) -> str | None:
    held = set(
        StaffMembership.objects.filter(user=user, agency=agency, role__in=list(roles))
        .filter(_valid_today())
        .values_list("role", flat=True)
    )
    return next((role for role in roles if role in held), None)


def staff_dossier_url(dossier: Dossier) -> str:
    """The officer's page of the dossier (the back office's, once it is mounted)."""
    for name, kwargs in (
        ("office:detail", {"uuid": dossier.uuid}),
        ("office:dossier", {"code": dossier.code}),
    ):
        try:
            return settings.SITE_URL + reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return f"{settings.SITE_URL}/office/"


def _date(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y") if value else ""


def _datetime(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def notify_staff(
    *, dossier: Dossier, users: Iterable[User], queue_name: str, event: str | None = None, **extra
) -> None:
    """A staff message about `dossier` (outbox rows in the caller's transaction)."""
    recipients = list(users)
    if not recipients:
        return
    notify(
        event=event or Event.STAFF_NEW_IN_QUEUE,
        recipient=recipients,
        reference=dossier.code or "",
        context={
            "dossier_code": dossier.code,
            "procedure_name": dossier.procedure_name,
            "queue_name": queue_name,
            "dossier_url": staff_dossier_url(dossier),
            **extra,
        },
    )


# --- the citizen hears of every event that concerns them: ONE table ---------------------------


@dataclass(frozen=True)
class CitizenNotice:
    """What the citizen is told of one kind of dossier event: the notification's event name
    (`notifications.constants.Event`), the facts its message needs beyond the common ones, and
    when it applies (all events of the kind unless said otherwise)."""

    message: str
    facts: Callable[[DossierEvent], dict[str, Any]]
    applies: Callable[[DossierEvent], bool] = lambda event: True


def _no_facts(event: DossierEvent) -> dict[str, Any]:
    return {}


def _submitted_online(event: DossierEvent) -> bool:
    # The citizen submitted here; counter, postal and National Portal dossiers are acknowledged
    # by their own receipt (the counter's form 01, the National Portal itself).
    return event.from_status == S.DRAFT and event.dossier.channel == Channel.ONLINE


def _submitted(event: DossierEvent) -> dict[str, Any]:
    return {"submitted_at": _datetime(event.dossier.submitted_at)}


def _received(event: DossierEvent) -> dict[str, Any]:
    return {"due_date": _date(event.dossier.due_at) or _("theo quy định")}


def _reason(event: DossierEvent) -> dict[str, Any]:
    return {"reason": event.note}


def _stopped(event: DossierEvent) -> dict[str, Any]:
    return {"reason": event.note or _("Hồ sơ đã dừng giải quyết theo đề nghị của bạn.")}


def result_ready_facts(dossier: Dossier) -> dict[str, Any]:
    pickup = (
        str(dossier.get_result_delivery_display())
        if dossier.result_delivery
        else _("Theo hẹn trên giấy tiếp nhận")
    )
    return {"pickup": pickup}


def _result_ready(event: DossierEvent) -> dict[str, Any]:
    return result_ready_facts(event.dossier)


def _returned(event: DossierEvent) -> dict[str, Any]:
    return {"returned_at": _datetime(event.at)}


def _delayed(event: DossierEvent) -> dict[str, Any]:
    def day(key: str) -> str:
        value = event.data.get(key)
        return _date(dt.datetime.fromisoformat(value)) if value else ""

    return {
        "reason": event.note,
        "old_due_date": day("old_due_at"),
        "new_due_date": day("new_due_at"),
    }


# (event kind, status reached) → the notice. A fact (no status change) has "" as its status.
# Payment requests are told by payments (with the amount and how to pay).
CITIZEN_NOTICES: dict[tuple[str, str], CitizenNotice] = {
    (EventKind.TRANSITION, S.SUBMITTED): CitizenNotice(
        "dossier_submitted", _submitted, applies=_submitted_online
    ),
    (EventKind.TRANSITION, S.RECEIVED): CitizenNotice("dossier_received", _received),
    (EventKind.TRANSITION, S.INTAKE_SUPPLEMENT): CitizenNotice("supplement_requested", _reason),
    (EventKind.TRANSITION, S.SUPPLEMENT_REQUESTED): CitizenNotice("supplement_requested", _reason),
    (EventKind.TRANSITION, S.REJECTED_AT_INTAKE): CitizenNotice("dossier_refused", _reason),
    (EventKind.TRANSITION, S.DONE): CitizenNotice("result_ready", _result_ready),
    (EventKind.TRANSITION, S.RETURNED): CitizenNotice("result_returned", _returned),
    (EventKind.TRANSITION, S.STOPPED): CitizenNotice("dossier_stopped", _stopped),
    (EventKind.EXTENDED, ""): CitizenNotice("dossier_delayed", _delayed),
}


def citizen_notice_for(event: DossierEvent) -> CitizenNotice | None:
    notice = CITIZEN_NOTICES.get((event.kind, event.to_status or ""))
    return notice if notice is not None and notice.applies(event) else None


def citizen_notice_participant(event: DossierEvent) -> None:
    """`dossier_event_participants` entry: inside the event's transaction, write the citizen's
    notice into the notification outbox (sent after commit by the notifications app)."""

    notice = citizen_notice_for(event)
    if notice is not None:
        citizen_notify(event.dossier, notice.message, **notice.facts(event))


def citizen_notify(dossier: Dossier, message: str, **facts: Any) -> None:
    """Write one notice to the applicant into the outbox, in the caller's transaction: the
    table's participant above, and the few notices a service sends on a person's request (the
    early-return notice of Art. 22.5)."""
    agency = dossier.receiving_agency or dossier.competent_agency
    notify(
        event=message,
        recipient=dossier.applicant,
        reference=dossier.code or "",
        context={
            "citizen_name": dossier.applicant_data.get("full_name")
            or dossier.applicant.get_full_name(),
            "dossier_code": dossier.code,
            "procedure_name": dossier.procedure_name,
            "agency_name": agency.name if agency else "",
            "dossier_url": dossier_public_url(dossier),
            **facts,
        },
    )
