"""What integrations registers with lower apps (see `IntegrationsConfig.ready`)."""

from __future__ import annotations

from integrations import services, tasks
from integrations.dvcqg.provider import dvcqg


def on_dossier_event(event_id: int) -> None:
    """After commit of every dossier event: mark the dossier behind, queue its push."""
    if not dvcqg.is_enabled():
        return

    state = services.sync_mark(event_id=event_id)
    if state is not None:
        tasks.dvcqg_sync_dossier.delay(state.dossier_id)
