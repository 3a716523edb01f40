"""What integrations registers with lower apps (see `IntegrationsConfig.ready`): the two phases
of a dossier event (ADR 0180)."""

from __future__ import annotations

from typing import Any

from dossiers.services.events import ListenerNotReady
from integrations import selectors, services, tasks
from integrations.dvcqg.provider import dvcqg
from integrations.vnpost.services import (
    postal_collection_arrived_guard,
    postal_pickup_on_submission,
)

__all__ = ["on_dossier_event", "postal_collection_arrived_guard", "sync_mark_participant"]


def postal_pickup_participant(event: Any) -> None:
    """Inside the submission's transaction: the collection the applicant chose, ordered."""
    postal_pickup_on_submission(event)


def sync_mark_participant(event: Any) -> None:
    """Inside the event's transaction: note that the dossier's history grew (no network), so a
    crash after commit still leaves the dossier marked behind."""
    if not dvcqg.is_enabled():
        return
    services.sync_mark(event_id=event.pk)


def on_dossier_event(event_id: int) -> None:
    """After commit, and again from the dossiers' event sweep: queue the push of a dossier that
    is behind. Idempotent (marking twice is one mark; a dossier up to date is not queued). While
    the portal is off the event waits: the sweep hands it over again once it is enabled."""
    if not dvcqg.is_enabled():
        raise ListenerNotReady("the National Portal sync is not enabled")
    state = selectors.sync_state_already_marked(event_id=event_id) or services.sync_mark(
        event_id=event_id
    )
    if state is not None and state.is_behind:
        tasks.dvcqg_sync_dossier.delay(state.dossier_id)
