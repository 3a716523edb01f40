"""Why a national sign-in failed: one reason, logged, audited and explained in Vietnamese.

allauth calls `IdentityAdapter.on_authentication_error` for every failure of the callback (lost
state, provider error, a token that fails our checks); this turns it into a reason code, a log
line, an audit event and the portal's own failure page (never allauth's English one).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from allauth.socialaccount.providers.base.constants import AuthError
from requests import RequestException

from common.audit import audit_record

logger = logging.getLogger("accounts.identity")

AUDIT_ACTION = "identity.sign_in_failed"

# Reason code → what the citizen should do next.
NEXT_STEP = {
    "cancelled": _("Bạn đã huỷ đăng nhập ở VNeID. Bấm “Đăng nhập bằng VNeID” nếu muốn thử lại."),
    "state": _(
        "Phiên đăng nhập đã hết hạn hoặc được mở ở một thẻ khác. Quay lại trang đăng nhập và bắt "
        "đầu lại trong cùng một cửa sổ trình duyệt."
    ),
    "provider": _(
        "Hệ thống định danh từ chối yêu cầu. Kiểm tra tài khoản VNeID (mức 2) trên ứng dụng rồi "
        "thử lại; nếu vẫn lỗi, gọi tổng đài 1022."
    ),
}
DEFAULT_NEXT_STEP = _(
    "Phản hồi từ hệ thống định danh không hợp lệ. Vui lòng đăng nhập lại từ đầu; nếu vẫn lỗi, "
    "gọi tổng đài 1022 hoặc đăng nhập bằng tài khoản của Cổng."
)

# Words of the checks' own messages (accounts/identity/tokens.py, provider.py, PyJWT), in the
# order they are tried: PyJWT says "Signature has expired", which is an expiry, not a forgery.
_TOKEN_REASONS = (
    (re.compile(r"\bnonce\b"), "nonce"),
    (re.compile(r"\bexpired\b"), "expired"),
    (re.compile(r"\bsignature\b|\bkey\b"), "signature"),
    (re.compile(r"\bissuer\b|\biss\b"), "issuer"),
    (re.compile(r"\baudience\b|\baud\b|\bauthorised party\b"), "audience"),
)


def failure_reason(*, error: Any, exception: BaseException | None, extra: dict) -> str:
    """One short code: cancelled, state, provider, nonce, signature, issuer, audience, expired,
    network, token or unknown."""
    if error == AuthError.CANCELLED:
        return "cancelled"
    if isinstance(exception, IssuerMismatch):
        return "issuer"
    if exception is None:
        if extra.get("state") is None and "state_id" in extra:
            return "state"
        return "provider"
    text = str(exception).lower()
    for pattern, reason in _TOKEN_REASONS:
        if pattern.search(text):
            return reason

    if isinstance(exception, RequestException):
        return "network"
    return "token"


class IssuerMismatch(Exception):
    """The authorization response named another issuer (RFC 9207 `iss`)."""


def failure_response(
    request: HttpRequest, *, provider: Any, error: Any, exception: Any, extra: dict
) -> HttpResponse:
    reason = failure_reason(error=error, exception=exception, extra=extra)
    provider_error = request.GET.get("error", "")[:64]
    logger.warning(
        "national sign-in failed: reason=%s provider=%s provider_error=%s detail=%s",
        reason,
        getattr(provider, "id", "?"),
        provider_error or "-",
        str(exception)[:200] if exception else "-",
    )
    audit_record(
        action=AUDIT_ACTION,
        actor=getattr(request, "user", None),
        data={"reason": reason, "provider_error": provider_error},
        request=request,
    )
    return render(
        request,
        "identity/sign_in_failed.html",
        {"reason": reason, "next_step": NEXT_STEP.get(reason, DEFAULT_NEXT_STEP)},
        status=200 if reason == "cancelled" else 400,
    )
