"""Delivery of the outbox: claim a row, send it through its channel, record the attempt, retry
with back-off or fail over to another channel; the sweeper that takes back stuck rows; the
providers' status callbacks. `notifications.services` writes the rows (`notify`)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from notifications.channels.base import (
    DeliveryResult,
    PermanentError,
    TransientError,
    recipients_for,
)
from notifications.channels.registry import get_channel
from notifications.constants import (
    AttemptOutcome,
    Channel,
    NotificationStatus,
)
from notifications.models import (
    DeliveryAttempt,
    Notification,
)
from notifications.rendering import render_message
from notifications.services import _build, _enqueue_on_commit

logger = logging.getLogger(__name__)
S = NotificationStatus


# --- delivery ---------------------------------------------------------------------------------------


def retry_delay(attempt: int) -> timedelta:
    """Exponential back-off: 1, 2, 4 … minutes, capped at an hour (≈ 4 h over 10 attempts)."""
    seconds = settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0)
    return timedelta(seconds=min(seconds, settings.NOTIFICATIONS_RETRY_MAX_SECONDS))


_CLAIM_SQL = """
UPDATE {table} SET status = %s, attempts = attempts + 1, claimed_at = %s, updated_at = %s
WHERE id IN (
    SELECT id FROM {table}
    WHERE id = ANY(%s) AND status = %s AND next_attempt_at <= %s
    FOR UPDATE SKIP LOCKED
)
RETURNING *
"""


def notification_claim_many(*, notification_ids: Sequence[int]) -> list[Notification]:
    """Take the due, queued rows among `notification_ids` for sending; rows another worker holds
    or that are done are skipped.

    On PostgreSQL this is one statement (row locks with SKIP LOCKED, attempt counted, committed
    before any provider is called); elsewhere (the SQLite embedded default) the same in a
    transaction.
    """
    now = timezone.now()
    ids = list(notification_ids)
    if connection.vendor == "postgresql":
        sql = _CLAIM_SQL.format(table=connection.ops.quote_name(Notification._meta.db_table))
        claimed = Notification.objects.raw(sql, [S.SENDING, now, now, ids, S.QUEUED, now])
        return sorted(claimed, key=lambda n: ids.index(n.pk))
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, status=S.QUEUED, next_attempt_at__lte=now)
            .order_by("pk")
        )
        for row in rows:
            row.status = S.SENDING
            row.attempts += 1
            row.claimed_at = now
            row.save(update_fields=["status", "attempts", "claimed_at", "updated_at"])
        return rows


def notification_claim(*, notification_id: int) -> Notification | None:
    claimed = notification_claim_many(notification_ids=[notification_id])
    return claimed[0] if claimed else None


def notification_deliver_many(*, notification_ids: Sequence[int]) -> dict[int, str]:
    """Claim the batch at once, then send and record each row on its own."""
    claimed = notification_claim_many(notification_ids=notification_ids)
    outcomes = dict.fromkeys(notification_ids, "skipped")
    for notification in claimed:
        outcomes[notification.pk] = _send(notification)
    return outcomes


def notification_deliver(*, notification_id: int) -> str:
    """Claim, send once, record. Returns the outcome (for logs and tests)."""
    notification = notification_claim(notification_id=notification_id)
    return "skipped" if notification is None else _send(notification)


def _abandoned_attempt(notification: Notification) -> DeliveryAttempt | None:
    """The previous attempt when its worker died mid-send (the sweeper marked it abandoned): the
    provider may have taken the message then. One query, and only on a retry."""
    if notification.attempts <= 1:
        return None
    return DeliveryAttempt.objects.filter(
        notification=notification,
        number=notification.attempts - 1,
        outcome=AttemptOutcome.ABANDONED,
    ).first()


def _send(notification: Notification) -> str:
    started = notification.claimed_at or timezone.now()
    channel = get_channel(notification.channel)
    try:
        result = None
        abandoned = _abandoned_attempt(notification)
        if abandoned is not None:
            result = channel.find_sent(notification, since=abandoned.started_at)
            if result is not None:
                logger.info(
                    "notification %s: the provider already had it (%s); not sent again",
                    notification.pk,
                    result.provider_message_id,
                )
        if result is None:
            result = channel.send(notification)
    except PermanentError as exc:
        error = _scrub(notification, str(exc))
        return _record_failure(notification, started=started, error=error, permanent=True)
    except TransientError as exc:
        error = _scrub(notification, str(exc))
        return _record_failure(notification, started=started, error=error, permanent=False)
    except Exception as exc:  # a bug or an unexpected library error: retry, and log loudly
        logger.exception("notification %s: unexpected error while sending", notification.pk)
        error = _scrub(notification, repr(exc))
        return _record_failure(notification, started=started, error=error, permanent=False)
    return _record_sent(notification, started=started, result=result)


# The body stored in place of a sensitive row's message once it is final (data, not translated).
REDACTED_BODY = "[đã ẩn]"


def _redacted_fields() -> dict[str, Any]:
    return {"body": REDACTED_BODY, "subject": "", "html": "", "context": {}}


def _scrub(notification: Notification, error: str) -> str:
    """An error text of a sensitive row without its body or context values (a provider may echo
    what it was sent); errors are kept in the attempt log and `last_error`."""
    if not notification.is_sensitive:
        return error
    secrets = [notification.body, notification.subject, notification.html]
    secrets += [str(v) for v in (notification.context or {}).values() if str(v).strip()]
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        error = error.replace(secret, REDACTED_BODY)
    return error


def _redact(row: Notification) -> None:
    """Blank the message of a final sensitive row (ADR 0081); call inside the transaction that
    made it final."""
    if not row.is_sensitive:
        return
    fields = _redacted_fields()
    Notification.objects.filter(pk=row.pk).update(**fields, updated_at=timezone.now())
    for name, value in fields.items():
        setattr(row, name, value)


def _attempt_log(
    notification: Notification,
    *,
    started: datetime,
    outcome: str,
    error: str = "",
    message_id: str = "",
) -> None:
    """One row per attempt number; a late finisher overwrites an 'abandoned' guess (upsert)."""
    DeliveryAttempt.objects.bulk_create(
        [
            DeliveryAttempt(
                notification=notification,
                number=notification.attempts,
                started_at=started,
                finished_at=timezone.now(),
                outcome=outcome,
                error=error[:2000],
                provider_message_id=message_id,
            )
        ],
        update_conflicts=True,
        unique_fields=["notification", "number"],
        update_fields=["finished_at", "outcome", "error", "provider_message_id"],
    )


# PostgreSQL: finish the row and log the attempt in one statement (one round trip, one implicit
# transaction) instead of BEGIN / UPDATE / INSERT / COMMIT: the delivery path's per-message cost.
_RECORD_SENT_SQL = """
WITH done AS (
    UPDATE {notification} SET
        status = %(status)s, sent_at = %(now)s, delivered_at = %(delivered_at)s,
        provider_message_id = %(message_id)s, provider_status = %(provider_status)s,
        last_error = '', updated_at = %(now)s{redact}
    WHERE id = %(id)s AND attempts = %(attempts)s AND status IN (%(sending)s, %(queued)s)
    RETURNING id
), logged AS (
    INSERT INTO {attempt} (notification_id, number, started_at, finished_at, outcome, error,
                           provider_message_id)
    VALUES (%(id)s, %(attempts)s, %(started)s, %(now)s, %(outcome)s, '', %(message_id)s)
    ON CONFLICT (notification_id, number) DO UPDATE SET
        finished_at = EXCLUDED.finished_at, outcome = EXCLUDED.outcome, error = EXCLUDED.error,
        provider_message_id = EXCLUDED.provider_message_id
)
SELECT count(*) FROM done
"""
_REDACT_SQL = ", body = %(redacted_body)s, subject = '', html = '', context = '{}'::jsonb"


def _record_sent(notification: Notification, *, started: datetime, result: DeliveryResult) -> str:
    now = timezone.now()
    status = S.DELIVERED if result.delivered else S.SENT
    message_id = result.provider_message_id[:255]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        quote = connection.ops.quote_name
        sql = _RECORD_SENT_SQL.format(
            notification=quote(Notification._meta.db_table),
            attempt=quote(DeliveryAttempt._meta.db_table),
            redact=_REDACT_SQL if notification.is_sensitive else "",
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                {
                    "status": status,
                    "now": now,
                    "delivered_at": now if result.delivered else None,
                    "message_id": message_id,
                    "provider_status": result.provider_status[:32],
                    "redacted_body": REDACTED_BODY,
                    "id": notification.pk,
                    "attempts": notification.attempts,
                    "sending": S.SENDING,
                    "queued": S.QUEUED,
                    "started": started,
                    "outcome": AttemptOutcome.SENT,
                },
            )
            updated = cursor.fetchone()[0]
    else:
        updated = _record_sent_orm(notification, now=now, status=status, result=result)
        _attempt_log(
            notification, started=started, outcome=AttemptOutcome.SENT, message_id=message_id
        )
    if not updated:
        logger.warning(
            "notification %s: attempt %s finished after the row moved on",
            notification.pk,
            notification.attempts,
        )
    return "sent"


@transaction.atomic
def _record_sent_orm(
    notification: Notification, *, now: datetime, status: str, result: DeliveryResult
) -> int:
    """The same as `_RECORD_SENT_SQL` through the ORM (SQLite, or inside a caller's
    transaction). Only the attempt that owns the row may finish it (module docstring, step 3)."""
    return Notification.objects.filter(
        pk=notification.pk, attempts=notification.attempts, status__in=[S.SENDING, S.QUEUED]
    ).update(
        status=status,
        sent_at=now,
        delivered_at=now if result.delivered else None,
        provider_message_id=result.provider_message_id[:255],
        provider_status=result.provider_status[:32],
        last_error="",
        updated_at=now,
        **(_redacted_fields() if notification.is_sensitive else {}),
    )


@transaction.atomic
def _record_failure(
    notification: Notification, *, started: datetime, error: str, permanent: bool
) -> str:
    now = timezone.now()
    exhausted = notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
    owned = Notification.objects.select_for_update().filter(
        pk=notification.pk, attempts=notification.attempts, status=S.SENDING
    )
    row = owned.first()
    outcome = AttemptOutcome.PERMANENT if permanent or exhausted else AttemptOutcome.TRANSIENT
    _attempt_log(notification, started=started, outcome=outcome, error=error)
    if row is None:
        return "superseded"
    row.last_error = error[:2000]
    if outcome == AttemptOutcome.TRANSIENT:
        row.status = S.QUEUED
        row.next_attempt_at = now + retry_delay(row.attempts)
        row.enqueued_at = None  # the sweeper enqueues it when it is due
        row.save(
            update_fields=["status", "next_attempt_at", "enqueued_at", "last_error", "updated_at"]
        )
        return "retry"
    row.status = S.FAILED
    row.failed_at = now
    row.save(update_fields=["status", "failed_at", "last_error", "updated_at"])
    _failover(row)  # renders the replacement from the context, so before the redaction
    _redact(row)
    return "failed"


def _failover(failed: Notification) -> Notification | None:
    """A permanent SMS failure tries Zalo (and back), once per message group and recipient."""
    target = settings.NOTIFICATIONS_FAILOVER.get(failed.channel)
    if not target or target not in settings.NOTIFICATIONS_CHANNELS or failed.failover_of_id:
        return None
    user = failed.recipient
    if user is None:  # a bare phone number has no other channel
        return None
    exists = Notification.objects.filter(
        group=failed.group, recipient=failed.recipient_id, channel=target
    ).exists()
    (target_recipient,) = recipients_for([user])
    pref = target_recipient.preference
    allowed = failed.legal or {Channel.SMS: pref.sms_enabled, Channel.ZALO: pref.zalo_enabled}.get(
        target, True
    )
    address = get_channel(target).address_for(target_recipient)
    if exists or not allowed or not address:
        return None
    now = timezone.now()
    replacement = _build(
        event=failed.event,
        user=user,
        channel=target,
        address=address,
        context=failed.context,
        language=failed.language,
        group=failed.group,
        reference=failed.reference,
        attachments=[],
        urgent=failed.urgent,
        pref=pref,
        now=now,
        rendered=render_message(
            event=failed.event, channel=target, language=failed.language, context=failed.context
        ),
        failover_of=failed,
    )
    replacement.save()
    if replacement.enqueued_at is not None:
        _enqueue_on_commit([replacement.pk])
    return replacement


# --- the sweeper ---------------------------------------------------------------------------------


@transaction.atomic
def notification_sweep(
    *,
    now: datetime | None = None,
    queued_stuck_after: timedelta | None = None,
    sending_lease: timedelta | None = None,
    limit: int = 2000,
) -> int:
    """Re-enqueue what is due and was never (or too long ago) handed to a worker; take back
    rows whose worker died mid-send. Returns how many rows were enqueued."""
    now = now or timezone.now()
    if queued_stuck_after is None:
        queued_stuck_after = timedelta(seconds=settings.NOTIFICATIONS_QUEUED_STUCK_SECONDS)
    if sending_lease is None:
        sending_lease = timedelta(seconds=settings.NOTIFICATIONS_SENDING_LEASE_SECONDS)

    stuck = list(
        Notification.objects.select_for_update(skip_locked=True).filter(
            status=S.SENDING, claimed_at__lt=now - sending_lease
        )[:limit]
    )
    for row in stuck:
        DeliveryAttempt.objects.get_or_create(
            notification=row,
            number=row.attempts,
            defaults={
                "started_at": row.claimed_at or now,
                "outcome": AttemptOutcome.ABANDONED,
                "error": "worker stopped before recording a result",
            },
        )
    if stuck:
        Notification.objects.filter(pk__in=[r.pk for r in stuck]).update(
            status=S.QUEUED, next_attempt_at=now, enqueued_at=None, updated_at=now
        )

    due = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(status=S.QUEUED, next_attempt_at__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - queued_stuck_after))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    if due:
        Notification.objects.filter(pk__in=due).update(enqueued_at=now, updated_at=now)
        _enqueue_on_commit(due)
    return len(due)


# --- provider callbacks -------------------------------------------------------------------------------

TWILIO_DELIVERED = frozenset({"delivered", "read"})
TWILIO_FAILED = frozenset({"undelivered", "failed"})


@transaction.atomic
def notification_provider_status(
    *,
    notification_uuid: uuid.UUID,
    provider_message_id: str,
    provider_status: str,
    error_code: str = "",
) -> Notification | None:
    """Apply a delivery report; idempotent, and never moves a row backwards."""
    row = (
        Notification.objects.select_for_update()
        .filter(uuid=notification_uuid, provider_message_id=provider_message_id)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    row.provider_status = provider_status[:32]
    fields = ["provider_status", "updated_at"]
    if provider_status in TWILIO_DELIVERED and row.status == S.SENT:
        row.status, row.delivered_at = S.DELIVERED, now
        fields += ["status", "delivered_at"]
    elif provider_status in TWILIO_FAILED and row.status in (S.SENT, S.DELIVERED):
        row.status, row.failed_at = S.FAILED, now
        row.last_error = f"provider reported {provider_status} {error_code}".strip()
        fields += ["status", "failed_at", "last_error"]
    row.save(update_fields=fields)
    if row.status == S.FAILED and "failed_at" in fields:
        _failover(row)
    if row.status in (S.SENT, S.DELIVERED, S.FAILED):
        _redact(row)  # blank already since it was sent; this covers a row finished otherwise
    return row
