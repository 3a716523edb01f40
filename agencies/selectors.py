"""Reads of the agency tree, staff memberships and the working calendar.

Agencies are public information (they appear on receipts and procedure pages), so the tree reads
take no user; reads of who works where are scoped to the user asked about.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from accounts.models import User
from agencies.calendar import Session, WorkingCalendar
from agencies.constants import CalendarDayKind
from agencies.models import Agency, CalendarOverride, OfficeHours, StaffMembership

CALENDAR_CACHE_VERSION_KEY = "agencies:calendar:version"
CALENDAR_CACHE_SECONDS = 60 * 60


def _today() -> dt.date:
    return timezone.localdate()


def _valid_on_q(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def agencies_valid_on(day: dt.date | None = None) -> QuerySet[Agency]:
    """Agencies in force on `day` (default today): valid_from ≤ day ≤ valid_to."""
    return Agency.objects.filter(_valid_on_q(day or _today()))


@dataclass
class AgencyNode:
    agency: Agency
    children: list[AgencyNode] = field(default_factory=list)

    def walk(self, depth: int = 0) -> Iterator[tuple[int, Agency]]:
        """Depth-first (depth, agency) pairs, for printing or flattening the tree."""
        yield depth, self.agency
        for child in self.children:
            yield from child.walk(depth + 1)


def agency_tree(on: dt.date | None = None) -> list[AgencyNode]:
    """The tree of agencies valid on `on` (default today), roots first, children in display order.

    An agency whose parent is not valid that day is shown as a root, so nothing in force is hidden.
    """
    agencies = list(agencies_valid_on(on).order_by("position", "name"))
    nodes = {agency.pk: AgencyNode(agency) for agency in agencies}
    children: dict[int | None, list[AgencyNode]] = defaultdict(list)
    for agency in agencies:
        parent_id = agency.parent_id if agency.parent_id in nodes else None
        children[parent_id].append(nodes[agency.pk])
    for pk, node in nodes.items():
        node.children = children.get(pk, [])
    return children.get(None, [])


def agency_by_code(code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first()


def agency_get(*, uuid: str) -> Agency:
    return Agency.objects.get(uuid=uuid)


def agency_current(agency: Agency, on: dt.date | None = None) -> Agency:
    """Follow successor links until the agency in force on `on` (or the last of the chain)."""
    day = on or _today()
    seen = {agency.pk}
    while not agency.is_valid_on(day) and agency.successor_id and agency.successor_id not in seen:
        seen.add(agency.successor_id)
        agency = Agency.objects.get(pk=agency.successor_id)
    return agency


def agency_for_commune_code(code: str | int, on: dt.date | None = None) -> Agency | None:
    """The commune/ward agency for a 5-digit administrative code, as in force on `on`.

    Codes are zero-padded strings ("00004"); a shorter numeric code is padded. When the unit with
    that code has since been merged, its successor is returned.
    """
    normalised = str(code).strip()
    if not normalised.isdigit() or len(normalised) > 5:
        return None
    normalised = normalised.zfill(5)
    day = on or _today()
    candidates = Agency.objects.filter(commune_code=normalised)
    current = candidates.filter(_valid_on_q(day)).order_by("-valid_from").first()
    if current is not None:
        return current
    latest = candidates.filter(valid_from__lte=day).order_by("-valid_from").first()
    return agency_current(latest, day) if latest is not None else None


def staff_memberships(user: User, on: dt.date | None = None) -> QuerySet[StaffMembership]:
    """The user's memberships in force on `on` (default today)."""
    day = on or _today()
    return (
        StaffMembership.objects.filter(user=user).filter(_valid_on_q(day)).select_related("agency")
    )


def memberships_in_force(user: User, on: dt.date | None = None) -> list[StaffMembership]:
    """`staff_memberships` as a list, read once per request and user: the officer's dossier page
    asked for them nine times (who the officer is, which role may act, the panels' scopes), a
    round trip each (docs/benchmarks.md). Outside a request (commands, tasks, tests calling
    services) every call reads the database; a membership saved or deleted during a request
    empties the memo."""
    day = on or _today()
    memo = getattr(_request_memo, "memberships", None)
    if memo is None or user.pk is None:
        return list(staff_memberships(user, day))
    key = (user.pk, day)
    held = memo.get(key)
    if held is None:
        held = memo[key] = list(staff_memberships(user, day))
    return held


# The memberships read by the request this thread is serving (None between requests).
_request_memo = threading.local()


def _request_began(**kwargs: object) -> None:
    _request_memo.memberships = {}


def _request_ended(**kwargs: object) -> None:
    _request_memo.memberships = None


def _membership_changed(**kwargs: object) -> None:
    if getattr(_request_memo, "memberships", None):
        _request_memo.memberships = {}


request_started.connect(_request_began, dispatch_uid="agencies.memberships.request_began")
request_finished.connect(_request_ended, dispatch_uid="agencies.memberships.request_ended")
post_save.connect(
    _membership_changed, sender=StaffMembership, dispatch_uid="agencies.memberships.saved"
)
post_delete.connect(
    _membership_changed, sender=StaffMembership, dispatch_uid="agencies.memberships.deleted"
)


def staff_agencies(
    user: User, role: str | None = None, on: dt.date | None = None
) -> QuerySet[Agency]:
    """Agencies the user works in on `on` (default today), optionally only in `role`.

    Back-office reads scope dossiers by this: a staff member sees their agencies' work only.
    """
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    day = on or _today()
    memberships = staff_memberships(user, day)
    if role is not None:
        memberships = memberships.filter(role=role)
    return (
        agencies_valid_on(day)
        .filter(pk__in=memberships.values("agency_id"))
        .order_by("position", "name")
    )


# --- working calendar ------------------------------------------------------------------------------


def calendar_cache_version() -> int:
    return int(cache.get_or_set(CALENDAR_CACHE_VERSION_KEY, 1, timeout=None) or 1)


def calendar_cache_invalidate() -> None:
    """Called after any change to overrides or office hours; old entries simply expire."""
    try:
        cache.incr(CALENDAR_CACHE_VERSION_KEY)
    except ValueError:
        cache.set(CALENDAR_CACHE_VERSION_KEY, 2, timeout=None)


def _load_working_calendar(agency: Agency | None) -> WorkingCalendar:
    overrides = {
        row.date: row.kind == CalendarDayKind.WORKING_DAY
        for row in CalendarOverride.objects.only("date", "kind")
    }
    if agency is None:
        return WorkingCalendar(overrides=overrides)

    week: dict[int, list[Session]] = defaultdict(list)
    for hours in OfficeHours.objects.filter(agency=agency):
        week[hours.weekday].append(Session(hours.opens_at, hours.closes_at))
    if not week:
        return WorkingCalendar(overrides=overrides)
    return WorkingCalendar(overrides=overrides, week={wd: tuple(s) for wd, s in week.items()})


def working_calendar(*, agency: Agency | None = None) -> WorkingCalendar:
    """The province's working calendar, with `agency`'s office hours when it has its own.

    Loaded once and cached; `calendar_cache_invalidate()` (called by the services that change the
    calendar) makes the next call reload it.
    """
    key = f"agencies:calendar:{calendar_cache_version()}:{agency.pk if agency else 'default'}"
    calendar = cache.get(key)
    if calendar is None:
        calendar = _load_working_calendar(agency)
        cache.set(key, calendar, timeout=CALENDAR_CACHE_SECONDS)
    return calendar


def calendar_overrides_in(year: int) -> QuerySet[CalendarOverride]:
    return CalendarOverride.objects.filter(date__year=year).order_by("date")
