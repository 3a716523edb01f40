"""SMS through the `twilio` library (Programmable Messaging, Messages API).

When Twilio is not enabled the library still runs in full: its HTTP client is told to send the
requests to the local Twilio simulator (`notifications/simulators.py`) instead of api.twilio.com.
"""

from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.urls import reverse

import requests

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


def _redirecting_http_client(base_url: str, timeout: float):
    # Local import: twilio is a heavy library, loaded on first use.
    from twilio.http.http_client import TwilioHttpClient

    class RedirectingHttpClient(TwilioHttpClient):
        """Twilio's own HTTP client, sending to `base_url` instead of https://*.twilio.com."""

        def request(self, method, url, *args, **kwargs):
            target = urlsplit(base_url)
            parts = urlsplit(url)
            path = target.path.rstrip("/") + parts.path
            url = urlunsplit((target.scheme, target.netloc, path, parts.query, ""))
            return super().request(method, url, *args, **kwargs)

    return RedirectingHttpClient(timeout=timeout, pool_connections=True)


def _environment_read_once(http_client, url: str):
    """The proxies and CA bundle the environment gives `url`, read now instead of on every
    message: `requests` otherwise walks the whole process environment twice per request (about a
    quarter of the worker's CPU per SMS, ADR 0332). The URL is fixed per client, so the answer
    is the same every time."""
    session = http_client.session
    settings_for_url = session.merge_environment_settings(url, {}, None, None, None)
    http_client.proxy = settings_for_url["proxies"] or {}
    session.verify = settings_for_url["verify"]
    if settings_for_url["cert"]:
        session.cert = settings_for_url["cert"]
    session.trust_env = False
    return http_client


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
        # Local import: twilio is a heavy library, loaded on first use.
        from twilio.rest import Client

        http_client = None
        if settings.TWILIO_API_BASE_URL:
            http_client = _environment_read_once(
                _redirecting_http_client(
                    settings.TWILIO_API_BASE_URL, settings.NOTIFICATIONS_PROVIDER_TIMEOUT
                ),
                settings.TWILIO_API_BASE_URL,
            )
        else:
            # Local import: twilio is a heavy library, loaded on first use.
            from twilio.http.http_client import TwilioHttpClient

            http_client = _environment_read_once(
                TwilioHttpClient(timeout=settings.NOTIFICATIONS_PROVIDER_TIMEOUT),
                TWILIO_API_URL,
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
        except (TwilioException, requests.RequestException) as exc:
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
        except (TwilioException, requests.RequestException) as exc:
            raise TransientError(f"Twilio unreachable: {exc}") from exc
        return DeliveryResult(provider_message_id=message.sid, provider_status=message.status or "")
