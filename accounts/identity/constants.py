"""Statuses and choices for national identity, mandates and personal-data requests."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MandateStatus(models.TextChoices):
    PENDING_CONSENT = "pending_consent", _("Chờ công dân xác nhận")
    ACTIVE = "active", _("Đang hiệu lực")
    REVOKED = "revoked", _("Đã thu hồi")
    DECLINED = "declined", _("Công dân từ chối")


class ConsentMethod(models.TextChoices):
    CITIZEN_CONFIRMED = "citizen_confirmed", _("Công dân xác nhận trên tài khoản")
    COUNTER_RECORDED = "counter_recorded", _("Cán bộ ghi nhận tại quầy (giấy ủy quyền)")


class PrivacyRequestKind(models.TextChoices):
    CORRECTION = "correction", _("Chỉnh sửa dữ liệu")
    DELETION = "deletion", _("Xóa dữ liệu")


class PrivacyRequestStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    COMPLETED = "completed", _("Đã xử lý")
    REJECTED = "rejected", _("Từ chối")


OPEN_PRIVACY_STATUSES = frozenset({PrivacyRequestStatus.RECEIVED})

# Decree 356/2025: a data subject's request is answered within 2 working days of receipt.
PRIVACY_REQUEST_WORKING_DAYS = 2
