"""A local stand-in for VNPost (see `integrations.vnpost.provider` for the protocol).

`POST api/orders` registers an order (deduped by `Idempotency-Key`); `simulator_advance` moves
an order to a new status and sends the signed callback to the order's `callbackUrl`, as VNPost's
system would when the postal worker scans the parcel. Staff drive it from the simulator page.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

import requests

from common.simulators import is_own_url
from integrations.dvcqg.payloads import portal_date
from integrations.models import SimulatedPostalOrder
from integrations.vnpost.provider import callback_signature


def create_order(*, body: dict[str, Any], token: str, key: str) -> tuple[int, dict[str, Any]]:
    if token != settings.VNPOST_API_TOKEN:
        return 401, {"status": "ERROR", "message": "invalid token"}
    if body.get("customerCode") != settings.VNPOST_CUSTOMER_CODE:
        return 400, {"status": "ERROR", "message": "unknown customer"}
    if body.get("serviceType") not in ("THU_GOM", "PHAT_KET_QUA") or not body.get("referenceCode"):
        return 400, {"status": "ERROR", "message": "invalid order"}
    key = key or f"auto:{timezone.now().timestamp()}"
    existing = SimulatedPostalOrder.objects.filter(request_key=key).first()
    if existing is not None:
        return 200, {
            "status": "OK",
            "orderNumber": existing.order_number,
            "orderStatus": existing.status,
        }
    try:
        with transaction.atomic():
            row = SimulatedPostalOrder.objects.create(
                order_number=f"tmp-{key}"[:32], request_key=key, body=body
            )
            row.order_number = f"EB{row.pk:09d}VN"
            row.save(update_fields=["order_number"])
    except IntegrityError:
        row = SimulatedPostalOrder.objects.get(request_key=key)
    return 200, {"status": "OK", "orderNumber": row.order_number, "orderStatus": row.status}


def simulator_advance(
    *, order_number: str, status: str, proof: dict[str, str] | None = None
) -> requests.Response:
    """Move an order on and call back the portal, signed like VNPost would."""
    row = SimulatedPostalOrder.objects.get(order_number=order_number)
    row.status = status
    row.save(update_fields=["status"])
    body = json.dumps(
        {
            "orderNumber": order_number,
            "status": status,
            "time": portal_date(timezone.now()),
            "proof": proof or {},
        }
    ).encode()
    url = row.body.get("callbackUrl") or settings.VNPOST_CALLBACK_URL
    if not is_own_url(url):  # the simulator calls back the portal only, never a URL sent to it
        raise ValueError(f"VNPost simulator: callback outside SITE_URL refused: {url}")
    return requests.post(
        url,
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-VNPost-Signature": callback_signature(body),
        },
        timeout=settings.VNPOST_TIMEOUT_SECONDS,
    )
