"""Citizen views: start, the step-by-step form, submission, my dossiers, public lookup.

Thin: parse → selector/service → render. Every dossier URL goes through
`citizen_selectors.dossier_get_for_citizen`, so anyone but the applicant side gets a 404.
Plain POST forms throughout; htmx only enhances (the pages work without JavaScript).
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpRequest

from accounts.http import AuthenticatedHttpRequest, user_or_404
from dossiers import selectors as sel
from dossiers.constants import DossierStatus
from dossiers.models import Dossier
from procedures.selectors import procedure_get

S = DossierStatus


def _posted(request: HttpRequest) -> Any:
    """The POST data when posted (even empty), else None: an unbound form."""
    return request.POST if request.method == "POST" else None


def _signed_in_or_404(request: HttpRequest) -> AuthenticatedHttpRequest:
    """`request`, narrowed to a signed-in user's; an anonymous visitor gets the 404 they would
    get for the dossier anyway (ADR 0092), never a login redirect."""
    user_or_404(request)
    return cast(AuthenticatedHttpRequest, request)


def _dossier_or_404(request: HttpRequest, uuid: Any) -> Dossier:
    """Anyone but the applicant side — signed out included — gets 404: a dossier's existence is
    not revealed by a login redirect (ADR 0092)."""
    try:
        return sel.dossier_get_for_citizen(user=request.user, uuid=uuid)
    except Dossier.DoesNotExist:
        raise Http404 from None


def _procedure_or_404(code: str) -> Any:
    procedure = procedure_get(code=code)
    if procedure is None:
        raise Http404
    return procedure
