"""The EMC monitoring snippet (NĐ 42/2022, regulation-spec §10.4) on every public page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

# Back-office and machine pages are not public pages: EMC measures the citizens' portal.
NOT_PUBLIC_PREFIXES = ("/office/", "/admin/", "/tich-hop/", "/api/")


def emc(request: HttpRequest) -> dict[str, str]:
    url = settings.EMC_TRACKING_SCRIPT_URL
    if not url or request.path.startswith(NOT_PUBLIC_PREFIXES):
        return {}
    return {"EMC_TRACKING_SCRIPT_URL": url, "EMC_SITE_ID": settings.EMC_SITE_ID}
