"""What is owed on a dossier (`Charge`), each attempt to pay it (`Payment`), their history,
refunds, and the simulator's own ledger (the "bank side" of the local VNPay simulator)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import BaseModel
from payments.constants import (
    ChargeStatus,
    CounterMethod,
    PaymentEventKind,
    PaymentStatus,
    Provider,
    RefundStatus,
    SettledVia,
)


class Charge(BaseModel):
    """A fee the applicant owes on a dossier, at submission or assessed after reception."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="charges"
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="charges",
        verbose_name=_("cơ quan thu"),
    )
    label = models.CharField(_("khoản thu"), max_length=255)
    amount_vnd = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    full_amount_vnd = models.PositiveBigIntegerField(_("mức thu chưa giảm (đồng)"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=ChargeStatus.choices, default=ChargeStatus.OPEN
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settled_at = models.DateTimeField(_("nộp xong lúc"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("khoản phí, lệ phí")
        verbose_name_plural = _("khoản phí, lệ phí")
        constraints = [
            models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="charge_positive"),
            models.CheckConstraint(
                condition=Q(status__in=ChargeStatus.values), name="charge_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.amount_vnd:,} đ"


class Payment(BaseModel):
    """One attempt to pay a charge, online (a gateway order) or at the counter."""

    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="payments")
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="payments"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider = models.CharField(_("hình thức"), max_length=16, choices=Provider.choices)
    amount_vnd = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    # Our order reference sent as vnp_TxnRef; unique for the merchant (VNPay requires it).
    txn_ref = models.CharField(_("mã giao dịch"), max_length=34, unique=True)
    order_info = models.CharField(max_length=255, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    # vnp_CreateDate as sent; querydr needs it back as vnp_TransactionDate.
    gateway_created_at = models.DateTimeField(null=True, blank=True)
    provider_transaction_no = models.CharField(
        _("mã giao dịch tại cổng"), max_length=64, blank=True
    )
    bank_code = models.CharField(max_length=20, blank=True)
    card_type = models.CharField(max_length=20, blank=True)
    response_code = models.CharField(max_length=4, blank=True)
    transaction_status = models.CharField(max_length=4, blank=True)
    pay_date = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    settled_via = models.CharField(max_length=10, choices=SettledVia.choices, blank=True)
    counter_method = models.CharField(
        _("phương thức tại quầy"), max_length=8, choices=CounterMethod.choices, blank=True
    )
    receipt_number = models.CharField(_("số biên lai"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refunded_vnd = models.PositiveBigIntegerField(_("đã hoàn (đồng)"), default=0)
    needs_attention = models.BooleanField(_("cần xử lý"), default=False)
    receipt_document_uuid = models.UUIDField(_("biên lai điện tử"), null=True, blank=True)
    # An online payment's money goes to the state budget within 8 working hours (NĐ 118 Art. 24.3).
    budget_transferred_at = models.DateTimeField(
        _("nộp ngân sách nhà nước lúc"), null=True, blank=True
    )
    budget_transfer_ref = models.CharField(_("chứng từ nộp ngân sách"), max_length=64, blank=True)
    # The late-transfer alert went out (sent once).
    budget_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        indexes = [models.Index(fields=["status", "created_at"], name="payment_status_idx")]
        constraints = [
            # The same gateway transaction can never be recorded twice (idempotent callbacks).
            models.UniqueConstraint(
                fields=["provider", "provider_transaction_no"],
                condition=~Q(provider_transaction_no=""),
                name="payment_unique_provider_txn",
            ),
            # A charge is settled by one payment only; a second success becomes DUPLICATE.
            models.UniqueConstraint(
                fields=["charge"],
                condition=Q(status=PaymentStatus.PAID),
                name="payment_one_paid_per_charge",
            ),
            models.UniqueConstraint(
                fields=["agency", "receipt_number"],
                condition=~Q(receipt_number=""),
                name="payment_unique_receipt_number",
            ),
            models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="payment_positive"),
            models.CheckConstraint(
                condition=Q(refunded_vnd__lte=models.F("amount_vnd")), name="payment_refund_le"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PaymentStatus.values), name="payment_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.txn_ref} {self.amount_vnd:,} đ ({self.status})"

    @property
    def refundable_vnd(self) -> int:
        return self.amount_vnd - self.refunded_vnd


class PaymentEvent(models.Model):
    """Append-only history of a payment: every callback, query, settlement and refund."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=PaymentEventKind.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("diễn biến thanh toán")
        verbose_name_plural = _("diễn biến thanh toán")

    def __str__(self) -> str:
        return f"{self.payment_id} {self.kind}"


class Refund(BaseModel):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_vnd = models.PositiveBigIntegerField(_("số tiền hoàn (đồng)"))
    reason = models.TextField(_("lý do"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=8, choices=RefundStatus.choices)
    request_id = models.CharField(max_length=32, unique=True)
    response_code = models.CharField(max_length=4, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("hoàn tiền")
        verbose_name_plural = _("hoàn tiền")
        constraints = [
            models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="refund_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} −{self.amount_vnd:,} đ"


class SimulatedTransaction(models.Model):
    """The local gateway simulator's ledger: what "VNPay" knows about an order (never ours)."""

    tmn_code = models.CharField(max_length=8)
    txn_ref = models.CharField(max_length=34)
    amount = models.PositiveBigIntegerField()  # ×100, as on the wire
    order_info = models.CharField(max_length=255)
    create_date = models.CharField(max_length=14)
    return_url = models.URLField(max_length=500)
    ip_addr = models.CharField(max_length=45)
    transaction_no = models.CharField(max_length=20, unique=True)
    response_code = models.CharField(max_length=4, blank=True)
    transaction_status = models.CharField(max_length=4, default="01")
    bank_code = models.CharField(max_length=20, default="NCB")
    pay_date = models.CharField(max_length=14, blank=True)
    refunded = models.PositiveBigIntegerField(default=0)  # ×100
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giao dịch giả lập")
        verbose_name_plural = _("giao dịch giả lập")
        constraints = [
            models.UniqueConstraint(fields=["tmn_code", "txn_ref"], name="sim_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.tmn_code}/{self.txn_ref}"
