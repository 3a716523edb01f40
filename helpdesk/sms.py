"""One-off SMS to a phone number that belongs to no account (the anonymous reporter's code).

The notifications outbox addresses users, so these few messages go straight through the same SMS
channel plugin (`notifications.channels`: Twilio, or its local simulator when Twilio is off).
`HELPDESK_SMS_BACKEND = "locmem"` keeps them in `outbox` instead (unit tests); the code is the
only place that would need changing once the outbox accepts a bare phone number (ADR 0081).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SentSms:
    to: str
    body: str


outbox: list[SentSms] = []


def send_sms(*, to: str, body: str) -> None:
    """Send now (call it after commit). Failures are logged: the user can ask for a new code."""
    if settings.HELPDESK_SMS_BACKEND == "locmem":
        outbox.append(SentSms(to=to, body=body))
        return
    from notifications.channels.base import DeliveryError
    from notifications.channels.registry import get_channel
    from notifications.constants import Channel
    from notifications.models import Notification

    # An unsaved row only carries the address and text to the channel; nothing is stored.
    message = Notification(channel=Channel.SMS, address=to, body=body)
    try:
        get_channel(Channel.SMS).send(message)
    except DeliveryError:
        logger.warning("helpdesk SMS to %s failed", to[:-3] + "***", exc_info=True)
