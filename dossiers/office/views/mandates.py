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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.identity import mandates
from accounts.identity.constants import MandateStatus
from accounts.models import Mandate
from dossiers.office import forms as f
from dossiers.office.views.base import _who

# The citizen's ID number is kept in the officer's session between the search and the list, never
# in a URL: addresses end up in access logs and in a shared counter PC's history (ADR 0302).
LOOKUP_SESSION_KEY = "office_mandate_lookup"


@require_http_methods(["GET", "POST"])
@login_required
def mandate_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a citizen's mandates in force by the exact ID number on their card: POST the number,
    then (post/redirect/get) the list of the number kept in the session."""
    who = _who(request)
    mandates.mandate_counter_require(officer=who.user)
    if request.method == "POST":
        lookup = f.PrincipalLookupForm(request.POST)
        if lookup.is_valid():
            request.session[LOOKUP_SESSION_KEY] = lookup.cleaned_data["id_number"]
            return redirect("office:mandates")
    else:
        kept = request.session.get(LOOKUP_SESSION_KEY, "")
        lookup = f.PrincipalLookupForm({"id_number": kept} if kept else None)
    found = []
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
    return render(request, "dossiers/office/mandates.html", {"lookup": lookup, "mandates": found})


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
        return redirect("office:mandates")
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
        if remaining.exists():
            request.session[LOOKUP_SESSION_KEY] = id_number
        else:
            request.session.pop(LOOKUP_SESSION_KEY, None)
        return redirect("office:mandates")
    return render(
        request,
        "dossiers/office/mandate_revoke.html",
        {"mandate": mandate, "back_url": reverse("office:mandates")},
    )
