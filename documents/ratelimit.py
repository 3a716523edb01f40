"""Rate limits for costly document actions: uploads (scanning, re-encoding), verification (PDF
signature validation) and remote signing. Counted per user, or per address when anonymous."""

from django.http import HttpRequest

from common.audit import client_ip
from common.ratelimit import parse_rate, rate_limit_hit

__all__ = ["hit", "parse_rate"]


def hit(request: HttpRequest, *, action: str, rate: str) -> int:
    """Count one action; returns 0 when allowed, else the seconds to wait (Retry-After)."""
    limit, window = parse_rate(rate)
    who = f"u{request.user.pk}" if request.user.is_authenticated else f"ip{client_ip(request)}"
    return rate_limit_hit(f"documents:{action}:{who}", limit=limit, window=window)
