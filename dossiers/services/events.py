"""The two phases of every dossier event (ADR 0180).

1. **Participants** (`dossiers.hooks.dossier_event_participants`) run inside the transaction that
   wrote the event, right after it: they write rows only — the citizen's notice into the
   notification outbox, the charge, the national-sync mark. They commit or roll back with the
   event, so a crash after commit loses none of them; an exception in one rolls the change back.
2. **Listeners** (`dossiers.hooks.dossier_event_listeners`) do the network work after commit
   (queue the national sync push, queue the form issuance). The fast path is
   `transaction.on_commit`; the safe path is `dossier_listeners_sweep`, a periodic task that walks
   the event table past each listener's cursor (`DossierEventCursor`) and calls the listener for
   every event it has not yet handed it. A crash between commit and listener delays the work by
   one sweep; it never loses it. Listeners are therefore called at least once: each one is
   idempotent (the push is a no-op when the portal is up to date, a form is issued once per event).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from dossiers.hooks import dossier_event_listeners, dossier_event_participants
from dossiers.models import DossierEvent, DossierEventCursor

logger = logging.getLogger(__name__)

# Events younger than this are left to their on_commit listener: a transaction still open
# (holding a lower event id than one already committed) commits within it.
SWEEP_GRACE = dt.timedelta(minutes=2)
SWEEP_BATCH = 1000


class ListenerNotReady(Exception):
    """A listener raises this to leave the event (and every later one) for a later sweep, e.g.
    while the service it talks to is switched off; not logged as an error."""


def dossier_event_dispatch(event: DossierEvent) -> None:
    """Called by the transition service and `dossier_event_record` right after the event row:
    participants now, in this transaction; listeners after commit."""
    for name, participant in dossier_event_participants.items():
        logger.debug("dossier event %s → participant %s", event.pk, name)
        participant(event)
    for name, listener in dossier_event_listeners.items():
        transaction.on_commit(_listener_call(name, listener, event.pk), robust=True)


def _listener_call(name: str, listener: Any, event_id: int) -> Any:
    # A named function, not a partial: Django logs a failing robust hook by its __qualname__.
    def run_dossier_event_listener() -> None:
        logger.debug("dossier event %s → listener %s", event_id, name)
        try:
            listener(event_id)
        except ListenerNotReady as reason:
            logger.debug("listener %s not ready for event %s: %s", name, event_id, reason)

    run_dossier_event_listener.__qualname__ = f"dossier_event_listener[{name}]"
    return run_dossier_event_listener


def _cursor(listener: str) -> DossierEventCursor:
    """The listener's cursor. One missing starts at the beginning of the history: a listener
    that must not see the past gets its cursor in a migration (as `0008_event_cursors` does)."""
    cursor, _created = DossierEventCursor.objects.get_or_create(listener=listener)
    return cursor


def _advance(cursor: DossierEventCursor, to_event_id: int) -> None:
    # One statement, never backwards: two sweeps running at once only repeat (idempotent) calls.
    DossierEventCursor.objects.filter(pk=cursor.pk, last_event_id__lt=to_event_id).update(
        last_event_id=to_event_id, updated_at=timezone.now()
    )


def dossier_listeners_sweep(
    *, now: dt.datetime | None = None, grace: dt.timedelta = SWEEP_GRACE, batch: int = SWEEP_BATCH
) -> dict[str, int]:
    """Hand every listener the events past its cursor; returns how many each was handed.

    No transaction and no lock is held while a listener runs (it may touch the network). A
    listener that raises stops its own walk at that event (the cursor stays before it, the next
    sweep tries again); the other listeners go on.
    """
    cutoff = (now or timezone.now()) - grace
    handed: dict[str, int] = {}
    for name, listener in dossier_event_listeners.items():
        cursor = _cursor(name)
        ids = list(
            DossierEvent.objects.filter(pk__gt=cursor.last_event_id, at__lte=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        done, count = 0, 0
        for event_id in ids:
            try:
                listener(event_id)
            except ListenerNotReady as reason:
                logger.info("dossier listener %s waits at event %s: %s", name, event_id, reason)
                break
            except Exception:
                logger.exception("dossier listener %s failed on event %s", name, event_id)
                break
            done, count = event_id, count + 1
        if done:
            _advance(cursor, done)
        handed[name] = count
    return handed
