"""The National Portal sync: the dossier history is the outbox (ADR 0130).

* `sync_mark(event_id)` — note that the dossier's history grew: run inside the event's
  transaction (a dossier-event participant) and again by the after-commit listener.
* `dossier_sync(dossier_id)` — push what the portal has not seen: the dossier as it is now
  (`DongBoHoSoMC`) and one progress line per new step (`CapNhatTienDoHoSoMC`); advance the
  state only when both calls succeed. Retries back off exponentially; after
  `DVCQG_MAX_ATTEMPTS` failures in a row (or an answer that says the data is invalid) the state
  is FAILED and waits for a supervisor's retry. No transaction and no lock is held while the
  portal is called (read, call, record).
* `sync_sweep()` — the dossiers still behind and due. Events whose listener never ran are the
  dossiers app's event cursor's business (`dossier_listeners_sweep`, ADR 0180).

Idempotent: the request keys name the dossier and the last event of the batch, so sending the
same batch twice is one change on the other side.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from common.audit import audit_record
from dossiers.constants import Channel, DossierStatus
from dossiers.models import Dossier, DossierEvent
from integrations.base import IntegrationError
from integrations.constants import Provider, SyncStatus
from integrations.dvcqg import payloads
from integrations.dvcqg.provider import dvcqg
from integrations.models import SyncState

logger = logging.getLogger(__name__)

SWEEP_BATCH = 2000


@dataclass(frozen=True)
class SyncOutcome:
    pushed: bool
    status: str
    error: str = ""


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential back-off: base × 2^(attempts−1), capped."""
    seconds = settings.DVCQG_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return dt.timedelta(seconds=min(seconds, settings.DVCQG_RETRY_MAX_SECONDS))


def _state_for_update(dossier_id: int) -> SyncState | None:
    """The dossier's state row, locked; None when another worker holds it right now."""
    SyncState.objects.get_or_create(dossier_id=dossier_id, provider=Provider.DVCQG)
    return (
        SyncState.objects.select_for_update(skip_locked=True)
        .filter(dossier_id=dossier_id, provider=Provider.DVCQG)
        .first()
    )


@transaction.atomic
def sync_mark(*, event_id: int) -> SyncState | None:
    """Record that the history of the event's dossier reached `event_id` (no network)."""
    row = DossierEvent.objects.filter(pk=event_id).values_list("dossier_id", flat=True).first()
    if row is None:
        return None
    state, _created = SyncState.objects.get_or_create(dossier_id=row, provider=Provider.DVCQG)
    moved = 0
    if state.target_event_id < event_id:  # the after-commit listener finds it already marked
        # One statement: concurrent marks never move the target back.
        moved = SyncState.objects.filter(pk=state.pk, target_event_id__lt=event_id).update(
            target_event_id=event_id, updated_at=timezone.now()
        )
    flipped = (
        SyncState.objects.filter(pk=state.pk, status=SyncStatus.SYNCED)
        .filter(target_event_id__gt=F("synced_event_id"))
        .update(status=SyncStatus.PENDING)
    )
    if moved or flipped:  # otherwise the row just read is the row as it is
        state.refresh_from_db()
    return state


@dataclass(frozen=True)
class _Push:
    """What one sync sends, read under the state's lock and sent after the lock is released."""

    dossier_payload: dict
    progress: list
    newest: int
    key: str
    is_updating: bool


def dossier_sync(*, dossier_id: int, force: bool = False) -> SyncOutcome:
    """Push the dossier's unsynced history to the National Portal (see module docstring).

    Three steps, so no lock or transaction is held while the portal is called (on SQLite a
    transaction holds the whole database's write lock; on PostgreSQL the state row's): read
    what to send, call the portal, record the outcome. Two workers racing on one dossier may
    both send the same batch; the request keys make that one change on the portal's side.
    """
    if not dvcqg.is_enabled():
        return SyncOutcome(pushed=False, status="disabled")
    push, outcome = _sync_prepare(dossier_id=dossier_id, force=force)
    if push is None:
        assert outcome is not None
        return outcome
    try:
        dvcqg.push_dossiers(
            [push.dossier_payload], is_updating=push.is_updating, key=f"{push.key}:DongBoHoSoMC"
        )
        if push.progress:
            dvcqg.push_progress(push.progress, key=f"{push.key}:CapNhatTienDoHoSoMC")
    except IntegrationError as exc:
        return _sync_failed(dossier_id=dossier_id, push=push, exc=exc)
    return _sync_succeeded(dossier_id=dossier_id, push=push)


@transaction.atomic
def _sync_prepare(*, dossier_id: int, force: bool) -> tuple[_Push | None, SyncOutcome | None]:
    state = _state_for_update(dossier_id)
    if state is None:
        return None, SyncOutcome(pushed=False, status="busy")
    now = timezone.now()
    if not force and state.status == SyncStatus.FAILED:
        return None, SyncOutcome(pushed=False, status=state.status, error=state.last_error)
    if not force and state.next_attempt_at and state.next_attempt_at > now:
        return None, SyncOutcome(pushed=False, status=state.status)
    dossier = (
        Dossier.objects.select_related("applicant", "organisation", "competent_agency")
        .prefetch_related("components")
        .get(pk=dossier_id)
    )
    events = list(
        DossierEvent.objects.filter(dossier_id=dossier_id)
        .select_related("actor", "agency")
        .order_by("id")
    )
    if dossier.status == DossierStatus.DRAFT or not events:
        return None, SyncOutcome(pushed=False, status=state.status)
    newest = events[-1].pk
    new_events = [e for e in events if e.pk > state.synced_event_id]
    if not new_events:
        if state.target_event_id > newest or state.status != SyncStatus.SYNCED:
            state.target_event_id = max(state.target_event_id, newest)
            state.status = SyncStatus.SYNCED
            state.save(update_fields=["target_event_id", "status", "updated_at"])
        return None, SyncOutcome(pushed=False, status=state.status)
    state.last_attempt_at = now
    state.save(update_fields=["last_attempt_at", "updated_at"])
    push = _Push(
        dossier_payload=payloads.dossier_payload(dossier, events=events),
        progress=payloads.progress_payloads(new_events, dossier=dossier),
        newest=newest,
        key=f"{dossier.code}:{newest}",
        # The portal already knows a dossier it sent us, or one we pushed before.
        is_updating=bool(state.first_synced_at) or dossier.channel == Channel.NATIONAL_PORTAL,
    )
    return push, None


@transaction.atomic
def _sync_failed(*, dossier_id: int, push: _Push, exc: IntegrationError) -> SyncOutcome:
    state = SyncState.objects.select_for_update().get(
        dossier_id=dossier_id, provider=Provider.DVCQG
    )
    now = timezone.now()
    state.attempts += 1
    state.last_error = str(exc)[:2000]
    gave_up = not exc.retryable or state.attempts >= settings.DVCQG_MAX_ATTEMPTS
    state.status = SyncStatus.FAILED if gave_up else SyncStatus.RETRYING
    state.next_attempt_at = None if gave_up else now + retry_delay(state.attempts)
    state.target_event_id = max(state.target_event_id, push.newest)
    state.save()
    logger.warning(
        "dvcqg sync failed",
        extra={"dossier": push.key.split(":")[0], "attempts": state.attempts, "error": str(exc)},
    )
    return SyncOutcome(pushed=False, status=state.status, error=state.last_error)


@transaction.atomic
def _sync_succeeded(*, dossier_id: int, push: _Push) -> SyncOutcome:
    state = SyncState.objects.select_for_update().get(
        dossier_id=dossier_id, provider=Provider.DVCQG
    )
    now = timezone.now()
    state.synced_event_id = max(state.synced_event_id, push.newest)
    state.target_event_id = max(state.target_event_id, push.newest)
    # Events marked while the push was on the wire leave the state behind: pending again.
    state.status = SyncStatus.PENDING if state.is_behind else SyncStatus.SYNCED
    state.attempts = 0
    state.last_error = ""
    state.next_attempt_at = None
    state.synced_at = now
    state.first_synced_at = state.first_synced_at or now
    state.save()
    return SyncOutcome(pushed=True, status=state.status)


def due_dossier_ids(*, now: dt.datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """Dossiers behind the portal whose next try is due (FAILED ones wait for a person)."""
    now = now or timezone.now()
    return list(
        SyncState.objects.filter(
            provider=Provider.DVCQG,
            status__in=(SyncStatus.PENDING, SyncStatus.RETRYING),
            target_event_id__gt=F("synced_event_id"),
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("next_attempt_at", "pk")
        .values_list("dossier_id", flat=True)[:limit]
    )


def sync_sweep(*, now: dt.datetime | None = None) -> list[int]:
    """The dossiers to push now: behind and due (a retry's back-off over).
    Events whose listener never ran are handed to it by `dossier_listeners_sweep` (ADR 0180)."""
    if not dvcqg.is_enabled():
        return []
    return due_dossier_ids(now=now)


@transaction.atomic
def sync_retry(*, state: SyncState, by: Any) -> SyncState:
    """A supervisor sends a failed dossier back to the queue (attempts start again)."""
    locked = SyncState.objects.select_for_update().get(pk=state.pk)
    locked.status = SyncStatus.PENDING
    locked.attempts = 0
    locked.next_attempt_at = None
    locked.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])

    audit_record(action="integrations.sync_retry", actor=by, obj=locked.dossier)
    return locked
