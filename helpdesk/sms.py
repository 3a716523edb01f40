"""SMS to a phone number that belongs to no account (the anonymous 1022 reporter), ADR 0081.

Every such message is an outbox row written by `notifications.services.notify_phone` inside the
caller's transaction, so it is sent after commit with the outbox's retries and delivery log
(Twilio, or its local simulator when Twilio is off), and nothing is sent on rollback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from notifications.services import notify_phone

if TYPE_CHECKING:
    from notifications.models import Notification


@transaction.atomic
def send_sms(
    *, to: str, event: str, context: dict[str, Any], reference: str = ""
) -> Notification | None:
    """Queue the `event` SMS for `to`. None when the number is unusable or SMS is switched off."""

    return notify_phone(event=event, phone=to, context=context, reference=reference)
