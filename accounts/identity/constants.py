"""Statuses and choices for national identity, mandates and personal-data requests."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MandateStatus(models.TextChoices):
    # The helper asked; the citizen has not confirmed yet (in the portal or by SMS code).
    PENDING_CONSENT = "pending_consent", _("Chờ công dân xác nhận")
    # The citizen offered; the person named has not accepted yet.
    PENDING_AGENT = "pending_agent", _("Chờ người được ủy quyền nhận")
    ACTIVE = "active", _("Đang hiệu lực")
    REVOKED = "revoked", _("Đã thu hồi")
    DECLINED = "declined", _("Đã từ chối")


# A mandate still waiting for one of the two people; nothing can be done under it yet.
PENDING_MANDATE_STATUSES = frozenset({MandateStatus.PENDING_CONSENT, MandateStatus.PENDING_AGENT})


class ConsentMethod(models.TextChoices):
    CITIZEN_CONFIRMED = "citizen_confirmed", _("Công dân xác nhận trên tài khoản")
    COUNTER_RECORDED = "counter_recorded", _("Cán bộ ghi nhận tại quầy (giấy ủy quyền)")
    SMS_CODE = "sms_code", _("Công dân xác nhận bằng mã SMS")


class MandateScope(models.TextChoices):
    ALL = "all", _("Mọi thủ tục")
    PROCEDURE = "procedure", _("Một thủ tục")
    FIELD = "field", _("Một lĩnh vực")


# Sending the SMS code a citizen reads out to the helper (ADR 0286); its life and tries are
# notifications.phone_codes'.
MANDATE_CODE_PER_AGENT_PER_HOUR = 5
MANDATE_CODE_PER_PHONE_PER_HOUR = 3

# "Đăng nhập bằng mã gửi qua SMS" (ADR 0300): codes sent per phone, per ID number and per
# address in an hour; wrong tries per attempt (the code's own 5 tries count too).
SIGN_IN_CODE_PER_PHONE_PER_HOUR = 3
SIGN_IN_CODE_PER_ID_PER_HOUR = 3
SIGN_IN_CODE_PER_ADDRESS_PER_HOUR = 10
SIGN_IN_TRIES_PER_ATTEMPT = 5


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
