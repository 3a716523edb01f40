"""Writes on payments. Only `payment_ipn_process` and `payment_reconcile` (querydr) settle an
online payment; the browser return only records that the citizen came back.

Settling locks the payment row, then its charge: a second success for an already settled charge
becomes DUPLICATE (flagged for refund), never a second settlement. After a settlement the
dossier hears of it through `dossiers.services` (an event, and the move out of "awaiting
payment" when the table has that edge).
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import Role
from accounts.models import User
from agencies.selectors import staff_memberships
from common.audit import audit_record
from common.exceptions import ApplicationError
from documents.signers import get_keystore
from dossiers.constants import Actor, DossierStatus, EventKind
from dossiers.services import dossier_event_record, dossier_transition
from dossiers.workflow import TransitionNotAllowed
from payments import selectors
from payments.constants import (
    ChargeStatus,
    CounterMethod,
    IpnReply,
    PaymentEventKind,
    PaymentStatus,
    Provider,
    RefundStatus,
    SettledVia,
)
from payments.models import Charge, Payment, PaymentEvent, Refund
from payments.notices import notify_payment_due, notify_payment_received
from payments.providers.base import GatewayError, GatewayResult, InvalidSignature
from payments.providers.registry import get_provider
from payments.receipts import receipt_issue

logger = logging.getLogger(__name__)

FINAL_SUCCESS = frozenset({PaymentStatus.PAID, PaymentStatus.DUPLICATE, PaymentStatus.REFUNDED})


def _event(payment: Payment, kind: str, *, actor: User | None = None, **data: Any) -> None:
    PaymentEvent.objects.create(payment=payment, kind=kind, actor=actor, data=data)


def new_txn_ref() -> str:
    """Our order reference (vnp_TxnRef): unique, alphanumeric, no personal data."""
    return timezone.localtime().strftime("%y%m%d%H%M%S") + secrets.token_hex(4).upper()


# --- what is owed ------------------------------------------------------------------------------


@transaction.atomic
def charge_create_for_submission(*, dossier: Any) -> Charge | None:
    """The fees due when the dossier is submitted (idempotent: once per dossier)."""
    if Charge.objects.filter(dossier=dossier).exists() or dossier.receiving_agency_id is None:
        return None
    lines = selectors.fee_lines_for(
        procedure_code=dossier.procedure_code,
        channel=selectors.fee_channel_for(dossier),
        applicant_type_code=(dossier.applicant_data or {}).get("applicant_type_code", ""),
        day=timezone.localdate(dossier.submitted_at or timezone.now()),
    )
    amount = sum(line.amount_vnd for line in lines)
    if amount <= 0:
        return None
    charge = Charge.objects.create(
        dossier=dossier,
        agency_id=dossier.receiving_agency_id,
        label="; ".join(line.label for line in lines if line.amount_vnd)[:255],
        amount_vnd=amount,
        full_amount_vnd=sum(line.full_amount_vnd for line in lines),
    )
    audit_record(action="payments.charge_created", obj=charge, data={"amount_vnd": amount})
    return charge


@transaction.atomic
def charge_assess(*, dossier: Any, amount_vnd: int, label: str, note: str, by: User) -> Charge:
    """A fee assessed after reception (NĐ 118 Art. 24): the processing officer records it, the
    dossier waits for payment and the citizen is told what to pay and where."""

    if amount_vnd <= 0:
        raise ApplicationError(_("Số tiền phải lớn hơn 0."), code="amount")
    if not label.strip():
        raise ApplicationError(_("Cần ghi tên khoản thu."), code="label")
    charge = Charge.objects.create(
        dossier=dossier,
        agency_id=dossier.receiving_agency_id or dossier.competent_agency_id,
        label=label.strip()[:255],
        amount_vnd=amount_vnd,
        full_amount_vnd=amount_vnd,
        assessed_by=by,
    )
    audit_record(
        action="payments.charge_assessed",
        actor=by,
        obj=charge,
        data={"amount_vnd": amount_vnd, "dossier": dossier.code},
    )
    if dossier.status == DossierStatus.APPRAISING:
        dossier_transition(
            dossier=dossier,
            to=DossierStatus.AWAITING_PAYMENT,
            by=by,
            role=Actor.PROCESSING_OFFICER,
            note=note or label,
        )
    notify_payment_due(charge)
    return charge


# --- starting an online payment ----------------------------------------------------------------


@transaction.atomic
def payment_start(
    *, dossier: Any, by: User, client_ip: str | None, locale: str = "vn"
) -> tuple[Payment, str]:
    """Open a gateway order for the dossier's open charge; returns it and the gateway URL.

    The amount comes from the charge on the server, never from the request."""
    provider = get_provider(Provider.VNPAY)
    if not provider.is_available():
        raise ApplicationError(_("Thanh toán trực tuyến chưa được bật."), code="no_gateway")
    charge = selectors.charges_open(dossier=dossier).select_for_update().first()
    if charge is None:
        raise ApplicationError(_("Hồ sơ không còn khoản phí nào phải nộp."), code="nothing_due")
    payment = Payment.objects.create(
        charge=charge,
        dossier=dossier,
        agency_id=charge.agency_id,
        payer=by,
        provider=Provider.VNPAY,
        amount_vnd=charge.amount_vnd,
        txn_ref=new_txn_ref(),
        # ASCII only, so both sides of the hash encode it the same way (§5.2).
        order_info=f"Thanh toan phi ho so {dossier.code}",
        client_ip=client_ip,
        gateway_created_at=timezone.now(),
    )
    url = provider.start(payment=payment, locale=locale)
    _event(payment, PaymentEventKind.STARTED, actor=by, amount_vnd=payment.amount_vnd)
    audit_record(
        action="payments.started",
        actor=by,
        obj=payment,
        data={"txn_ref": payment.txn_ref, "amount_vnd": payment.amount_vnd},
    )
    return payment, url


# --- callbacks ---------------------------------------------------------------------------------


def payment_return_note(*, params: dict[str, str]) -> Payment | None:
    """The browser came back: verify and record it, change nothing (only the IPN or querydr
    settles). Returns the payment to show, or None when the request is not genuine."""
    try:
        result = get_provider(Provider.VNPAY).handle_return(params=params)
    except InvalidSignature:
        return None
    payment = Payment.objects.filter(txn_ref=result.txn_ref).first()
    if payment is not None:
        _event(
            payment,
            PaymentEventKind.RETURN,
            response_code=result.response_code,
            transaction_status=result.transaction_status,
        )
    return payment


def payment_ipn_process(*, params: dict[str, str], duplicated_keys: bool = False) -> IpnReply:
    """Handle a gateway IPN in VNPay's documented order; returns the reply code.

    checksum (97) → order (01) → amount (04) → already confirmed (02) → update → 00; anything
    unexpected rolls back and answers 99 so the gateway retries."""
    try:
        if duplicated_keys:
            return IpnReply.INVALID_SIGNATURE
        try:
            result = get_provider(Provider.VNPAY).handle_ipn(params=params)
        except InvalidSignature:
            logger.warning(
                "payments: IPN with an invalid signature for %s", params.get("vnp_TxnRef", "?")
            )
            return IpnReply.INVALID_SIGNATURE
        return _ipn_apply(result)
    except Exception:
        logger.exception("payments: IPN failed for %s", params.get("vnp_TxnRef", "?"))
        return IpnReply.UNKNOWN_ERROR


@transaction.atomic
def _ipn_apply(result: GatewayResult) -> IpnReply:
    payment = Payment.objects.select_for_update().filter(txn_ref=result.txn_ref).first()
    if payment is None or payment.provider != Provider.VNPAY:
        return IpnReply.ORDER_NOT_FOUND
    _event(
        payment,
        PaymentEventKind.IPN,
        response_code=result.response_code,
        transaction_status=result.transaction_status,
        transaction_no=result.transaction_no,
        amount_raw=result.amount_raw,
    )
    if result.amount_raw != payment.amount_vnd * 100:
        return IpnReply.INVALID_AMOUNT
    if not _apply_gateway_result(payment, result, via=SettledVia.IPN):
        return IpnReply.ALREADY_CONFIRMED
    return IpnReply.CONFIRMED


def _apply_gateway_result(payment: Payment, result: GatewayResult, *, via: str) -> bool:
    """Apply a verified result to a locked payment; False when it was already final.

    A success after a recorded failure is applied; a failure after a success changes nothing
    but is flagged (security-reliability item 53)."""
    if payment.status in FINAL_SUCCESS:
        if not result.is_success:
            payment.needs_attention = True
            payment.save(update_fields=["needs_attention", "updated_at"])
            _event(
                payment,
                PaymentEventKind.ANOMALY,
                reason="failure after success",
                response_code=result.response_code,
            )
        return False
    if payment.status == PaymentStatus.FAILED and not result.is_success:
        return False
    _copy_gateway_facts(payment, result)
    if result.is_success:
        _settle(payment, via=via)
    else:
        payment.status = PaymentStatus.FAILED
        payment.save()
        _event(payment, PaymentEventKind.FAILED, response_code=result.response_code)
    return True


def _copy_gateway_facts(payment: Payment, result: GatewayResult) -> None:
    payment.provider_transaction_no = result.transaction_no
    payment.response_code = result.response_code
    payment.transaction_status = result.transaction_status
    payment.bank_code = result.bank_code
    payment.card_type = result.card_type
    payment.pay_date = result.pay_date


def _settle(payment: Payment, *, via: str, actor: User | None = None) -> None:
    """Mark `payment` (locked) paid, or DUPLICATE when its charge was settled meanwhile."""
    charge = Charge.objects.select_for_update().get(pk=payment.charge_id)
    now = timezone.now()
    payment.paid_at = now
    payment.settled_via = via
    if charge.status != ChargeStatus.OPEN:
        payment.status = PaymentStatus.DUPLICATE
        payment.needs_attention = True
        payment.save()
        _event(payment, PaymentEventKind.ANOMALY, reason="charge already settled: refund due")
        audit_record(action="payments.duplicate", obj=payment, data={"txn_ref": payment.txn_ref})
        return
    payment.status = PaymentStatus.PAID
    payment.save()
    charge.status = ChargeStatus.SETTLED
    charge.settled_at = now
    charge.save(update_fields=["status", "settled_at", "updated_at"])
    _event(payment, PaymentEventKind.SETTLED, actor=actor, via=via)
    audit_record(
        action="payments.settled",
        actor=actor,
        obj=payment,
        data={"txn_ref": payment.txn_ref, "amount_vnd": payment.amount_vnd, "via": via},
    )
    _tell_dossier(payment)
    notify_payment_received(payment)
    payment_id = payment.pk
    transaction.on_commit(lambda: _queue_receipt(payment_id), robust=True)


def _queue_receipt(payment_id: int) -> None:
    # Local import: payment_receipt_issue would clash with the module's own name.
    from payments.tasks import payment_receipt_issue

    payment_receipt_issue.delay(payment_id)


def _tell_dossier(payment: Payment) -> None:
    """Record the settlement on the dossier and move it on when the table has that edge."""

    dossier = payment.dossier
    dossier_event_record(
        dossier=dossier,
        kind=EventKind.PAYMENT_SETTLED,
        by=None,
        role=Actor.SYSTEM,
        data={
            "payment": str(payment.uuid),
            "amount_vnd": payment.amount_vnd,
            "provider": payment.provider,
        },
    )
    dossier.refresh_from_db(fields=["status"])
    if dossier.status != DossierStatus.AWAITING_PAYMENT:
        return
    try:
        dossier_transition(dossier=dossier, to=DossierStatus.APPRAISING, by=None, role=Actor.SYSTEM)
    except TransitionNotAllowed as exc:  # other charges still open: it keeps waiting
        logger.info("payments: dossier %s stays awaiting payment: %s", dossier.code, exc)


# --- reconciliation ----------------------------------------------------------------------------


def payment_reconcile(*, payment: Payment) -> str:
    """Ask the gateway about one pending payment (querydr) and apply what it says.

    Returns "settled", "failed", "unchanged" or "not_found". Gateway errors propagate so the
    task can alert; the payment then stays pending. The gateway is asked with no transaction
    open and no row locked (ADR 0180); its answer is applied under the lock, to a payment still
    pending (an IPN may have settled it meanwhile)."""
    current = Payment.objects.get(pk=payment.pk)
    if current.status != PaymentStatus.PENDING:
        return "unchanged"
    result = get_provider(current.provider).query(payment=current)
    with transaction.atomic():
        return _reconcile_apply(payment.pk, result)


def _reconcile_apply(payment_id: int, result: Any) -> str:
    locked = Payment.objects.select_for_update().get(pk=payment_id)
    if locked.status != PaymentStatus.PENDING:
        return "unchanged"
    if result is None:
        _event(locked, PaymentEventKind.QUERY, response_code="91")
        return "not_found"
    _event(
        locked,
        PaymentEventKind.QUERY,
        response_code=result.response_code,
        transaction_status=result.transaction_status,
    )
    if result.txn_ref != locked.txn_ref or result.amount_raw != locked.amount_vnd * 100:
        locked.needs_attention = True
        locked.save(update_fields=["needs_attention", "updated_at"])
        _event(locked, PaymentEventKind.ANOMALY, reason="querydr amount or order mismatch")
        return "unchanged"
    if not result.is_success and result.transaction_status == "01":
        return "unchanged"  # still being paid at the gateway
    _apply_gateway_result(locked, result, via=SettledVia.QUERY)
    return "settled" if locked.status == PaymentStatus.PAID else "failed"


def payments_reconcile_stale(*, older_than_minutes: int | None = None) -> dict[str, int]:
    """Query every pending online payment older than the threshold, one transaction each."""

    minutes = (
        settings.PAYMENT_RECONCILE_AFTER_MINUTES
        if older_than_minutes is None
        else older_than_minutes
    )
    counts: dict[str, int] = {}
    for payment in selectors.payments_pending_older_than(minutes=minutes).order_by("created_at"):
        try:
            outcome = payment_reconcile(payment=payment)
        except (GatewayError, InvalidSignature) as exc:
            logger.error("payments: reconciliation of %s failed: %s", payment.txn_ref, exc)
            outcome = "error"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


# --- counter payment ---------------------------------------------------------------------------


@transaction.atomic
def payment_record_counter(*, dossier: Any, by: User, method: str, receipt_number: str) -> Payment:
    """A reception officer of the dossier's receiving agency records a payment at the counter."""

    if method not in CounterMethod.values:
        raise ApplicationError(_("Chọn hình thức nộp tiền."), code="method")
    receipt_number = receipt_number.strip()
    if not receipt_number:
        raise ApplicationError(_("Cần nhập số biên lai."), code="receipt_number")
    allowed = (
        staff_memberships(by)
        .filter(role=Role.RECEPTION_OFFICER, agency_id=dossier.receiving_agency_id)
        .exists()
    )
    if not allowed:
        raise ApplicationError(
            _("Chỉ cán bộ tiếp nhận của cơ quan tiếp nhận hồ sơ được ghi nhận nộp tiền."),
            code="forbidden",
        )
    charge = selectors.charges_open(dossier=dossier).select_for_update().first()
    if charge is None:
        raise ApplicationError(_("Hồ sơ không còn khoản phí nào phải nộp."), code="nothing_due")
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                charge=charge,
                dossier=dossier,
                agency_id=charge.agency_id,
                payer=dossier.applicant,
                provider=Provider.COUNTER,
                amount_vnd=charge.amount_vnd,
                txn_ref=new_txn_ref(),
                counter_method=method,
                receipt_number=receipt_number,
                recorded_by=by,
            )
    except IntegrityError:
        raise ApplicationError(
            _("Số biên lai này đã được dùng."), code="receipt_number_used"
        ) from None
    _event(payment, PaymentEventKind.STARTED, actor=by, method=method)
    _settle(payment, via=SettledVia.COUNTER, actor=by)
    return payment


# --- refunds -----------------------------------------------------------------------------------


def _refund_check(payment: Payment, amount_vnd: int, reason: str) -> None:
    if payment.status not in (PaymentStatus.PAID, PaymentStatus.DUPLICATE):
        raise ApplicationError(_("Chỉ hoàn tiền giao dịch đã thanh toán."), code="not_paid")
    if not reason.strip():
        raise ApplicationError(_("Cần ghi lý do hoàn tiền."), code="reason")
    if amount_vnd <= 0 or amount_vnd > payment.refundable_vnd:
        raise ApplicationError(
            _("Số tiền hoàn phải từ 1 đến %(max)s đồng.") % {"max": f"{payment.refundable_vnd:,}"},
            code="amount",
        )


def payment_refund(*, payment: Payment, amount_vnd: int, reason: str, by: User) -> Refund:
    """Refund all or part of a payment through its provider (agency head or supervisor).

    Checked, then the gateway is called with no transaction open and no row locked (ADR 0180;
    the request id is the gateway's idempotency key), then its answer is recorded under the lock.
    Two refunds racing are both sent; the gateway refuses what exceeds the amount left, and
    what it says is what is recorded."""
    if not selectors.may_refund(user=by, payment=payment):
        raise ApplicationError(_("Bạn không có quyền hoàn tiền giao dịch này."), code="forbidden")
    _refund_check(Payment.objects.get(pk=payment.pk), amount_vnd, reason)
    request_id = secrets.token_hex(8).upper()
    current = Payment.objects.get(pk=payment.pk)
    result = get_provider(current.provider).refund(
        payment=current,
        amount_vnd=amount_vnd,
        request_id=request_id,
        created_by=by.email[:64],
    )
    with transaction.atomic():
        refund = _refund_record(payment, amount_vnd, reason, by, request_id, result)
    payment.refresh_from_db()
    return refund


def _refund_record(
    payment: Payment, amount_vnd: int, reason: str, by: User, request_id: str, result: Any
) -> Refund:
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    refund = Refund.objects.create(
        payment=locked,
        amount_vnd=amount_vnd,
        reason=reason.strip(),
        requested_by=by,
        status=RefundStatus.DONE if result.ok else RefundStatus.FAILED,
        request_id=request_id,
        response_code=result.response_code,
    )
    _event(
        locked,
        PaymentEventKind.REFUND,
        actor=by,
        amount_vnd=amount_vnd,
        response_code=result.response_code,
        ok=result.ok,
    )
    audit_record(
        action="payments.refund",
        actor=by,
        obj=locked,
        data={"amount_vnd": amount_vnd, "ok": result.ok, "code": result.response_code},
    )
    if not result.ok:
        return refund
    locked.refunded_vnd += amount_vnd
    if locked.refunded_vnd >= locked.amount_vnd:
        locked.status = PaymentStatus.REFUNDED
        locked.needs_attention = False
    locked.save()
    return refund


@transaction.atomic
def payments_flag_for_refund(*, dossier: Any, reason: str) -> int:
    """The dossier ended without a result (refused at intake, withdrawn): whether the fee is due
    back depends on the fee's own law, so paid payments are flagged for an authorised officer to
    refund or close, never refunded automatically. Open charges are cancelled."""
    flagged = 0
    for payment in Payment.objects.select_for_update().filter(
        dossier=dossier, status=PaymentStatus.PAID, needs_attention=False
    ):
        payment.needs_attention = True
        payment.save(update_fields=["needs_attention", "updated_at"])
        _event(payment, PaymentEventKind.ANOMALY, reason=f"dossier {reason}: review refund")
        flagged += 1
    Charge.objects.filter(dossier=dossier, status=ChargeStatus.OPEN).update(
        status=ChargeStatus.CANCELLED, updated_at=timezone.now()
    )
    return flagged


# --- receipts ----------------------------------------------------------------------------------


def payment_receipts_sweep(limit: int = 200) -> int:
    """Issue the receipts still owed for settled payments (their agency could not sign when the
    payment settled): a receipt waits for the key, it is never lost. Returns how many."""

    keystore = get_keystore()
    owed = Payment.objects.filter(
        status__in=FINAL_SUCCESS, receipt_document_uuid__isnull=True
    ).select_related("agency")
    issued = 0
    for payment in owed.order_by("pk")[:limit]:
        if not keystore.has_agency_key(agency=payment.agency):
            continue
        try:
            payment_receipt_issue(payment=payment)
        except ApplicationError as exc:
            logger.warning("payments: receipt for payment %s still owed: %s", payment.pk, exc)
            continue
        issued += 1
    return issued


@transaction.atomic
def payment_receipt_issue(*, payment: Payment) -> Any:
    """Render the e-receipt (biên lai), sign it with the agency's certificate and keep it in
    the payer's data store. Idempotent: returns the existing one when already issued."""

    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.receipt_document_uuid is not None:
        return locked.receipt_document_uuid
    if locked.status not in FINAL_SUCCESS:
        raise ApplicationError(_("Giao dịch chưa thanh toán, chưa có biên lai."), code="not_paid")
    document = receipt_issue(payment=locked)
    locked.receipt_document_uuid = document.uuid
    locked.save(update_fields=["receipt_document_uuid", "updated_at"])
    _event(locked, PaymentEventKind.RECEIPT, document=str(document.uuid))
    payment.receipt_document_uuid = document.uuid
    return document.uuid
