import smtplib

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.constants import NO_MAILBOX_DOMAIN
from notifications.channels.base import (
    BaseChannel,
    DeliveryResult,
    PermanentError,
    TransientError,
)
from notifications.channels.registry import register
from notifications.constants import Channel


@register(Channel.EMAIL)
class EmailChannel(BaseChannel):
    """Django's e-mail backend: a text part, an HTML part, and PDFs attached (or linked if big)."""

    key = Channel.EMAIL

    def address_for(self, recipient) -> str:
        # An account opened at the counter or by the SMS path has a placeholder address.
        if recipient.email.lower().endswith(f"@{NO_MAILBOX_DOMAIN}"):
            return ""
        return recipient.email

    def send(self, notification) -> DeliveryResult:
        # One Message-ID per notification, the same on every attempt: receivers drop duplicates.
        message_id = f"<{notification.uuid}@{settings.NOTIFICATIONS_EMAIL_DOMAIN}>"
        body, files = self._attachments(notification)
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.address],
            headers={"Message-ID": message_id, "X-Notification-Id": str(notification.uuid)},
            connection=get_connection(timeout=settings.NOTIFICATIONS_PROVIDER_TIMEOUT),
        )
        if notification.html:
            message.attach_alternative(notification.html, "text/html")
        for filename, content, content_type in files:
            message.attach(filename, content, content_type)
        try:
            message.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _msg in exc.recipients.values()]
            error = PermanentError if codes and all(c >= 500 for c in codes) else TransientError
            raise error(f"recipient refused: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            error = PermanentError if exc.smtp_code >= 500 else TransientError
            raise error(
                f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", code=str(exc.smtp_code)
            ) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise TransientError(f"SMTP unavailable: {exc}") from exc
        return DeliveryResult(
            provider_message_id=message_id.strip("<>"), provider_status="accepted"
        )

    def _attachments(self, notification) -> tuple[str, list[tuple[str, bytes, str]]]:
        """Files up to the size limit travel attached; bigger ones become a link in the text."""
        body = notification.body
        files: list[tuple[str, bytes, str]] = []
        links: list[str] = []
        for item in notification.attachments:
            path = item.get("path", "")
            size = default_storage.size(path) if path else 0
            if path and size <= settings.NOTIFICATIONS_EMAIL_ATTACHMENT_MAX_BYTES:
                with default_storage.open(path, "rb") as handle:
                    files.append(
                        (
                            item["filename"],
                            handle.read(),
                            item.get("content_type", "application/pdf"),
                        )
                    )
            elif item.get("url"):
                links.append(f"- {item['filename']}: {item['url']}")
        if links:
            with override(notification.language):
                body = f"{body}\n\n{_('Tài liệu kèm theo:')}\n" + "\n".join(links)
        return body, files
