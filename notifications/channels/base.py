from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from accounts.models import CitizenProfile
from notifications.models import NotificationPreference

if TYPE_CHECKING:
    from accounts.models import User
    from notifications.models import Notification, NotificationPreference


@dataclass(frozen=True)
class Recipient:
    """A user with what the channels need to reach them, loaded once per `notify` call."""

    user: User
    preference: NotificationPreference
    email: str
    phone: str


@dataclass(frozen=True)
class DeliveryResult:
    """What the provider said when it took the message."""

    provider_message_id: str = ""
    provider_status: str = ""
    # True when handing over is already final delivery (the inbox), False when a delivery
    # report may still follow (SMS, Zalo).
    delivered: bool = False


class DeliveryError(Exception):
    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class TransientError(DeliveryError):
    """Try again later (network, 5xx, rate limit, expired token that could not be refreshed)."""


class PermanentError(DeliveryError):
    """Retrying will not help (invalid number, no Zalo account, mailbox rejected)."""


class BaseChannel:
    key: str = ""

    def address_for(self, recipient: Recipient) -> str:
        """Where this channel reaches the recipient; "" when it cannot."""
        raise NotImplementedError

    def send(self, notification: Notification) -> DeliveryResult:
        raise NotImplementedError

    def find_sent(self, notification: Notification, *, since: datetime) -> DeliveryResult | None:
        """Called before sending again a message whose worker died mid-send (the attempt was
        abandoned): the provider's record of it when the provider already took it, so it is
        not sent twice; None when the provider has no such message or the channel cannot ask
        (then it is sent again, see docs/notifications.md, "Exactly once")."""
        return None


def recipients_for(users: list[User]) -> list[Recipient]:
    """Two queries for any number of users: their profiles and their preferences."""

    ids = [u.pk for u in users]
    profiles = {p.user_id: p for p in CitizenProfile.objects.filter(user_id__in=ids)}
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=ids)}
    result = []
    for user in users:
        profile = profiles.get(user.pk)
        result.append(
            Recipient(
                user=user,
                preference=prefs.get(user.pk) or NotificationPreference(user=user),
                email=(user.email or (profile.email if profile else "") or "").strip(),
                phone=((profile.phone if profile else "") or user.phone or "").strip(),
            )
        )
    return result


def phone_e164(phone: str) -> str:
    """Vietnamese numbers to E.164: `0912 345 678` → `+84912345678`; "" when not a number."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.strip().startswith("+"):
        return f"+{digits}" if len(digits) >= 8 else ""
    if digits.startswith("84") and len(digits) >= 11:
        return f"+{digits}"
    if digits.startswith("0") and len(digits) == 10:
        return f"+84{digits[1:]}"
    return ""
