"""Zalo Official Account template messages (ZNS) over HTTP, with access-token refresh.

ZNS sends a template approved by Zalo (`template_id`) filled with `template_data` to the Zalo
account of a phone number. The access token lives about 25 hours; the refresh token is single use,
so the newest pair is kept in `ZaloToken`; a refresh claims it under a row lock and calls Zalo
after that commit.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

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
from notifications.constants import EVENTS, Channel
from notifications.models import ZaloToken

# Zalo error codes (developers.zalo.me, ZNS "Bảng mã lỗi").
TOKEN_INVALID = -124
PERMANENT_CODES = frozenset({-108, -109, -118, -119, -131, -139})  # bad phone, no Zalo, template


def zalo_headers(name: str, value: str) -> dict[str, str]:
    """Zalo's header names contain underscores (`access_token`, `secret_key`). Django's dev
    server and gunicorn drop such headers, so towards the local simulator the value also goes in
    an `X-Sim-…` header the simulator can read; the real API gets only its own header."""
    headers = {name: value}
    if simulator_on("ZALO_SIMULATOR_ENABLED"):
        headers["X-Sim-" + name.replace("_", "-").title()] = value
    return headers


class ZaloTokenStore:
    def current(self) -> str:

        token = ZaloToken.objects.filter(key="oa").first()
        if token and token.access_token and token.expires_at and token.expires_at > timezone.now():
            return token.access_token
        return self.refresh(stale=token.access_token if token else "")

    def refresh(self, *, stale: str) -> str:
        """Exchange the refresh token for a new pair, unless another worker already did.

        The pair is claimed under the row lock, the call to Zalo runs after that commit (no
        network inside a transaction, ADR 0180), and the new pair is recorded under the lock
        again. A worker that finds the pair claimed retries later instead of spending the
        single-use refresh token a second time."""
        refresh_token = self._claim(stale=stale)
        if refresh_token is None:
            return self._current_or_retry()
        try:
            response = requests.post(
                f"{settings.ZALO_OAUTH_URL.rstrip('/')}/v4/oa/access_token",
                headers=zalo_headers("secret_key", settings.ZALO_APP_SECRET),
                data={
                    "refresh_token": refresh_token,
                    "app_id": settings.ZALO_APP_ID,
                    "grant_type": "refresh_token",
                },
                timeout=settings.NOTIFICATIONS_PROVIDER_TIMEOUT,
            )
            data = response.json()
        except (requests.RequestException, ValueError) as exc:
            self._release()
            raise TransientError(f"Zalo OAuth unreachable: {exc}") from exc
        if "access_token" not in data:
            self._release()
            raise TransientError(f"Zalo OAuth refused the refresh token: {data}")
        return self._record(data)

    @transaction.atomic
    def _claim(self, *, stale: str) -> str | None:
        """The refresh token to spend, or None when a fresh pair exists or another worker holds
        the claim."""
        token, _created = ZaloToken.objects.select_for_update().get_or_create(
            key="oa", defaults={"refresh_token": settings.ZALO_REFRESH_TOKEN}
        )
        now = timezone.now()
        fresh = token.expires_at and token.expires_at > now
        if token.access_token and token.access_token != stale and fresh:
            return None
        if token.refreshing_until and token.refreshing_until > now:
            return None
        token.refreshing_until = now + timedelta(
            seconds=settings.NOTIFICATIONS_PROVIDER_TIMEOUT + 5
        )
        token.save(update_fields=["refreshing_until", "updated_at"])
        return token.refresh_token or settings.ZALO_REFRESH_TOKEN

    def _current_or_retry(self) -> str:
        token = ZaloToken.objects.get(key="oa")
        if token.access_token and token.expires_at and token.expires_at > timezone.now():
            return token.access_token
        raise TransientError("Zalo access token is being refreshed by another worker")

    def _release(self) -> None:
        ZaloToken.objects.filter(key="oa").update(refreshing_until=None)

    @transaction.atomic
    def _record(self, data: dict) -> str:
        token = ZaloToken.objects.select_for_update().get(key="oa")
        token.access_token = data["access_token"]
        token.refresh_token = data.get("refresh_token", token.refresh_token)
        # Renew a little early so a token never expires between check and use.
        token.expires_at = timezone.now() + timedelta(
            seconds=int(data.get("expires_in", 3600)) - 60
        )
        token.refreshing_until = None
        token.save()
        return token.access_token


@register(Channel.ZALO)
class ZaloZnsChannel(BaseChannel):
    key = Channel.ZALO

    def __init__(self) -> None:
        self.session = requests.Session()
        self.tokens = ZaloTokenStore()

    def address_for(self, recipient) -> str:
        """ZNS reaches the Zalo account of a phone number, only once the user agreed (linked)."""
        if not (settings.ZALO_ENABLED or simulator_on("ZALO_SIMULATOR_ENABLED")):
            return ""  # not configured: other channels are chosen instead
        phone = phone_e164(recipient.phone)
        return phone.lstrip("+") if phone and recipient.preference.zalo_linked_at else ""

    def payload(self, notification) -> dict:
        names = EVENTS[notification.event].placeholders
        return {
            "phone": notification.address,
            "template_id": settings.ZALO_TEMPLATE_IDS.get(notification.event, notification.event),
            "template_data": {
                name: str(notification.context.get(name, ""))[:100] for name in names
            },
            "tracking_id": str(notification.uuid),
        }

    def send(self, notification) -> DeliveryResult:
        if not (settings.ZALO_ENABLED or simulator_on("ZALO_SIMULATOR_ENABLED")):
            raise PermanentError("Zalo is not configured (ZALO_ENABLED off).", code="config")
        payload = self.payload(notification)
        access_token = self.tokens.current()
        data = self._post(payload, access_token)
        if data.get("error") == TOKEN_INVALID:
            data = self._post(payload, self.tokens.refresh(stale=access_token))
        code = data.get("error")
        if code == 0:
            msg_id = str((data.get("data") or {}).get("msg_id", ""))
            return DeliveryResult(provider_message_id=msg_id, provider_status="sent")
        error = PermanentError if code in PERMANENT_CODES else TransientError
        raise error(f"Zalo {code}: {data.get('message', '')}", code=str(code))

    def _post(self, payload: dict, access_token: str) -> dict:
        try:
            response = self.session.post(
                f"{settings.ZALO_API_URL.rstrip('/')}/message/template",
                headers=zalo_headers("access_token", access_token),
                json=payload,
                timeout=settings.NOTIFICATIONS_PROVIDER_TIMEOUT,
            )
        except requests.RequestException as exc:
            raise TransientError(f"Zalo unreachable: {exc}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientError(f"Zalo HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise TransientError(f"Zalo answered non-JSON (HTTP {response.status_code})") from exc
