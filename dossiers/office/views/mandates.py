"""The counter revokes a mandate for a citizen who comes in person (ADR 0360).

A citizen without a smartphone withdraws, at the one-stop counter, the authority they gave a
relative or a community helper: the officer finds the mandates in force by the ID number on the
citizen's card, confirms on a second page and revokes through `mandate_revoke`, which audits and
tells both people. Plain GET and POST forms; no JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.identity import mandates
from accounts.identity.constants import MandateStatus
from accounts.models import Mandate
from dossiers.office import forms as f
from dossiers.office.views.base import _who


def _list_url(id_number: str) -> str:
    return reverse("office:mandates") + "?" + urlencode({"id_number": id_number})


@require_GET
@login_required
def mandate_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a citizen's mandates in force by the exact ID number on their card."""
    who = _who(request)
    mandates.mandate_counter_require(officer=who.user)
    lookup = f.PrincipalLookupForm(request.GET or None)
    found = None
    if lookup.is_bound and lookup.is_valid():
        found = list(
            mandates.mandates_revocable_at_counter(
                officer=who.user, id_number=lookup.cleaned_data["id_number"]
            )
        )
        if not found:
            lookup.add_error(
                "id_number",
                _("Không có ủy quyền nào còn hiệu lực do người có số định danh này cho."),
            )
    return render(
        request, "dossiers/office/mandates.html", {"lookup": lookup, "mandates": found or []}
    )


@require_http_methods(["GET", "POST"])
@login_required
def mandate_revoke(request: AuthenticatedHttpRequest, uuid) -> HttpResponse:
    """GET: the confirmation step; POST: revoke, then back to the citizen's list."""
    who = _who(request)
    try:
        mandate = mandates.mandate_get_at_counter(officer=who.user, uuid=uuid)
    except Mandate.DoesNotExist:
        raise Http404 from None
    profile = getattr(mandate.principal, "profile", None)
    id_number = (profile.id_number if profile else "") or ""
    if mandate.status != MandateStatus.ACTIVE:
        messages.info(request, _("Ủy quyền này không còn hiệu lực."))
        return redirect(_list_url(id_number))
    if request.method == "POST":
        mandates.mandate_revoke(mandate=mandate, by=who.user, request=request)
        messages.success(
            request,
            _("Đã thu hồi ủy quyền của %(principal)s cho %(agent)s.")
            % {
                "principal": mandate.principal.get_full_name(),
                "agent": mandate.agent.get_full_name(),
            },
        )
        # Back to the citizen's other mandates; to an empty search when none is left (rather
        # than "no mandate for this number" in red under the success message).
        remaining = mandates.mandates_revocable_at_counter(officer=who.user, id_number=id_number)
        return redirect(_list_url(id_number) if remaining.exists() else "office:mandates")
    return render(
        request,
        "dossiers/office/mandate_revoke.html",
        {"mandate": mandate, "back_url": _list_url(id_number)},
    )
