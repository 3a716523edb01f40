import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import BaseModel
from notifications.constants import (
    LANGUAGES,
    REDACTED,
    SENSITIVE_EVENTS,
    AttemptOutcome,
    Channel,
    Event,
    NotificationStatus,
)
from notifications.rendering import check_template


class Notification(BaseModel):
    """One message to one recipient on one channel: the outbox row and its delivery record.

    Written by `services.notify` inside the caller's transaction, rendered at that moment (what
    the citizen was told is frozen here), delivered after commit by `tasks.notification_deliver`.
    For the inbox channel the row *is* the inbox message.
    """

    group = models.UUIDField(_("nhóm"), default=uuid.uuid4, db_index=True)
    event = models.CharField(_("sự kiện"), max_length=40, choices=Event.choices)
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    # Empty only for an SMS to a phone that has no account (`services.notify_phone`).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    address = models.CharField(_("địa chỉ nhận"), max_length=254, blank=True)
    language = models.CharField(_("ngôn ngữ"), max_length=5, default="vi")
    reference = models.CharField(_("mã tham chiếu"), max_length=64, blank=True, db_index=True)
    # Callers may pass dates or Decimals; they are stored as ISO strings / numbers-as-text.
    context = models.JSONField(_("dữ liệu"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    html = models.TextField(_("nội dung HTML"), blank=True)
    attachments = models.JSONField(_("tệp đính kèm"), default=list, blank=True)
    sms_segments = models.PositiveSmallIntegerField(_("số phần tin SMS"), default=0)
    legal = models.BooleanField(_("thông báo pháp lý"), default=False)
    urgent = models.BooleanField(_("khẩn"), default=False)

    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi từ lúc"), default=timezone.now)
    enqueued_at = models.DateTimeField(_("đưa vào hàng đợi lúc"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("bắt đầu gửi lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi xong lúc"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("đến người nhận lúc"), null=True, blank=True)
    failed_at = models.DateTimeField(_("thất bại lúc"), null=True, blank=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    provider_message_id = models.CharField(
        _("mã tin của nhà cung cấp"), max_length=255, blank=True, db_index=True
    )
    provider_status = models.CharField(_("trạng thái nhà cung cấp"), max_length=32, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    failover_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="failovers",
        verbose_name=_("gửi thay cho"),
    )

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_due_idx"),
            models.Index(fields=["recipient", "channel", "read_at"], name="notif_inbox_idx"),
            models.Index(fields=["channel", "status", "failed_at"], name="notif_failures_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=NotificationStatus.values), name="notif_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="notif_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=LANGUAGES), name="notif_language_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.recipient_id} ({self.channel}, {self.status})"

    @property
    def is_sensitive(self) -> bool:
        """A secret (a one-time code): staff never see its body, and it is blanked once final."""
        return self.event in SENSITIVE_EVENTS

    @property
    def display_body(self) -> str:
        """The body as staff may see it: the redaction marker for a sensitive row."""
        return str(REDACTED) if self.is_sensitive else self.body


class DeliveryAttempt(models.Model):
    """Append-only: one row per attempt to hand a notification to its provider."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    number = models.PositiveSmallIntegerField(_("lần"))
    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("kết thúc"), default=timezone.now)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=AttemptOutcome.choices)
    provider_message_id = models.CharField(_("mã tin"), max_length=255, blank=True)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("lần gửi")
        verbose_name_plural = _("lần gửi")
        ordering = ["notification_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "number"], name="one_row_per_attempt"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.outcome}"


class NotificationPreference(BaseModel):
    """A user's choices. Absent row = defaults (every channel on, no quiet hours, Vietnamese)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField(_("nhận qua thư điện tử"), default=True)
    sms_enabled = models.BooleanField(_("nhận qua SMS"), default=True)
    zalo_enabled = models.BooleanField(_("nhận qua Zalo"), default=True)
    # Zalo ZNS reaches the Zalo account of a phone number; we send only after the user agreed.
    zalo_linked_at = models.DateTimeField(_("liên kết Zalo lúc"), null=True, blank=True)
    quiet_start = models.TimeField(_("không làm phiền từ"), null=True, blank=True)
    quiet_end = models.TimeField(_("không làm phiền đến"), null=True, blank=True)
    daily_digest = models.BooleanField(_("nhận bản tin tổng hợp hằng ngày (cán bộ)"), default=False)
    language = models.CharField(
        _("ngôn ngữ"), max_length=5, choices=[("vi", "Tiếng Việt"), ("en", "English")], default="vi"
    )

    class Meta:
        verbose_name = _("tùy chọn nhận thông báo")
        verbose_name_plural = _("tùy chọn nhận thông báo")

    def __str__(self) -> str:
        return str(self.user)


class MessageTemplate(BaseModel):
    """An admin's override of a file template (event × channel × language); see docs."""

    event = models.CharField(_("sự kiện"), max_length=40, choices=Event.choices)
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    language = models.CharField(
        _("ngôn ngữ"), max_length=5, choices=[("vi", "Tiếng Việt"), ("en", "English")]
    )
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    body = models.TextField(_("nội dung"))
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "language"], name="one_template_per_event_channel_lang"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} / {self.channel} / {self.language}"

    def clean(self) -> None:

        check_template(event=self.event, channel=self.channel, subject=self.subject, body=self.body)


class ZaloToken(models.Model):
    """The Zalo OA token pair. Refresh tokens are single-use, so the latest pair lives here."""

    key = models.CharField(max_length=20, unique=True, default="oa")
    access_token = models.TextField(blank=True)
    refresh_token = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # A worker exchanging the refresh token claims the pair until then (the call runs after the
    # claim commits, never under the row lock: ADR 0180).
    refreshing_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("khóa truy cập Zalo OA")
        verbose_name_plural = _("khóa truy cập Zalo OA")

    def __str__(self) -> str:
        return f"Zalo OA token (hết hạn {self.expires_at})"


class SimulatedMessage(models.Model):
    """What the local Twilio/Zalo simulators received: the demo's 'SMS log' and the tests' proof."""

    provider = models.CharField(max_length=10)
    message_id = models.CharField(max_length=64, unique=True)
    to = models.CharField(max_length=32)
    body = models.TextField(blank=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=20, default="queued")
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("tin nhắn mô phỏng")
        verbose_name_plural = _("tin nhắn mô phỏng")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider} → {self.to}"


class PhoneCode(BaseModel):
    """A one-time code sent by SMS that a person reads back to confirm one thing (`purpose`,
    `reference`): e.g. a citizen at the counter agreeing to the dossier the officer files for
    them. Only the code's keyed hash is kept (`notifications.phone_codes`)."""

    purpose = models.CharField(_("mục đích"), max_length=40)
    reference = models.CharField(_("đối tượng"), max_length=64)
    phone = models.CharField(_("số điện thoại"), max_length=16)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    attempts = models.PositiveSmallIntegerField(_("số lần nhập"), default=0)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã xác nhận qua tin nhắn")
        verbose_name_plural = _("mã xác nhận qua tin nhắn")
        indexes = [models.Index(fields=["purpose", "reference"], name="phone_code_for")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.reference}"
