"""Thin periodic Celery tasks of the back office (scheduled in `CELERY_BEAT_SCHEDULE`, block
`# --- dossiers ---` of the settings); the rules live in `dossiers.services.deadlines`."""

from __future__ import annotations

from celery import shared_task

from dossiers.services import deadlines
from dossiers.services.events import dossier_listeners_sweep as sweep


@shared_task(ignore_result=True)
def dossier_deadlines_sweep() -> dict[str, int]:
    """Deadline alerts (each sent once) and the 15-day supplement expiry."""
    report = deadlines.deadlines_sweep()
    return {**report.sent, "stopped": report.stopped}


@shared_task(ignore_result=True)
def dossier_new_online_alerts() -> int:
    """The 2-hour alert to reception for new online dossiers (run every few minutes)."""
    return deadlines.alert_new_online()


@shared_task(ignore_result=True)
def dossier_listeners_sweep() -> dict[str, int]:
    """Hand every after-commit listener the events past its cursor (ADR 0180): what a crash
    between a commit and its listeners left undone is done here, one sweep later."""
    return sweep()
