"""Writes of the outbox: `notify` (called by other apps inside their transactions), delivery,
the sweeper, provider callbacks, the digest, the inbox and preferences.

Delivery protocol (docs/adr/0060-notification-outbox.md):
1. `notify` writes rows (status queued, enqueued_at=now) and enqueues their ids after commit.
2. A task claims a row: `select_for_update(skip_locked=True)` on a queued, due row; status →
   sending, attempts += 1, committed *before* the provider is called.
3. The provider is called outside any transaction; the result is recorded with a conditional
   update on (status, attempts), so a late or duplicate task cannot overwrite a newer attempt.
4. Transient failure → queued again with next_attempt_at = now + back-off and enqueued_at=None;
   the sweeper enqueues it when due. After NOTIFICATIONS_MAX_ATTEMPTS → failed (+ failover).
5. The sweeper also re-enqueues queued rows whose task was lost (Redis restart, crash between
   commit and enqueue) and takes back rows stuck in sending past the lease (worker killed).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from common.audit import audit_record
from common.exceptions import ApplicationError
from notifications.channels.base import (
    Recipient,
    phone_e164,
    recipients_for,
)
from notifications.channels.registry import get_channel
from notifications.constants import (
    EVENTS,
    PHONE_CHANNELS,
    STAFF_EVENTS,
    Channel,
    Event,
    NotificationStatus,
)
from notifications.models import (
    MessageTemplate,
    Notification,
    NotificationPreference,
)
from notifications.rendering import RenderedMessage, render_message

logger = logging.getLogger(__name__)
S = NotificationStatus


@dataclass(frozen=True)
class Attachment:
    """A file for the e-mail: `content` is stored now, or `path` names a file already in storage.

    `url` is where the recipient can fetch it when it is too big to attach.
    """

    filename: str
    content: bytes | None = None
    path: str = ""
    content_type: str = "application/pdf"
    url: str = ""


# --- notify ---------------------------------------------------------------------------------------


def _in_quiet_hours(pref: NotificationPreference, at: datetime) -> datetime | None:
    """When the quiet window that contains `at` ends (aware), or None if `at` is not quiet."""
    if pref.quiet_start is None or pref.quiet_end is None or pref.quiet_start == pref.quiet_end:
        return None
    local = timezone.localtime(at)
    now_t = local.time()
    start, end = pref.quiet_start, pref.quiet_end
    quiet = (start <= now_t < end) if start < end else (now_t >= start or now_t < end)
    if not quiet:
        return None
    end_day = local.date() if now_t < end else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(end_day, end), local.tzinfo)


def _choose_channels(
    *, event: str, recipient: Recipient, requested: Iterable[str] | None
) -> list[tuple[str, str]]:
    """(channel, address) pairs for one recipient, after preferences and the legal-notice rule."""
    spec = EVENTS[event]
    pref = recipient.preference
    wanted = [c for c in (requested or spec.channels) if c in settings.NOTIFICATIONS_CHANNELS]
    enabled: dict[str, bool] = {
        Channel.EMAIL: pref.email_enabled,
        Channel.SMS: pref.sms_enabled,
        Channel.ZALO: pref.zalo_enabled,
        Channel.INBOX: True,
    }
    addresses = {c: get_channel(c).address_for(recipient) for c in wanted}
    chosen = [(c, addresses[c]) for c in wanted if enabled[c] and addresses[c]]
    if spec.legal:
        keys = {c for c, _a in chosen}
        if Channel.INBOX not in keys and Channel.INBOX in settings.NOTIFICATIONS_CHANNELS:
            chosen.append((Channel.INBOX, get_channel(Channel.INBOX).address_for(recipient)))
        if not keys & {Channel.EMAIL, Channel.SMS}:
            # The law wants the applicant told: override the preference, e-mail first.
            for channel in (Channel.EMAIL, Channel.SMS):
                address = get_channel(channel).address_for(recipient)
                if address and channel in settings.NOTIFICATIONS_CHANNELS:
                    chosen.append((channel, address))
                    break
    return chosen


def _store_attachments(attachments: Sequence[Attachment], group: uuid.UUID) -> list[dict]:
    stored = []
    for item in attachments:
        path = item.path
        if item.content is not None:
            path = default_storage.save(
                f"notifications/{group}/{item.filename}", ContentFile(item.content)
            )
        stored.append(
            {
                "filename": item.filename,
                "path": path,
                "content_type": item.content_type,
                "url": item.url,
            }
        )
    return stored


def _default_context(event: str, user: User, context: dict[str, Any]) -> dict[str, Any]:
    names = EVENTS[event].placeholders
    filled = dict(context)
    for key in ("citizen_name", "staff_name"):
        if key in names and not filled.get(key):
            filled[key] = user.get_full_name()
    return filled


def _build(
    *,
    event: str,
    user: User,
    channel: str,
    address: str,
    context: dict[str, Any],
    language: str,
    group: uuid.UUID,
    reference: str,
    attachments: list[dict],
    urgent: bool,
    pref: NotificationPreference,
    now: datetime,
    rendered: RenderedMessage,
    failover_of: Notification | None = None,
) -> Notification:
    spec = EVENTS[event]
    notification = Notification(
        group=group,
        event=event,
        channel=channel,
        recipient=user,
        address=address,
        language=language,
        reference=reference,
        context=context,
        subject=rendered.subject[:255],
        body=rendered.body,
        html=rendered.html,
        attachments=attachments if channel == Channel.EMAIL else [],
        sms_segments=rendered.sms_segments,
        legal=spec.legal,
        urgent=urgent,
        next_attempt_at=now,
        enqueued_at=now,
        failover_of=failover_of,
    )
    held_for_digest = event in STAFF_EVENTS and event != Event.STAFF_DAILY_DIGEST
    if held_for_digest and pref.daily_digest and channel in (Channel.EMAIL, Channel.SMS):
        notification.status = S.DIGEST
        notification.enqueued_at = None
    elif not urgent and channel in PHONE_CHANNELS:
        quiet_until = _in_quiet_hours(pref, now)
        if quiet_until is not None:
            notification.next_attempt_at = quiet_until
            notification.enqueued_at = None  # the sweeper sends it when the window ends
    return notification


@transaction.atomic
def notify(
    *,
    event: str,
    recipient: User | Iterable[User],
    context: dict[str, Any],
    reference: str = "",
    channels: Iterable[str] | None = None,
    attachments: Sequence[Attachment] = (),
    urgent: bool | None = None,
) -> list[Notification]:
    """Write the notifications for `event` inside the caller's transaction; send after commit.

    `context` must hold the event's placeholders (`EVENTS[event].placeholders`); the recipient's
    name is filled in when missing. `reference` (a dossier code, a question code) finds the
    messages again in the staff delivery log. Nothing is sent if the caller's transaction rolls
    back.
    """
    if event not in EVENTS:
        raise ApplicationError(f"unknown notification event {event!r}", code="unknown_event")
    users: list[User] = [recipient] if isinstance(recipient, User) else list(recipient)
    requested = list(channels) if channels is not None else None
    is_urgent = EVENTS[event].urgent if urgent is None else urgent
    group = uuid.uuid4()
    stored = _store_attachments(attachments, group) if attachments else []
    now = timezone.now()
    overrides = {
        (t.channel, t.language): t
        for t in MessageTemplate.objects.filter(event=event, is_active=True)
    }
    rendered_cache: dict[tuple, RenderedMessage] = {}
    rows: list[Notification] = []
    for target in recipients_for(users):
        pref = target.preference
        filled = _default_context(event, target.user, context)
        for channel, address in _choose_channels(
            event=event, recipient=target, requested=requested
        ):
            # Many recipients of one announcement share one rendering.
            key = (channel, pref.language, json.dumps(filled, sort_keys=True, default=str))
            if key not in rendered_cache:
                rendered_cache[key] = render_message(
                    event=event,
                    channel=channel,
                    language=pref.language,
                    context=filled,
                    overrides=overrides,
                )
            rows.append(
                _build(
                    event=event,
                    user=target.user,
                    channel=channel,
                    address=address,
                    context=filled,
                    language=pref.language,
                    group=group,
                    reference=reference,
                    attachments=stored,
                    urgent=is_urgent,
                    pref=pref,
                    now=now,
                    rendered=rendered_cache[key],
                )
            )
    Notification.objects.bulk_create(rows)
    _enqueue_on_commit([n.pk for n in rows if n.enqueued_at is not None])
    return rows


@transaction.atomic
def notify_phone(
    *, event: str, phone: str, context: dict[str, Any], reference: str = "", language: str = "vi"
) -> Notification | None:
    """An SMS about `event` to a phone number that has no account (an anonymous reporter).

    The same outbox row, retries and delivery log as `notify`, without preferences or failover.
    Returns None when the number is not a phone number or SMS is not in use.
    """
    if event not in EVENTS:
        raise ApplicationError(f"unknown notification event {event!r}", code="unknown_event")
    address = phone_e164(phone)
    if not address or Channel.SMS not in settings.NOTIFICATIONS_CHANNELS:
        return None
    spec = EVENTS[event]
    rendered = render_message(event=event, channel=Channel.SMS, language=language, context=context)
    now = timezone.now()
    row = Notification.objects.create(
        event=event,
        channel=Channel.SMS,
        address=address,
        language=language,
        reference=reference,
        context=context,
        body=rendered.body,
        sms_segments=rendered.sms_segments,
        legal=spec.legal,
        urgent=spec.urgent,
        next_attempt_at=now,
        enqueued_at=now,
    )
    _enqueue_on_commit([row.pk])
    return row


def _enqueue_on_commit(ids: list[int]) -> None:
    if ids:
        transaction.on_commit(lambda: enqueue(ids))


def enqueue(ids: Iterable[int]) -> int:
    """Hand ids to the workers in small batches. A broker outage is logged, not raised: the rows
    stay queued and the sweeper enqueues them again."""
    # Local import: breaks the cycle
    # notifications.services → notifications.tasks → notifications.services.
    from notifications.tasks import notification_deliver_many

    ids = list(ids)
    size = max(1, settings.NOTIFICATIONS_TASK_BATCH)
    count = 0
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        try:
            notification_deliver_many.delay(batch)
            count += len(batch)
        except Exception:  # broker down
            logger.warning(
                "notifications %s not enqueued; the sweeper will retry", batch, exc_info=True
            )
    return count


# --- the staff digest ---------------------------------------------------------------------------------


@transaction.atomic
def notification_digest_send(*, now: datetime | None = None) -> int:
    """Gather each digest-taker's held staff messages into one e-mail. Returns digests written."""
    now = now or timezone.now()
    held = (
        Notification.objects.select_for_update(skip_locked=True)
        .filter(status=S.DIGEST, created_at__lte=now)
        .order_by("recipient_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    for row in held:
        if row.recipient_id is not None:
            by_user.setdefault(row.recipient_id, []).append(row)
    day = timezone.localtime(now).strftime("%d/%m/%Y")
    written = 0
    for user_id, rows in by_user.items():
        user = User.objects.get(pk=user_id)
        seen: set[uuid.UUID] = set()
        items = []
        for row in rows:
            if row.group not in seen:  # an event held on e-mail and SMS is listed once
                seen.add(row.group)
                items.append(row.subject or row.body)
        notify(
            event=Event.STAFF_DAILY_DIGEST,
            recipient=user,
            context={"staff_name": user.get_full_name(), "day": day, "items": items},
            channels=[Channel.EMAIL],
        )
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=S.DIGESTED, updated_at=now
        )
        written += 1
    return written


# --- inbox and preferences -------------------------------------------------------------------------


@transaction.atomic
def inbox_mark_read(*, user: User, notification_uuid: uuid.UUID) -> Notification:
    row = Notification.objects.filter(
        uuid=notification_uuid, recipient=user, channel=Channel.INBOX
    ).first()
    if row is None:
        raise ApplicationError("notification not found", code="not_found")
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at", "updated_at"])
    return row


@transaction.atomic
def inbox_mark_all_read(*, user: User) -> int:
    now = timezone.now()
    return Notification.objects.filter(
        recipient=user, channel=Channel.INBOX, read_at__isnull=True
    ).update(read_at=now, updated_at=now)


@transaction.atomic
def preference_update(
    *,
    user: User,
    email_enabled: bool,
    sms_enabled: bool,
    zalo_enabled: bool,
    quiet_start: time | None,
    quiet_end: time | None,
    language: str,
    daily_digest: bool = False,
    zalo_linked: bool | None = None,
) -> NotificationPreference:

    pref, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    pref.email_enabled = email_enabled
    pref.sms_enabled = sms_enabled
    pref.zalo_enabled = zalo_enabled
    pref.quiet_start = quiet_start
    pref.quiet_end = quiet_end
    pref.language = language
    pref.daily_digest = daily_digest
    if zalo_linked is not None:
        pref.zalo_linked_at = (pref.zalo_linked_at or timezone.now()) if zalo_linked else None
    pref.full_clean()
    pref.save()
    audit_record(
        action="notifications.preference_update",
        actor=user,
        obj=pref,
        data={
            "email": email_enabled,
            "sms": sms_enabled,
            "zalo": zalo_enabled,
            "zalo_linked": pref.zalo_linked_at is not None,
            "language": language,
            "quiet": [str(quiet_start or ""), str(quiet_end or "")],
            "digest": daily_digest,
        },
    )
    return pref
