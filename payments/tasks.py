"""Thin Celery tasks: reconciliation (querydr), receipts, the daily report per agency."""

import logging

from celery import shared_task

from common.exceptions import ApplicationError
from payments.budget import payments_budget_transfer_alerts as alert
from payments.models import Payment
from payments.reports import daily_reports_store
from payments.services import payment_receipt_issue as issue
from payments.services import payment_receipts_sweep, payments_reconcile_stale

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def payments_reconcile() -> dict[str, int]:

    return payments_reconcile_stale()


@shared_task(ignore_result=True)
def payment_receipt_issue(payment_id: int) -> str:

    try:
        return str(issue(payment=Payment.objects.get(pk=payment_id)))
    except ApplicationError as exc:  # no signing key yet: payments_receipts_sweep issues it
        logger.warning("payments: receipt for payment %s not issued: %s", payment_id, exc)
        return ""


@shared_task(ignore_result=True)
def payments_receipts_sweep() -> int:

    return payment_receipts_sweep()


@shared_task(ignore_result=True)
def payments_daily_report() -> int:

    return daily_reports_store()


@shared_task(ignore_result=True)
def payments_budget_transfer_alerts() -> int:
    """Online fees not in the state budget 8 working hours after payment (NĐ 118 Art. 24.3)."""

    return alert()
