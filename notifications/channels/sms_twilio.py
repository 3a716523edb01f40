"""SMS through the `twilio` library (Programmable Messaging, Messages API).

When Twilio is not enabled the library still runs in full: its HTTP client is told to send the
requests to the local Twilio simulator (`notifications/simulators.py`) instead of api.twilio.com.
The HTTP client is our own (`twilio_http.PooledTwilioHttpClient`, ADR 0346): twilio's interface on
one urllib3 pool per process.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse

from common.simulators import simulator_on
from notifications.channels.base import (
    BaseChannel,
    DeliveryResult,
    PermanentError,
    TransientError,
    phone_e164,
)
from notifications.channels.registry import register
from notifications.constants import Channel

TWILIO_API_URL = "https://api.twilio.com"


def sms_configured() -> bool:
    """Twilio itself, or its simulator where simulators may run (common/simulators.py)."""
    return bool(settings.TWILIO_ENABLED or simulator_on("TWILIO_SIMULATOR_ENABLED"))


def status_callback_url(notification) -> str:
    path = reverse("notifications:twilio_status", kwargs={"uuid": notification.uuid})
    return f"{settings.NOTIFICATIONS_CALLBACK_BASE_URL}{path}"


@register(Channel.SMS)
class TwilioSmsChannel(BaseChannel):
    key = Channel.SMS

    def __init__(self) -> None:
        # Local imports: twilio is a heavy library, loaded on first use.
        from twilio.rest import Client

        from notifications.channels.twilio_http import PooledTwilioHttpClient

        # One client per process (`get_channel` is cached), its pool shared by the worker's
        # threads; the environment's proxy settings are read here once (ADR 0332).
        http_client = PooledTwilioHttpClient(
            target_url=settings.TWILIO_API_BASE_URL or TWILIO_API_URL,
            rewrite_to=settings.TWILIO_API_BASE_URL,
            timeout=settings.NOTIFICATIONS_PROVIDER_TIMEOUT,
        )
        self.client = Client(
            settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http_client
        )

    def address_for(self, recipient) -> str:
        # Without Twilio (or its simulator) SMS reach nobody: other channels are chosen instead.
        return phone_e164(recipient.phone) if sms_configured() else ""

    def find_sent(self, notification, *, since: datetime) -> DeliveryResult | None:
        """Twilio's Messages API takes no idempotency key, so ask it instead: a message to the
        same number with the same body since the abandoned attempt started is this one."""
        # Local import: twilio is a heavy library, loaded on first use.
        from twilio.base.exceptions import TwilioException

        try:
            messages = self.client.messages.list(
                to=notification.address,
                date_sent_after=since - timedelta(minutes=1),
                page_size=50,
                limit=50,
            )
        except TwilioException as exc:  # PooledTwilioHttpClient's network errors too
            raise TransientError(f"Twilio unreachable: {exc}") from exc
        for message in messages:
            if message.body == notification.body:
                return DeliveryResult(
                    provider_message_id=message.sid, provider_status=message.status or ""
                )
        return None

    def send(self, notification) -> DeliveryResult:
        # Local import: twilio is a heavy library, loaded on first use.
        from twilio.base.exceptions import TwilioException, TwilioRestException

        if not sms_configured():
            raise PermanentError("SMS is not configured (TWILIO_ENABLED off).", code="config")

        sender = (
            {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
            if settings.TWILIO_MESSAGING_SERVICE_SID
            else {"from_": settings.TWILIO_FROM_NUMBER}
        )
        try:
            message = self.client.messages.create(
                to=notification.address,
                body=notification.body,
                status_callback=status_callback_url(notification),
                **sender,
            )
        except TwilioRestException as exc:
            # 429 and 5xx are the provider's trouble; other 4xx (bad number, blocked) are final.
            transient = exc.status == 429 or exc.status >= 500
            error = TransientError if transient else PermanentError
            raise error(
                f"Twilio {exc.status} {exc.code}: {exc.msg}", code=str(exc.code or exc.status)
            ) from exc
        except TwilioException as exc:  # PooledTwilioHttpClient's network errors too
            raise TransientError(f"Twilio unreachable: {exc}") from exc
        return DeliveryResult(provider_message_id=message.sid, provider_status=message.status or "")
