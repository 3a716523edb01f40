"""Thin Celery tasks on the `sync` queue (route `integrations.*`)."""

from __future__ import annotations

import logging

from celery import shared_task

from integrations.dvcqg.catalogue import catalogue_sync
from integrations.dvcqg.inbound import inbound_poll
from integrations.services import dossier_sync, sync_sweep

logger = logging.getLogger(__name__)


@shared_task(name="integrations.tasks.dvcqg_sync_dossier", acks_late=True)
def dvcqg_sync_dossier(dossier_id: int) -> str:
    """Push one dossier. Never raises for the portal's failures: the state row records them
    and the sweep re-queues the dossier when its back-off is over."""

    return dossier_sync(dossier_id=dossier_id).status


@shared_task(name="integrations.tasks.dvcqg_sweep")
def dvcqg_sweep() -> int:

    due = sync_sweep()
    for dossier_id in due:
        dvcqg_sync_dossier.delay(dossier_id)
    return len(due)


@shared_task(name="integrations.tasks.vnpost_orders_sweep")
def vnpost_orders_sweep() -> int:
    """Place the postal orders VNPost never confirmed (ADR 0180)."""
    from integrations.vnpost.services import postal_orders_sweep

    return postal_orders_sweep()


@shared_task(name="integrations.tasks.vnpost_order_send", acks_late=True)
def vnpost_order_send(order_id: int) -> str:
    """Place one requested postal order (a collection the applicant asked for on submission).
    A refusal cancels it and is on the officer's panel; VNPost unreachable leaves it to the
    sweep."""
    from integrations.vnpost.services import PostalError, postal_order_send

    try:
        return postal_order_send(order_id=order_id).status
    except PostalError as exc:
        logger.warning("VNPost refused order %s: %s", order_id, exc)
        return "refused"


@shared_task(name="integrations.tasks.dvcqg_inbound_poll")
def dvcqg_inbound_poll() -> int:

    return inbound_poll().accepted


@shared_task(name="integrations.tasks.dvcqg_catalogue_sync")
def dvcqg_catalogue_sync() -> dict:

    counts = catalogue_sync()
    return {"created": counts.created, "updated": counts.updated, "skipped": counts.skipped}
