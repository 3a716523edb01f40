"""Messages of the dossier workflow: to staff (`notify_staff`) and to the citizen on status
changes (`notify_citizen_of_event`, an after-commit listener registered in
`DossiersConfig.ready()`). Messages go out through `notifications.services.notify`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.models import Agency, StaffMembership
from dossiers.constants import (
    Actor,
    DossierStatus,
    EventKind,
)
from dossiers.models import Dossier, DossierEvent
from dossiers.services.submission import dossier_public_url

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
    from notifications.constants import Event
    from notifications.services import notify

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


# --- the citizen hears of every status change that concerns them --------------------------------

# to_status → notification event (`notifications.constants.Event` values). The submission itself
# is announced by the submission service; payment requests by payments.
CITIZEN_EVENT_FOR_STATUS: dict[str, str] = {
    S.RECEIVED: "dossier_received",
    S.INTAKE_SUPPLEMENT: "supplement_requested",
    S.SUPPLEMENT_REQUESTED: "supplement_requested",
    S.REJECTED_AT_INTAKE: "dossier_refused",
    S.DONE: "result_ready",
    S.RETURNED: "result_returned",
    S.STOPPED: "dossier_stopped",
}


def _notify_citizen(dossier: Dossier, event: str, **extra: Any) -> None:
    from notifications.services import notify

    agency = dossier.receiving_agency or dossier.competent_agency
    notify(
        event=event,
        recipient=dossier.applicant,
        reference=dossier.code or "",
        context={
            "citizen_name": dossier.applicant_data.get("full_name")
            or dossier.applicant.get_full_name(),
            "dossier_code": dossier.code,
            "procedure_name": dossier.procedure_name,
            "agency_name": agency.name if agency else "",
            "dossier_url": dossier_public_url(dossier),
            **extra,
        },
    )


def notify_citizen_of_event(event_id: int) -> None:
    """`dossier_event_listeners` entry (after commit): tell the applicant of a status change."""
    event = (
        DossierEvent.objects.select_related(
            "dossier", "dossier__applicant", "dossier__receiving_agency"
        )
        .filter(pk=event_id, kind=EventKind.TRANSITION)
        .first()
    )
    if event is None or event.to_status not in CITIZEN_EVENT_FOR_STATUS:
        return
    dossier = event.dossier
    kind = CITIZEN_EVENT_FOR_STATUS[event.to_status]
    extra: dict[str, Any] = {}
    if kind == "dossier_received":
        extra["due_date"] = _date(dossier.due_at) or _("theo quy định")
    elif kind in ("supplement_requested", "dossier_refused"):
        extra["reason"] = event.note
    elif kind == "dossier_stopped":
        extra["reason"] = event.note or _("Hồ sơ đã dừng giải quyết theo đề nghị của bạn.")
    elif kind == "result_ready":
        extra["pickup"] = (
            str(dossier.get_result_delivery_display())
            if dossier.result_delivery
            else _("Theo hẹn trên giấy tiếp nhận")
        )
    elif kind == "result_returned":
        extra["returned_at"] = _datetime(event.at)
    with transaction.atomic():
        _notify_citizen(dossier, kind, **extra)
