"""States of the outbound sync, the postal legs and the inbound dossiers (docs/integrations.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Provider(models.TextChoices):
    DVCQG = "dvcqg", _("Cổng Dịch vụ công quốc gia")
    VNPOST = "vnpost", _("Bưu điện Việt Nam (VNPost)")


class SyncStatus(models.TextChoices):
    """One dossier's place in the National Portal sync."""

    PENDING = "pending", _("Chờ đồng bộ")
    SYNCED = "synced", _("Đã đồng bộ")
    RETRYING = "retrying", _("Lỗi, đang thử lại")
    FAILED = "failed", _("Đồng bộ thất bại")


# Behind the portal: the failures list shows these.
SYNC_PROBLEM_STATUSES = frozenset({SyncStatus.RETRYING, SyncStatus.FAILED})


class InboundStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Đã nhận vào hàng chờ tiếp nhận")
    REFUSED = "refused", _("Không nhận được")


class PostalKind(models.TextChoices):
    """A postal leg: collecting the dossier from the applicant, or carrying the result back."""

    PICKUP = "pickup", _("Thu gom hồ sơ")
    DISPATCH = "dispatch", _("Chuyển phát kết quả")


class PostalStatus(models.TextChoices):
    """VNPost collection statuses 1–4 (OpenCPS `VnpostCollectionTerm`) and, for the result
    dispatch, 5–6 [I]: the delivery statuses are ours, the real codes come with the contract."""

    REQUESTED = "0", _("Đang gửi yêu cầu tới bưu điện")  # ours: not yet confirmed by VNPost
    REGISTERED = "1", _("Đã đăng ký")
    COLLECTING = "2", _("Đang đi gom hồ sơ")
    HANDED_OVER = "3", _("Đã giao hồ sơ cho cơ quan")
    CANCELLED = "4", _("Hủy gom")
    IN_TRANSIT = "5", _("Đang phát kết quả")
    DELIVERED = "6", _("Đã phát kết quả cho người nhận")


class PostalStep(models.TextChoices):
    """What a HANDOVER event written by the postal plugin records (`data["postal_step"]`)."""

    PICKUP_ORDERED = "pickup_ordered", _("Đặt lệnh thu gom hồ sơ qua bưu chính")
    PICKED_UP = "picked_up", _("Bưu điện đã nhận hồ sơ từ người nộp")
    HANDED_OVER = "handed_over", _("Bưu điện bàn giao hồ sơ cho cơ quan")
    PICKUP_CANCELLED = "pickup_cancelled", _("Bưu điện hủy thu gom hồ sơ")
    RESULT_DISPATCHED = "result_dispatched", _("Gửi kết quả qua bưu chính")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Bưu điện đang phát kết quả")
    DELIVERED = "delivered", _("Bưu điện đã phát kết quả (có xác nhận)")
