"""VNPost: postal collection of dossiers and dispatch of results (regulation-spec §3, §12.4).

The public record has only fragments of VNPost's API (OpenCPS `VnpostCollectionTerm`: statuses
1 registered, 2 collecting, 3 handed over, 4 cancelled; sender/receiver fields). The shape below
is ours [I], kept small so the contracted API is a mapping exercise:

* `POST {VNPOST_API_URL}/orders` with `Authorization: Bearer <token>` and `Idempotency-Key`,
  body `{customerCode, serviceType: "THU_GOM"|"PHAT_KET_QUA", referenceCode, sender*, receiver*,
  description, callbackUrl}` → `{"status": "OK", "orderNumber": "EB…VN", "orderStatus": "1"}`.
* Status callbacks `POST callbackUrl` with `{orderNumber, status, time: yyyyMMddHHmmss, proof}`,
  signed `X-VNPost-Signature: hex(HMAC-SHA256(VNPOST_CALLBACK_SECRET, raw body))`.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings

import requests

from integrations.base import Integration, IntegrationError, integrations
from integrations.constants import PostalKind, Provider

SERVICE_TYPE = {PostalKind.PICKUP: "THU_GOM", PostalKind.DISPATCH: "PHAT_KET_QUA"}


def callback_signature(body: bytes, secret: str | None = None) -> str:
    key = (secret if secret is not None else settings.VNPOST_CALLBACK_SECRET).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def callback_signature_valid(body: bytes, signature: str) -> bool:
    if not settings.VNPOST_CALLBACK_SECRET or not signature:
        return False
    return hmac.compare_digest(callback_signature(body), signature)


class VnpostIntegration(Integration):
    key = Provider.VNPOST
    label = "Bưu điện Việt Nam (VNPost)"
    enabled_setting = "VNPOST_ENABLED"
    simulator_setting = "VNPOST_SIMULATOR_ENABLED"
    required_settings = (
        "VNPOST_API_URL",
        "VNPOST_CUSTOMER_CODE",
        "VNPOST_API_TOKEN",
        "VNPOST_CALLBACK_SECRET",
        "VNPOST_CALLBACK_URL",
    )

    def create_order(self, *, kind: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        payload = {
            "customerCode": settings.VNPOST_CUSTOMER_CODE,
            "serviceType": SERVICE_TYPE[PostalKind(kind)],
            "callbackUrl": settings.VNPOST_CALLBACK_URL,
            **body,
        }
        try:
            response = requests.post(
                f"{settings.VNPOST_API_URL}/orders",
                json=payload,
                headers={
                    "Authorization": f"Bearer {settings.VNPOST_API_TOKEN}",
                    "Idempotency-Key": key,
                },
                timeout=settings.VNPOST_TIMEOUT_SECONDS,
            )
        except requests.RequestException as exc:
            raise IntegrationError(f"VNPost unreachable: {exc}") from exc
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code >= 400 or answer.get("status") != "OK":
            raise IntegrationError(
                f"VNPost refused the order: HTTP {response.status_code} {answer.get('message', '')}",
                retryable=response.status_code >= 500,
            )
        if not answer.get("orderNumber"):
            raise IntegrationError("VNPost answered without an order number")
        return answer


vnpost = VnpostIntegration()
integrations.register(Provider.VNPOST)(vnpost)
