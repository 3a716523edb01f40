"""The officer's workspace (`/office/`): queues, the dossier page, actions, counter intake.

Thin: parse → selector/service → render. Every page needs a signed-in staff member (the
middleware already enforces MFA for staff); a dossier page is looked up through
`selectors.dossier_get_for_staff`, so another agency's dossier is a 404. Plain POST forms and
links throughout; htmx only enhances (live filtering, counts refresh, boosted actions).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from common.exceptions import ApplicationError
from dossiers import selectors as sel
from dossiers.constants import DossierStatus
from dossiers.models import Dossier

S = DossierStatus
PAGE_SIZE = 25


def _who(request: HttpRequest) -> sel.OfficeUser:
    """The signed-in officer; anyone else (a citizen, a helpdesk operator) is refused."""
    who = sel.office_user(request.user)
    if not who.is_office_staff:
        raise PermissionDenied
    if request.method == "POST":
        cache.delete(_counts_key(who))  # the officer sees their own action in the badges at once
    return who


# The badges are approximate for a little while: counting every queue costs ~130 ms for a
# centre on 1,000,000 dossiers (docs/benchmarks.md), and they refresh every minute anyway.
COUNTS_SECONDS = 30


def _counts_key(who: sel.OfficeUser) -> str:
    return f"office:queue-counts:{who.user.pk}"


def _queue_counts(who: sel.OfficeUser) -> dict[str, int]:
    return cache.get_or_set(_counts_key(who), lambda: sel.queue_counts(who), COUNTS_SECONDS)


def _dossier_or_404(request: HttpRequest, who: sel.OfficeUser, uuid: Any) -> Dossier:
    try:
        return sel.dossier_get_for_staff(user=who, uuid=uuid)
    except Dossier.DoesNotExist:
        raise Http404 from None


def _to_detail(dossier: Dossier) -> HttpResponse:
    return redirect("office:detail", uuid=dossier.uuid)


def _refused(request: HttpRequest, dossier: Dossier, error: ApplicationError) -> HttpResponse:
    messages.error(request, error.message)
    return _to_detail(dossier)
