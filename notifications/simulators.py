"""Local simulators of the Twilio Messages API and the Zalo ZNS API (plus Zalo OAuth).

They speak the providers' wire formats so the real client code runs in the embedded default,
demos and tests. They answer only while their simulator is on, and with DEBUG off only in DEMO_MODE (404
otherwise; see common/simulators.py). Their credentials are generated per installation.

Magic numbers (like Twilio's test numbers): SMS to +84900000001 → 400 invalid number (21211),
to +84900000002 → 500; Zalo to a phone ending in 0000 → -118 (no Zalo account).
"""

import base64
import json
import logging
import secrets
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

import requests

from common.simulators import is_own_url, simulator_on
from notifications.models import SimulatedMessage
from notifications.sms import sms_segments

logger = logging.getLogger(__name__)

TWILIO_INVALID_NUMBER = "+84900000001"
TWILIO_SERVER_ERROR = "+84900000002"
_RFC2822 = "%a, %d %b %Y %H:%M:%S +0000"


def _twilio_error(status: int, code: int, message: str) -> JsonResponse:
    return JsonResponse(
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
        status=status,
    )


def _basic_auth(request: HttpRequest) -> tuple[str, str]:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Basic "):
        return "", ""
    try:
        user, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return "", ""
    return user, password


@csrf_exempt
@require_http_methods(["GET", "POST"])
def twilio_messages(request: HttpRequest, account_sid: str) -> JsonResponse:
    """POST (create) and GET (list) /2010-04-01/Accounts/{AccountSid}/Messages.json, as Twilio
    answers them."""
    if not simulator_on("TWILIO_SIMULATOR_ENABLED"):
        raise Http404
    user, password = _basic_auth(request)
    if (user, password) != (
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
    ) or user != account_sid:
        return _twilio_error(401, 20003, "Authenticate")
    if request.method == "GET":
        return _twilio_list(request, account_sid)
    form = request.POST.dict()
    to, body = form.get("To", ""), form.get("Body", "")
    if not to:
        return _twilio_error(400, 21604, "A 'To' phone number is required.")
    if not (form.get("From") or form.get("MessagingServiceSid")):
        return _twilio_error(400, 21603, "A 'From' phone number is required.")
    if not body:
        return _twilio_error(400, 21602, "Message body is required.")
    if not to.startswith("+") or not to[1:].isdigit() or to == TWILIO_INVALID_NUMBER:
        return _twilio_error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
    if to == TWILIO_SERVER_ERROR:
        return _twilio_error(500, 20500, "Internal Server Error")
    sid = "SM" + secrets.token_hex(16)
    status = "accepted" if form.get("MessagingServiceSid") else "queued"
    message = SimulatedMessage.objects.create(
        provider="twilio", message_id=sid, to=to, body=body, payload=form, status=status
    )
    return JsonResponse(_twilio_resource(account_sid, message), status=201)


def _twilio_resource(account_sid: str, message: SimulatedMessage) -> dict:
    when = message.received_at.astimezone(UTC).strftime(_RFC2822)
    uri = f"/2010-04-01/Accounts/{account_sid}/Messages/{message.message_id}.json"
    form = message.payload or {}
    return {
        "account_sid": account_sid,
        "api_version": "2010-04-01",
        "body": message.body,
        "date_created": when,
        "date_sent": when if message.status not in ("accepted", "queued") else None,
        "date_updated": when,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": form.get("From"),
        "messaging_service_sid": form.get("MessagingServiceSid"),
        "num_media": "0",
        "num_segments": str(sms_segments(message.body)),
        "price": None,
        "price_unit": "USD",
        "sid": message.message_id,
        "status": message.status,
        "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
        "to": message.to,
        "uri": uri,
    }


def _twilio_list(request: HttpRequest, account_sid: str) -> JsonResponse:
    """GET Messages.json with Twilio's filters `To`, `From`, `DateSent>`/`DateSent<` (a date
    YYYY-MM-DD or an ISO 8601 instant) and `PageSize`; newest first, one page."""
    rows = SimulatedMessage.objects.filter(provider="twilio")
    if to := request.GET.get("To"):
        rows = rows.filter(to=to)
    if sender := request.GET.get("From"):
        rows = rows.filter(payload__From=sender)
    for param, lookup in (("DateSent>", "received_at__gte"), ("DateSent<", "received_at__lt")):
        if value := request.GET.get(param):
            instant = _twilio_instant(value)
            if instant is None:
                return _twilio_error(400, 20001, f"Invalid {param}")
            rows = rows.filter(**{lookup: instant})
    size = min(int(request.GET.get("PageSize") or 50), 1000)
    base = f"/2010-04-01/Accounts/{account_sid}/Messages.json"
    return JsonResponse(
        {
            "messages": [_twilio_resource(account_sid, m) for m in rows.order_by("-id")[:size]],
            "end": 0,
            "first_page_uri": f"{base}?PageSize={size}&Page=0",
            "next_page_uri": None,
            "page": 0,
            "page_size": size,
            "previous_page_uri": None,
            "start": 0,
            "uri": f"{base}?PageSize={size}&Page=0",
        }
    )


def _twilio_instant(value: str) -> datetime | None:
    try:
        if len(value) == 10:
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def twilio_send_status_callback(message: SimulatedMessage, status: str) -> int:
    """POST a signed delivery report to the message's StatusCallback, as Twilio does."""
    # Local import: twilio is a heavy library, loaded on first use.
    from twilio.request_validator import RequestValidator

    url = message.payload.get("StatusCallback")
    if not url:
        return 0
    # The simulator calls back the portal only, never a URL it was sent.
    if not is_own_url(url, settings.NOTIFICATIONS_CALLBACK_BASE_URL):
        logger.warning("notifications simulator: StatusCallback outside SITE_URL refused: %s", url)
        return 0
    params = {
        "MessageSid": message.message_id,
        "SmsSid": message.message_id,
        "MessageStatus": status,
        "SmsStatus": status,
        "To": message.to,
        "From": message.payload.get("From", ""),
        "AccountSid": settings.TWILIO_ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
    }
    if status in ("undelivered", "failed"):
        params["ErrorCode"] = "30003"
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(url, params)
    response = requests.post(
        url, data=params, headers={"X-Twilio-Signature": signature}, timeout=10
    )
    message.status = status
    message.save(update_fields=["status"])
    return response.status_code


# --- Zalo --------------------------------------------------------------------------------------------

_ZALO_ACCESS = "zalo-sim:access:"
_ZALO_REFRESH = "zalo-sim:refresh:"
_ZALO_USED = "zalo-sim:used:"
ZALO_SIM_EXPIRES_IN = 90000  # seconds, what Zalo gives an OA access token (25 h)


def _zalo_header(request: HttpRequest, name: str) -> str:
    """The real header when the server passes it on, else the X-Sim- copy (see channels/zalo.py)."""
    sim_name = "X-Sim-" + name.replace("_", "-").title()
    return request.headers.get(name) or request.headers.get(sim_name) or ""


@csrf_exempt
@require_POST
def zalo_access_token(request: HttpRequest) -> JsonResponse:
    """POST https://oauth.zaloapp.com/v4/oa/access_token (grant_type=refresh_token)."""
    if not simulator_on("ZALO_SIMULATOR_ENABLED"):
        raise Http404
    refresh = request.POST.get("refresh_token", "")
    valid_secret = _zalo_header(request, "secret_key") == settings.ZALO_APP_SECRET
    valid_app = request.POST.get("app_id") == settings.ZALO_APP_ID
    known = refresh == settings.ZALO_REFRESH_TOKEN or cache.get(_ZALO_REFRESH + refresh)
    # Refresh tokens are single use: the first exchange wins, a replay is refused.
    if not (
        valid_secret and valid_app and known and request.POST.get("grant_type") == "refresh_token"
    ):
        return JsonResponse(
            {"error": -14014, "error_name": "Invalid refresh token", "error_description": "invalid"}
        )
    if not cache.add(_ZALO_USED + refresh, 1, timeout=90 * 86400):
        return JsonResponse(
            {"error": -14014, "error_name": "Invalid refresh token", "error_description": "used"}
        )
    access, new_refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    cache.set(_ZALO_ACCESS + access, 1, timeout=ZALO_SIM_EXPIRES_IN)
    cache.set(_ZALO_REFRESH + new_refresh, 1, timeout=90 * 86400)
    return JsonResponse(
        {
            "access_token": access,
            "refresh_token": new_refresh,
            "expires_in": str(ZALO_SIM_EXPIRES_IN),
        }
    )


@csrf_exempt
@require_POST
def zalo_template_message(request: HttpRequest) -> JsonResponse:
    """POST https://business.openapi.zalo.me/message/template (ZNS)."""

    if not simulator_on("ZALO_SIMULATOR_ENABLED"):
        raise Http404
    if not cache.get(_ZALO_ACCESS + _zalo_header(request, "access_token")):
        return JsonResponse({"error": -124, "message": "Access token is invalid"})
    try:
        payload = json.loads(request.body)
    except ValueError:
        return JsonResponse({"error": -100, "message": "Invalid JSON"})
    phone = str(payload.get("phone", ""))
    if not (payload.get("template_id") and isinstance(payload.get("template_data"), dict)):
        return JsonResponse({"error": -112, "message": "Template data is invalid"})
    if not phone.isdigit() or not phone.startswith("84"):
        return JsonResponse({"error": -108, "message": "Phone number is invalid"})
    if phone.endswith("0000"):
        return JsonResponse({"error": -118, "message": "Zalo account not existed"})
    msg_id = secrets.token_hex(16)
    data = payload["template_data"]
    body = f"[{payload['template_id']}] " + "; ".join(f"{k}={v}" for k, v in data.items())
    SimulatedMessage.objects.create(
        provider="zalo", message_id=msg_id, to=phone, body=body, payload=payload, status="sent"
    )
    return JsonResponse(
        {
            "error": 0,
            "message": "Success",
            "data": {
                "msg_id": msg_id,
                "sent_time": str(int(time.time() * 1000)),
                "sending_mode": "1",
                "quota": {"dailyQuota": "500", "remainingQuota": "499"},
            },
        }
    )


def received(provider: str, since: datetime | None = None):
    rows = SimulatedMessage.objects.filter(provider=provider)
    return rows.filter(received_at__gte=since) if since else rows
