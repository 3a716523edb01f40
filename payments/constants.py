"""Statuses and codes of payments, and the VNPay 2.1.0 code tables (integrations-and-data §5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChargeStatus(models.TextChoices):
    """A sum the applicant owes on a dossier (assessed at submission or after reception)."""

    OPEN = "open", _("Chưa nộp")
    SETTLED = "settled", _("Đã nộp")
    CANCELLED = "cancelled", _("Đã hủy")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ kết quả")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")
    # A success reported after the charge was already paid another way: money taken twice,
    # kept apart and flagged for refund (never counted as a second settlement).
    DUPLICATE = "duplicate", _("Thanh toán trùng, chờ hoàn tiền")
    REFUNDED = "refunded", _("Đã hoàn tiền")


class Provider(models.TextChoices):
    VNPAY = "vnpay", _("Cổng thanh toán VNPay")
    COUNTER = "counter", _("Nộp tại Bộ phận Một cửa")


class CounterMethod(models.TextChoices):
    CASH = "cash", _("Tiền mặt")
    CARD = "card", _("Thẻ qua máy POS")


class SettledVia(models.TextChoices):
    IPN = "ipn", _("Thông báo của cổng (IPN)")
    QUERY = "query", _("Đối soát (truy vấn giao dịch)")
    COUNTER = "counter", _("Cán bộ ghi nhận tại quầy")


class PaymentEventKind(models.TextChoices):
    STARTED = "started", _("Bắt đầu thanh toán")
    RETURN = "return", _("Trình duyệt quay về")
    IPN = "ipn", _("Thông báo IPN")
    QUERY = "query", _("Truy vấn giao dịch")
    SETTLED = "settled", _("Ghi nhận đã thanh toán")
    FAILED = "failed", _("Ghi nhận không thành công")
    ANOMALY = "anomaly", _("Bất thường cần xử lý")
    REFUND = "refund", _("Hoàn tiền")
    RECEIPT = "receipt", _("Phát hành biên lai")
    BUDGET = "budget", _("Nộp ngân sách nhà nước")
    BUDGET_LATE = "budget_late", _("Quá hạn nộp ngân sách")


class RefundStatus(models.TextChoices):
    DONE = "done", _("Đã hoàn")
    FAILED = "failed", _("Cổng từ chối")


# QĐ 766 indicator 3.6 (`DuocThanhToanTrucTuyen`): 1 = National Portal, 2 = ministry/province portal.
ONLINE_PAYMENT_NATIONAL_PORTAL = 1
ONLINE_PAYMENT_PROVINCE_PORTAL = 2

# --- VNPay 2.1.0 -----------------------------------------------------------------------------

VNPAY_VERSION = "2.1.0"
VNPAY_SUCCESS = "00"


class IpnReply(models.TextChoices):
    """The merchant's answer to an IPN, `{"RspCode": ..., "Message": ...}`; messages as VNPay's demo."""

    CONFIRMED = "00", "Confirm Success"
    ORDER_NOT_FOUND = "01", "Order not found"
    ALREADY_CONFIRMED = "02", "Order already confirmed"
    INVALID_AMOUNT = "04", "Invalid amount"
    INVALID_SIGNATURE = "97", "Invalid signature"
    UNKNOWN_ERROR = "99", "Unknown error"


# vnp_ResponseCode meanings shown to the citizen (response-map.constant.ts); others: failure.
RESPONSE_MESSAGES = {
    "00": _("Giao dịch thành công."),
    "07": _("Trừ tiền thành công nhưng giao dịch bị nghi ngờ; cơ quan sẽ kiểm tra."),
    "09": _("Thẻ hoặc tài khoản chưa đăng ký dịch vụ Internet Banking."),
    "10": _("Xác thực thông tin thẻ hoặc tài khoản sai quá 3 lần."),
    "11": _("Đã hết hạn chờ thanh toán."),
    "24": _("Bạn đã hủy giao dịch."),
    "51": _("Tài khoản không đủ số dư để thanh toán."),
    "65": _("Tài khoản đã vượt quá hạn mức giao dịch trong ngày."),
    "75": _("Ngân hàng thanh toán đang bảo trì."),
}
RESPONSE_CANCELLED = "24"
RESPONSE_INSUFFICIENT_FUNDS = "51"

# querydr / refund response codes (§5.4).
QUERY_NOT_FOUND = "91"
REFUND_FULL = "02"
REFUND_PARTIAL = "03"

# Online fee receipts are moved to the state budget within 8 working hours of payment unless the
# fee's own law says otherwise (NĐ 118/2025 Art. 24.3; inter-bank timing may differ).
BUDGET_TRANSFER_WORKING_HOURS = 8
