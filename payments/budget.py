"""The state budget (NĐ 118 Art. 24.3): online fees must reach the state budget within 8
working hours of payment; the transfer is recorded, and the agency is alerted once when late."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.calendar import add_working_hours
from common.audit import audit_record
from common.exceptions import ApplicationError
from dossiers.services.notices import notify_staff, staff_in
from notifications.constants import Event
from payments import selectors
from payments.constants import (
    BUDGET_TRANSFER_WORKING_HOURS,
    PaymentEventKind,
    Provider,
)
from payments.models import Payment
from payments.services import FINAL_SUCCESS, _event


def payment_budget_due_at(*, payment: Payment) -> Any:
    """When an online payment's money must be in the state budget: 8 working hours after it was
    paid, on the collecting agency's calendar (Art. 24.3). None for counter payments."""

    if payment.provider != Provider.VNPAY or payment.paid_at is None:
        return None
    return add_working_hours(payment.paid_at, BUDGET_TRANSFER_WORKING_HOURS, agency=payment.agency)


@transaction.atomic
def payment_budget_transfer_record(
    *, payment: Payment, by: User, reference: str, at: Any = None
) -> Payment:
    """Record that an online payment's money was moved to the state budget (the treasury
    voucher's number), by the agency head or supervisor who may refund it (ADR 0104)."""
    if not selectors.may_refund(user=by, payment=payment):
        raise ApplicationError(
            _("Bạn không có quyền ghi nhận nộp ngân sách cho giao dịch này."), code="forbidden"
        )
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.provider != Provider.VNPAY or locked.status not in FINAL_SUCCESS:
        raise ApplicationError(
            _("Chỉ ghi nhận nộp ngân sách cho giao dịch trực tuyến đã thanh toán."),
            code="not_online_paid",
        )
    if locked.budget_transferred_at is not None:
        raise ApplicationError(_("Giao dịch này đã được ghi nhận nộp ngân sách."), code="done")
    if not reference.strip():
        raise ApplicationError(_("Cần ghi số chứng từ nộp ngân sách."), code="reference")
    locked.budget_transferred_at = at or timezone.now()
    locked.budget_transfer_ref = reference.strip()[:64]
    locked.save(update_fields=["budget_transferred_at", "budget_transfer_ref", "updated_at"])
    due = payment_budget_due_at(payment=locked)
    late = due is not None and locked.budget_transferred_at > due
    _event(
        locked, PaymentEventKind.BUDGET, actor=by, reference=locked.budget_transfer_ref, late=late
    )
    audit_record(
        action="payments.budget_transfer",
        actor=by,
        obj=locked,
        data={"reference": locked.budget_transfer_ref, "late": late},
    )
    payment.refresh_from_db()
    return locked


def payments_budget_transfer_alerts(*, now: Any = None) -> int:
    """Tell the collecting agency's heads and supervisors, once, of every online payment not in
    the state budget 8 working hours after it was paid (Art. 24.3). Returns how many alerts."""

    now = now or timezone.now()
    # 8 working hours are at least 8 wall-clock hours: older payments only are candidates.
    candidates = Payment.objects.filter(
        provider=Provider.VNPAY,
        status__in=list(FINAL_SUCCESS),
        budget_transferred_at__isnull=True,
        budget_alerted_at__isnull=True,
        paid_at__lt=now - dt.timedelta(hours=BUDGET_TRANSFER_WORKING_HOURS),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in candidates[:500]:
        with transaction.atomic():
            payment = (
                Payment.objects.select_for_update(skip_locked=True)
                .select_related("dossier", "agency")
                .filter(pk=pk, budget_alerted_at__isnull=True, budget_transferred_at__isnull=True)
                .first()
            )
            due = payment_budget_due_at(payment=payment) if payment is not None else None
            if payment is None or due is None or due >= now:
                continue
            users = list(staff_in([payment.agency_id], selectors.REFUND_ROLES))
            notify_staff(
                dossier=payment.dossier,
                users=users,
                queue_name=str(_("Nộp tiền phí, lệ phí trực tuyến vào ngân sách nhà nước")),
                event=Event.STAFF_OVERDUE,
                due_date=timezone.localtime(due).strftime("%H:%M %d/%m/%Y"),
            )
            payment.budget_alerted_at = now
            payment.save(update_fields=["budget_alerted_at", "updated_at"])
            _event(payment, PaymentEventKind.BUDGET_LATE, due_at=due.isoformat())
            sent += 1
    return sent
