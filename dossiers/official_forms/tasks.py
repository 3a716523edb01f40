"""Celery tasks of the official forms and the after-commit listener that queues them (registered
in `DossiersConfig.ready()`). Task names are pinned to their historical names so queued messages
and the beat schedule keep working across the move into this package."""

from __future__ import annotations

import logging

from celery import shared_task

from dossiers.models import DossierEvent
from dossiers.official_forms.issuance import (
    FormNotIssued,
    _may_need_form,
    missing_form_events,
    official_forms_issue,
)

logger = logging.getLogger(__name__)


@shared_task(
    name="dossiers.official_forms.official_form_issue_task", ignore_result=True, acks_late=True
)
def official_form_issue_task(event_id: int) -> list[str]:
    """Thin: issue the event's forms; a missing key is logged and left to the sweep."""
    try:
        issued = official_forms_issue(event_id=event_id)
    except FormNotIssued as exc:
        logger.warning("official form for dossier event %s not issued yet: %s", event_id, exc)
        return []
    return [str(e.data.get("document_uuid", "")) for e in issued]


def _queue(event_id: int) -> None:
    official_form_issue_task.apply_async(args=[event_id], queue="documents")


def on_dossier_event(event_id: int) -> None:
    """After commit: queue the form if the event may call for one (cheap column check first)."""
    row = DossierEvent.objects.filter(pk=event_id).values("kind", "form_code", "to_status").first()
    if row and _may_need_form(row["kind"], row["form_code"], row["to_status"]):
        _queue(event_id)


@shared_task(name="dossiers.official_forms.official_forms_sweep", ignore_result=True)
def official_forms_sweep() -> int:
    """Periodic: queue every missing form (crash safety); returns how many were queued."""
    missing = missing_form_events()
    for event_id in missing:
        _queue(event_id)
    if missing:
        logger.info("official forms sweep queued %d missing form(s)", len(missing))
    return len(missing)
