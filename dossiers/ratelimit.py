"""The public lookup's budget per client address (web and API share it)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from common.audit import client_ip
from common.ratelimit import rate_limit_hit


def lookup_allowed(request: HttpRequest) -> bool:
    return not rate_limit_hit(
        f"dossiers:lookup:{client_ip(request) or 'unknown'}",
        limit=settings.DOSSIER_LOOKUP_LIMIT,
        window=settings.DOSSIER_LOOKUP_WINDOW_SECONDS,
    )
