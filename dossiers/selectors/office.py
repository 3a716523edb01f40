"""Reads of the officer's dossier page: the scoped lookup (by UUID or code), the staff timeline,
deadlines, form rows, consultations, inter-agency tasks and the processing officers to assign.

Scoped like the queues (`dossiers.selectors.queues`): a dossier outside the officer's agencies
is a 404 (ADR 0110).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.constants import Role
from accounts.models import User
from agencies.calendar import WorkingCalendar, as_hours, working_time_between
from agencies.models import StaffMembership
from agencies.selectors import working_calendar
from dossiers import eform
from dossiers.constants import (
    SYSTEM_FORM_KEYS,
    Channel,
    DossierStatus,
    EventKind,
    ResultKind,
)
from dossiers.hooks import dossier_agency_scopes
from dossiers.models import Dossier, DossierConsultation, DossierEvent, InteragencyTask
from dossiers.selectors.queues import (
    AGENCY_ROLES,
    ONE_STOP_ROLES,
    OfficeUser,
    office_user,
)
from procedures.selectors import procedure_form_specs

S = DossierStatus

# --- one dossier ----------------------------------------------------------------------------------


def _routed_agencies(dossier: Dossier, who: OfficeUser) -> bool:
    """Whether a registered scope (consultation, inter-agency) routes the dossier to one of the
    officer's agencies for one of their roles."""
    for role in who.roles:
        mine = who.agencies([role])
        for _name, scope in dossier_agency_scopes.items():
            if mine & set(scope(dossier, role)):
                return True
    return False


def _in_scope(dossier: Dossier, who: OfficeUser) -> bool:
    """`scope_q(who)` evaluated on the row already read (no second query per request)."""
    return dossier.receiving_agency_id in who.agencies(ONE_STOP_ROLES) or (
        dossier.competent_agency_id in who.agencies(AGENCY_ROLES)
    )


def dossier_get_for_staff(*, user: User | OfficeUser, uuid: Any) -> Dossier:
    """A submitted dossier the officer's agencies hold or are consulted on; otherwise
    `Dossier.DoesNotExist` (a 404: another agency's dossier is not even confirmed to exist)."""
    who = user if isinstance(user, OfficeUser) else office_user(user)
    if not who.is_office_staff:
        raise Dossier.DoesNotExist
    dossier = (
        Dossier.objects.exclude(status=S.DRAFT)
        .select_related("receiving_agency", "competent_agency", "applicant", "organisation")
        .filter(uuid=uuid)
        .first()
    )
    if dossier is None:
        raise Dossier.DoesNotExist
    if _in_scope(dossier, who):
        return dossier
    if _routed_agencies(dossier, who):
        return dossier
    raise Dossier.DoesNotExist


# --- what the dossier page shows ----------------------------------------------------------------


@dataclass(frozen=True)
class StaffTimelineEntry:
    at: dt.datetime
    kind: str
    title: str
    note: str
    actor: str
    role: str
    agency: str
    internal: bool
    form_code: str


def staff_timeline(*, dossier: Dossier) -> list[StaffTimelineEntry]:
    """The whole history, internal notes included (the officer's page only)."""
    entries: list[StaffTimelineEntry] = []
    event: DossierEvent
    for event in dossier.events.select_related("actor", "agency").order_by("at", "id"):
        entries.append(
            StaffTimelineEntry(
                at=event.at,
                kind=event.kind,
                title=_timeline_title(event),
                note=event.note or str((event.data or {}).get("text", "")),
                actor=(event.actor.full_name or event.actor.email) if event.actor else "",
                role=str(event.get_role_display()),
                agency=event.agency.name if event.agency else "",
                internal=bool((event.data or {}).get("internal")),
                form_code=event.form_code,
            )
        )
    return entries


def _timeline_title(event: DossierEvent) -> str:
    """The line of the history: the status change, or the fact with what the reader needs to
    know without opening anything (whom it was assigned to, what was proposed)."""
    data = event.data or {}
    if event.kind == EventKind.TRANSITION:
        title = f"{event.get_from_status_display()} → {event.get_to_status_display()}"
        if event.to_status == S.AWAITING_APPROVAL and data.get("result_kind"):
            kind = ResultKind(data["result_kind"]).label
            title += " — " + _("đề xuất: %(kind)s") % {"kind": kind}
        return title
    title = str(event.get_kind_display())
    if event.kind == EventKind.ASSIGNED and data.get("assignee_name"):
        title += ": " + str(data["assignee_name"])
    elif event.kind in (EventKind.EXTENSION_PROPOSED, EventKind.EXTENDED) and data.get(
        "new_due_at"
    ):
        due = parse_datetime(str(data["new_due_at"]))
        if due is not None:
            title += " — " + _("hẹn trả mới %(due)s") % {
                "due": timezone.localtime(due).strftime("%d/%m/%Y")
            }
    return title


@dataclass(frozen=True)
class Deadlines:
    submitted_at: dt.datetime | None
    reception_due_at: dt.datetime | None
    received_at: dt.datetime | None
    due_at_original: dt.datetime | None
    due_at: dt.datetime | None
    extension_count: int
    paused_seconds: int
    clock_paused_at: dt.datetime | None
    supplement_deadline_at: dt.datetime | None
    is_overdue: bool
    working_hours_left: float | None

    @property
    def paused_hours(self) -> float:
        return round(self.paused_seconds / 3600, 1)


def dossier_deadlines(*, dossier: Dossier) -> Deadlines:
    """Original and current due dates, pauses, extensions, and the working time left."""
    now = timezone.now()
    target = dossier.reception_due_at if dossier.status == S.SUBMITTED else dossier.due_at
    return Deadlines(
        submitted_at=dossier.submitted_at,
        reception_due_at=dossier.reception_due_at,
        received_at=dossier.received_at,
        due_at_original=dossier.due_at_original,
        due_at=dossier.due_at,
        extension_count=dossier.extension_count,
        paused_seconds=dossier.paused_seconds,
        clock_paused_at=dossier.clock_paused_at,
        supplement_deadline_at=dossier.supplement_deadline_at,
        is_overdue=dossier.is_overdue,
        working_hours_left=working_hours_left(dossier, target, now=now),
    )


def working_hours_left(
    dossier: Dossier,
    target: dt.datetime | None,
    *,
    now: dt.datetime | None = None,
    calendars: dict[int | None, WorkingCalendar] | None = None,
) -> float | None:
    """Working hours from now until `target` (negative when past), on the agency's calendar.

    `calendars`: a dict the caller keeps across the rows of one list, so each agency's calendar
    is read from the cache once per page, not twice per row (two cache round trips a row)."""
    if target is None or dossier.is_final:
        return None
    now = now or timezone.now()
    agency = dossier.competent_agency
    calendar = None
    if calendars is not None:
        key = agency.pk if agency else None
        if key not in calendars:
            calendars[key] = working_calendar(agency=agency)
        calendar = calendars[key]
    if target >= now:
        return float(as_hours(working_time_between(now, target, agency=agency, calendar=calendar)))
    return -float(as_hours(working_time_between(target, now, agency=agency, calendar=calendar)))


def form_rows(*, dossier: Dossier) -> list[tuple[str, Any]]:
    """The e-form values with the procedure's labels, in the spec's order; an organisation's
    person-identity fields are named as its legal representative's (ADR 0305)."""
    organisation = eform.is_for_organisation(dossier.applicant_data)
    specs = procedure_form_specs(code=dossier.procedure_code)
    known = {spec.key for spec in specs}
    rows = [
        (eform.field_label(spec, organisation=organisation), dossier.form_data.get(spec.key, ""))
        for spec in specs
    ]
    rows += [
        (key, value)
        for key, value in (dossier.form_data or {}).items()
        if key not in known and key not in SYSTEM_FORM_KEYS
    ]
    return rows


def consultations_for(*, dossier: Dossier) -> list[DossierConsultation]:
    return list(
        DossierConsultation.objects.filter(dossier=dossier)
        .select_related("consulted_agency", "requesting_agency")
        .order_by("created_at", "pk")
    )


def interagency_tasks_for(*, dossier: Dossier) -> list[InteragencyTask]:
    return list(InteragencyTask.objects.filter(dossier=dossier).select_related("agency"))


def dossier_by_code_for_staff(*, user: User | OfficeUser, code: str) -> Dossier:
    """The same scoping as `dossier_get_for_staff`, found by the dossier code."""
    found = Dossier.objects.filter(code=code).exclude(status=S.DRAFT).values_list("uuid", flat=True)
    uuid = found.first()
    if uuid is None:
        raise Dossier.DoesNotExist
    return dossier_get_for_staff(user=user, uuid=uuid)


def processing_officers(*, dossier: Dossier) -> list[User]:
    """Who the head may assign: processing officers of the competent agency, in force today."""
    if dossier.competent_agency_id is None:
        return []
    today = timezone.localdate()
    memberships = (
        StaffMembership.objects.filter(
            agency_id=dossier.competent_agency_id,
            role=Role.PROCESSING_OFFICER,
            user__is_active=True,
            valid_from__lte=today,
        )
        .exclude(valid_to__lt=today)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return list({m.user_id: m.user for m in memberships}.values())


def counter_draft_for(*, who: OfficeUser, uuid: Any) -> Dossier | None:
    """A counter draft the reception officer may still fill in: theirs to take in (their
    reception point), not yet submitted."""
    return (
        Dossier.objects.filter(
            Q(channel=Channel.COUNTER) | Q(assisted_by__isnull=False),  # or filed online for them
            uuid=uuid,
            status=S.DRAFT,
            receiving_agency_id__in=sorted(who.agencies(["reception_officer"])),
        )
        .select_related("applicant", "receiving_agency", "competent_agency")
        .first()
    )
