"""Citizen views: start, the step-by-step form, submission, my dossiers, public lookup.

Thin: parse → selector/service → render. Every dossier URL goes through
`citizen_selectors.dossier_get_for_citizen`, so anyone but the applicant side gets a 404.
Plain POST forms throughout; htmx only enhances (the pages work without JavaScript).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from dossiers import selectors as sel
from dossiers.constants import DossierStatus
from dossiers.models import Dossier

S = DossierStatus


def _posted(request: HttpRequest) -> Any:
    """The POST data when posted (even empty), else None: an unbound form."""
    return request.POST if request.method == "POST" else None


def _dossier_or_404(request: HttpRequest, uuid: Any) -> Dossier:
    """Anyone but the applicant side — signed out included — gets 404: a dossier's existence is
    not revealed by a login redirect (ADR 0092)."""
    try:
        return sel.dossier_get_for_citizen(user=request.user, uuid=uuid)
    except Dossier.DoesNotExist:
        raise Http404 from None


def _procedure_or_404(code: str) -> Any:
    from procedures.selectors import procedure_get

    procedure = procedure_get(code=code)
    if procedure is None:
        raise Http404
    return procedure
