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
