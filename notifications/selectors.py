"""Reads, scoped to who asks: a user sees their own inbox; delivery logs are for supervisors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.template import TemplateDoesNotExist
from django.utils import timezone

from accounts.constants import Role
from accounts.selectors import user_roles
from notifications.constants import LANGUAGES, Channel, NotificationStatus
from notifications.models import Notification, NotificationPreference
from notifications.rendering import render_message

if TYPE_CHECKING:
    from accounts.models import User

S = NotificationStatus
# Delivery logs show every recipient's address: only the one-stop supervisors and admins.
DELIVERY_LOG_ROLES = frozenset({Role.ONESTOP_SUPERVISOR, Role.SYSTEM_ADMIN})
INBOX_VISIBLE = (S.SENT, S.DELIVERED)


def inbox_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(
        recipient=user, channel=Channel.INBOX, status__in=INBOX_VISIBLE
    ).order_by("-created_at", "-id")


def inbox_unread_count(*, user: User | AnonymousUser) -> int:
    if not user.is_authenticated:
        return 0
    return inbox_for(user=user).filter(read_at__isnull=True).count()


def inbox_get(*, user: User, notification_uuid: str) -> Notification | None:
    return inbox_for(user=user).filter(uuid=notification_uuid).first()


@dataclass(frozen=True)
class InboxText:
    """An inbox message as the reader sees it now, in `language` (its HTML `lang`).
    `translated`: rendered again from the event's template, not the text that was sent."""

    notification: Notification
    subject: str
    body: str
    language: str
    translated: bool = False


def inbox_text(notification: Notification, *, language: str) -> InboxText:
    """The message in the language the reader is browsing in (issue #26: English mode showed
    Vietnamese titles). The row keeps what was sent, in the language it was sent in (for a legal
    notice that text is the one that counts, and the page shows it too); another language is
    rendered again from the event's template. A one-time code's message never is."""
    stored = InboxText(notification, notification.subject, notification.body, notification.language)
    if notification.is_sensitive or language == notification.language or language not in LANGUAGES:
        return stored
    try:
        message = render_message(
            event=notification.event,
            channel=notification.channel,
            language=language,
            context=notification.context,
        )
    except TemplateDoesNotExist:
        return stored
    return InboxText(notification, message.subject, message.body, language, translated=True)


def preference_for(*, user: User) -> NotificationPreference:
    """The saved preferences, or the defaults (unsaved) for someone who never chose."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )


def can_view_delivery_log(*, user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or user_roles(user=user) & DELIVERY_LOG_ROLES)


def delivery_log(*, user: User, reference: str) -> QuerySet[Notification]:
    """Every message sent about `reference` (a dossier code), with its attempts."""
    if not can_view_delivery_log(user=user) or not reference.strip():
        return Notification.objects.none()
    return (
        Notification.objects.filter(reference=reference.strip())
        .select_related("recipient")
        .prefetch_related("delivery_attempts")
        .order_by("created_at", "id")
    )


def failure_summary(*, user: User, days: int = 7) -> list[dict]:
    """Per channel: failed in the last `days`, waiting for a retry now, and delivered."""
    if not can_view_delivery_log(user=user):
        return []
    since = timezone.now() - timedelta(days=days)
    rows = (
        Notification.objects.filter(created_at__gte=since)
        .values("channel")
        .annotate(
            failed=Count("id", filter=Q(status=S.FAILED)),
            retrying=Count("id", filter=Q(status=S.QUEUED, attempts__gt=0)),
            ok=Count("id", filter=Q(status__in=[S.SENT, S.DELIVERED])),
        )
    )
    by_channel: dict[str, Any] = {row["channel"]: row for row in rows}
    return [
        {
            "channel": channel,
            "label": channel.label,
            "failed": by_channel.get(channel, {}).get("failed", 0),
            "retrying": by_channel.get(channel, {}).get("retrying", 0),
            "ok": by_channel.get(channel, {}).get("ok", 0),
        }
        for channel in Channel
    ]


def failures_list(*, user: User, channel: str = "", days: int = 7) -> QuerySet[Notification]:
    if not can_view_delivery_log(user=user):
        return Notification.objects.none()
    since = timezone.now() - timedelta(days=days)
    rows = Notification.objects.filter(created_at__gte=since).filter(
        Q(status=S.FAILED) | Q(status=S.QUEUED, attempts__gt=0)
    )
    if channel in Channel.values:
        rows = rows.filter(channel=channel)
    return rows.select_related("recipient").order_by("-updated_at", "-id")
