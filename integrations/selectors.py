"""Reads of the integration hub, scoped to who asks (ARCHITECTURE: scoped reads)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from accounts.constants import Role
from accounts.selectors import user_has_role
from agencies.selectors import staff_agencies
from dossiers.constants import DossierStatus
from dossiers.models import Dossier
from integrations.constants import SYNC_PROBLEM_STATUSES, Provider, SyncStatus
from integrations.models import PostalOrder, SyncState

# Who may see the failures list: the one-stop supervisors (their centre's dossiers) and the
# system administrators (all).
SUPERVISOR_ROLES = (Role.ONESTOP_SUPERVISOR,)


@dataclass(frozen=True)
class SyncRate:
    """QĐ 766 indicator 1.4 as far as this system can know it: dossiers received in the period,
    and how many of them the National Portal knows (pushed at least once) and has up to date.
    `rate` is None when nothing was received (N/A, never 100%)."""

    received: int
    synced: int
    up_to_date: int

    @property
    def rate(self) -> float | None:
        return self.synced / self.received if self.received else None


def sync_rate(
    *,
    start: dt.datetime,
    end: dt.datetime,
    agency_ids: list[int] | None = None,
) -> SyncRate:
    """Indicator 1.4 numerator and local denominator for dossiers received in [start, end).

    The reception date is `received_at`, or the submission for a dossier not (yet) received.
    The national denominator (max of the reporting system and the portal) is not visible
    from here; metrics shows ours. `agency_ids` limits to dossiers of those competent or
    receiving agencies. Aggregates only: no personal data.
    """
    dossiers = Dossier.objects.exclude(status=DossierStatus.DRAFT).filter(
        Q(received_at__gte=start, received_at__lt=end)
        | Q(received_at__isnull=True, submitted_at__gte=start, submitted_at__lt=end)
    )
    if agency_ids is not None:
        dossiers = dossiers.filter(
            Q(competent_agency_id__in=agency_ids) | Q(receiving_agency_id__in=agency_ids)
        )
    states = SyncState.objects.filter(provider=Provider.DVCQG, dossier__in=dossiers)
    synced = states.filter(first_synced_at__isnull=False)
    return SyncRate(
        received=dossiers.count(),
        synced=synced.count(),
        up_to_date=synced.filter(status=SyncStatus.SYNCED).count(),
    )


def _supervised_agency_ids(user: Any) -> list[int] | None:
    """None: every agency (system administrators); else the supervisor's agencies."""
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return None

    return list(staff_agencies(user, role=Role.ONESTOP_SUPERVISOR).values_list("pk", flat=True))


def can_see_failures(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    ids = _supervised_agency_ids(user)
    return ids is None or bool(ids)


def sync_failures(*, user: Any) -> QuerySet[SyncState]:
    """States behind the portal after errors, for the dossiers the user supervises."""
    qs = SyncState.objects.filter(
        provider=Provider.DVCQG, status__in=SYNC_PROBLEM_STATUSES
    ).select_related("dossier", "dossier__receiving_agency", "dossier__competent_agency")
    if not can_see_failures(user):
        return qs.none()
    ids = _supervised_agency_ids(user)
    if ids is not None:
        qs = qs.filter(
            Q(dossier__receiving_agency_id__in=ids) | Q(dossier__competent_agency_id__in=ids)
        )
    return qs.order_by("-status", "next_attempt_at", "pk")


def sync_state_already_marked(*, event_id: int) -> SyncState | None:
    """The event's dossier's state when it already records the event: marked up to it and not
    left "synced" behind it. The after-commit listener usually finds the mark the event's own
    transaction made, and then has nothing to write (on SQLite a write transaction queues for
    the one write lock behind everyone else's)."""
    state = SyncState.objects.filter(provider=Provider.DVCQG, dossier__events__pk=event_id).first()
    if state is None or state.target_event_id < event_id:
        return None
    if state.status == SyncStatus.SYNCED and state.is_behind:
        return None
    return state


def sync_state_for(*, dossier: Any) -> SyncState | None:
    """The dossier's state (the caller has already scoped `dossier` to the user)."""
    return SyncState.objects.filter(dossier=dossier, provider=Provider.DVCQG).first()


def postal_orders_for(*, dossier: Any) -> QuerySet[PostalOrder]:
    return PostalOrder.objects.filter(dossier=dossier).order_by("created_at")
