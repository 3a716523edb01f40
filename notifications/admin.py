from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from notifications.constants import EVENTS, REDACTED
from notifications.models import (
    DeliveryAttempt,
    MessageTemplate,
    Notification,
    NotificationPreference,
    SimulatedMessage,
)
from notifications.rendering import render_message, template_name
from notifications.sms import sms_encoding, sms_segments


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = [
        "number",
        "started_at",
        "finished_at",
        "outcome",
        "provider_message_id",
        "error",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: the outbox changes through its services, never by hand."""

    list_display = [
        "created_at",
        "event",
        "channel",
        "recipient",
        "reference",
        "status",
        "attempts",
    ]
    list_filter = ["status", "channel", "event", "legal"]
    search_fields = ["reference", "recipient__email", "provider_message_id", "uuid"]
    date_hierarchy = "created_at"
    inlines = [DeliveryAttemptInline]
    list_select_related = ["recipient"]
    # A sensitive row (a one-time code) shows the marker in place of its message (ADR 0081).
    SECRET_FIELDS = ("subject", "body", "html", "context")
    readonly_fields = ["subject_hidden", "body_hidden", "html_hidden", "context_hidden"]

    def get_fields(self, request, obj=None):
        hidden = set(self.readonly_fields)
        fields = [f for f in super().get_fields(request, obj) if f not in hidden]
        if obj is not None and obj.is_sensitive:
            fields = [f"{f}_hidden" if f in self.SECRET_FIELDS else f for f in fields]
        return fields

    @admin.display(description=_("tiêu đề"))
    def subject_hidden(self, obj):
        return REDACTED

    @admin.display(description=_("nội dung"))
    def body_hidden(self, obj):
        return REDACTED

    @admin.display(description=_("nội dung HTML"))
    def html_hidden(self, obj):
        return REDACTED

    @admin.display(description=_("dữ liệu"))
    def context_hidden(self, obj):
        return REDACTED

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "email_enabled",
        "sms_enabled",
        "zalo_enabled",
        "zalo_linked_at",
        "language",
        "daily_digest",
    ]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    """Overrides of the file templates, checked (syntax, known placeholders) and previewed."""

    list_display = ["event", "channel", "language", "is_active", "updated_at"]
    list_filter = ["channel", "language", "is_active", "event"]
    readonly_fields = ["placeholders", "file_default", "preview"]
    fields = [
        "event",
        "channel",
        "language",
        "is_active",
        "placeholders",
        "subject",
        "body",
        "preview",
        "file_default",
    ]

    @admin.display(description=_("Biến được dùng"))
    def placeholders(self, obj):
        if not obj or not obj.event:
            return _("Chọn sự kiện rồi lưu để xem danh sách biến.")
        return ", ".join("{{ " + name + " }}" for name in EVENTS[obj.event].placeholders)

    @admin.display(description=_("Mẫu mặc định (tệp)"))
    def file_default(self, obj):
        if not obj or not obj.event:
            return "—"
        return template_name(event=obj.event, channel=obj.channel, language=obj.language)

    @admin.display(description=_("Xem trước với dữ liệu mẫu"))
    def preview(self, obj):
        if not obj or not obj.pk:
            return _("Lưu để xem trước.")
        try:
            obj.clean()
            rendered = render_message(  # this very template, active or not
                event=obj.event,
                channel=obj.channel,
                language=obj.language,
                context=EVENTS[obj.event].sample,
                overrides={(obj.channel, obj.language): obj},
            )
        except ValidationError as exc:
            return format_html('<span class="errornote">{}</span>', "; ".join(exc.messages))
        lines = [(_("Tiêu đề"), rendered.subject), (_("Nội dung"), rendered.body)]
        if obj.channel == "sms":
            lines.append(
                (_("Số phần SMS"), f"{sms_segments(rendered.body)} ({sms_encoding(rendered.body)})")
            )
        return format_html_join(
            "", "<p><strong>{}</strong><br><span style='white-space:pre-wrap'>{}</span></p>", lines
        )


@admin.register(SimulatedMessage)
class SimulatedMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "provider", "to", "status", "body"]
    list_filter = ["provider", "status"]
    readonly_fields = ["provider", "message_id", "to", "body", "payload", "status", "received_at"]
