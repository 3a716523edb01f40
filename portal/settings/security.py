"""Security: HTTPS, HSTS, cookies, frame and referrer policies, and the one Content Security
Policy, built here from the origins the other concerns declare (identity provider, payment
gateway, map tiles, EMC)."""

from typing import Any
from urllib.parse import urlsplit

from portal.settings.core import DEBUG, env
from portal.settings.helpdesk import HELPDESK_MAP_TILE_URL
from portal.settings.identity import VNEID_FORM_ACTION_ORIGINS
from portal.settings.integrations import EMC_TRACKING_SCRIPT_URL
from portal.settings.payments import PAYMENT_VNPAY_ENABLED, PAYMENT_VNPAY_PAY_URL

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
# `__Host-` cookies are Secure, host-only and path "/" by rule of the browser, so another
# *.tayninh.gov.vn site cannot set or shadow them (security-reliability A2.16). Browsers refuse
# the prefix without Secure, so plain-HTTP development keeps the plain names.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
# A form with an expired or missing CSRF token gets a Vietnamese page, not Django's English one.
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS: list[str] = []


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def map_tiles_origin(tile_url: str) -> str:
    """`https://{s}.tile.example/{z}/...` → `https://*.tile.example` (any tile subdomain)."""
    parts = urlsplit(tile_url.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc.replace('a.', '*.', 1)}"


def content_security_policy(extra: dict[str, list[str]]) -> dict[str, Any]:
    """The strict same-origin policy, plus the extra origins per directive (each listed once)."""
    directives: dict[str, list[str]] = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
    for directive, origins in extra.items():
        for source in origins:
            if source not in directives[directive]:
                directives[directive].append(source)
    return {"DIRECTIVES": directives}


_emc = [origin(EMC_TRACKING_SCRIPT_URL)] if EMC_TRACKING_SCRIPT_URL else []
CONTENT_SECURITY_POLICY = content_security_policy(
    {
        # Sign-in and payment forms are answered with a redirect to the provider, which the
        # browser checks against form-action.
        "form-action": [
            *VNEID_FORM_ACTION_ORIGINS,
            *([origin(PAYMENT_VNPAY_PAY_URL)] if PAYMENT_VNPAY_ENABLED else []),
        ],
        "img-src": [
            *([map_tiles_origin(HELPDESK_MAP_TILE_URL)] if HELPDESK_MAP_TILE_URL else []),
            *_emc,
        ],
        "script-src": _emc,
        "connect-src": _emc,
    }
)
