"""Citizen views: start, the step-by-step form, submission, my dossiers, public lookup.

Thin: parse → selector/service → render. Every dossier URL goes through
`citizen_selectors.dossier_get_for_citizen`, so anyone but the applicant side gets a 404.
Plain POST forms throughout; htmx only enhances (the pages work without JavaScript).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedHttpRequest, user_or_404
from dossiers import selectors as sel
from dossiers.constants import DRAFT_STEPS, DossierStatus, DraftStep
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


# --- moving between the steps of a draft --------------------------------------------------------

RETURN_PARAM = "quay-ve"  # `?quay-ve=xem-lai`: came from a "Thay đổi" link on the review page


def _returning(request: HttpRequest) -> bool:
    """The citizen came from the check-your-answers page: "Lưu và tiếp tục" takes them back."""
    value = request.POST.get(RETURN_PARAM) or request.GET.get(RETURN_PARAM)
    return value == DraftStep.REVIEW


def _step_url(dossier: Dossier, step: DraftStep, request: HttpRequest, anchor: str = "") -> str:
    url = reverse("dossiers:step", kwargs={"uuid": dossier.uuid, "step": step})
    if _returning(request):
        url += f"?{RETURN_PARAM}={DraftStep.REVIEW}"
    return url + (f"#{anchor}" if anchor else "")


def _next(dossier: Dossier, step: DraftStep, request: HttpRequest) -> HttpResponse:
    """After a save: back, stay (save only), forward, or back to the review page when the
    citizen came from one of its "Thay đổi" links."""
    index = DRAFT_STEPS.index(step)
    action = request.POST.get("action", "next")
    if action == "next" and _returning(request):
        return redirect("dossiers:step", uuid=dossier.uuid, step=DraftStep.REVIEW)
    if action == "back" and index:
        target = DRAFT_STEPS[index - 1]
    elif action == "save" or index + 1 >= len(DRAFT_STEPS):
        messages.success(request, _("Đã lưu bản nháp."))
        target = step
    else:
        target = DRAFT_STEPS[index + 1]
    return redirect("dossiers:step", uuid=dossier.uuid, step=target)
