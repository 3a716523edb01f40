"""One fixed-window rate limit on the cache (Redis in production), for every costly or guessable
action: uploads, signature checks, public lookups, one-time codes."""

import re
import time

from django.core.cache import cache

_RATE = re.compile(r"^(?P<count>\d+)/(?P<amount>\d*)(?P<unit>[smh])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600}


def parse_rate(rate: str) -> tuple[int, int]:
    """`"30/10m"` → (30, 600): at most 30 actions per 10 minutes."""
    match = _RATE.match(rate.strip())
    if not match:
        raise ValueError(f"bad rate {rate!r}; expected e.g. 30/10m")
    return int(match["count"]), int(match["amount"] or 1) * _SECONDS[match["unit"]]


def rate_limit_hit(key: str, *, limit: int, window: int) -> int:
    """Count one action under `key`; returns 0 when allowed, else the seconds to wait.

    Windows are aligned to the clock (bucket = now // window), so the wait is exact and a
    Retry-After header can carry it.
    """
    now = int(time.time())
    bucket = now // window
    bucket_key = f"rl:{key}:{bucket}"
    cache.add(bucket_key, 0, timeout=window)
    try:
        count = cache.incr(bucket_key)
    except ValueError:  # the key expired between add and incr
        cache.set(bucket_key, 1, timeout=window)
        count = 1
    return 0 if count <= limit else (bucket + 1) * window - now
