"""Periodic tasks of the metrics app (thin: the work is in `metrics.services`)."""

from celery import shared_task

from metrics import services


@shared_task(ignore_result=True)
def facts_refresh() -> int:
    """Every few minutes: recompute the facts of dossiers touched since the last run."""
    return services.facts_refresh()


@shared_task(ignore_result=True)
def facts_rebuild() -> int:
    """Nightly: recompute the open dossiers' facts and re-sum the daily rows."""
    return services.facts_nightly()


@shared_task(ignore_result=True)
def facts_follow_dossier_event(event_id: int) -> None:
    """After a dossier event, in the worker: the dossier's facts recomputed (ADR 0325)."""
    services.facts_on_dossier_event(event_id)


def facts_queue_on_dossier_event(event_id: int) -> None:
    """`dossiers.hooks.dossier_event_listeners`, after commit and from the event sweep: queue the
    recomputation instead of running its ~18 queries in the officer's request (ADR 0325)."""
    facts_follow_dossier_event.delay(event_id)
