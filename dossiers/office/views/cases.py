"""The reception officer puts a dossier in another case, with the reason in its history
(issue #25, ADR 0260). Thin: parse → `dossiers.services` → back to the dossier page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from common.exceptions import ApplicationError
from dossiers import services as svc
from dossiers.forms import CaseChangeForm
from dossiers.office.views.base import _dossier_or_404, _to_detail, _who
from dossiers.office.views.detail import _detail_context
from dossiers.selectors.cases import dossier_cases


@login_required
@require_POST
def case_change(request: AuthenticatedHttpRequest, uuid: Any) -> HttpResponse:
    who = _who(request)
    dossier = _dossier_or_404(request, who, uuid)
    form = CaseChangeForm(request.POST, cases=dossier_cases(dossier).choices)
    if form.is_valid():
        try:
            svc.dossier_case_change(
                dossier=dossier,
                case_key=form.cleaned_data["case"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            dossier.refresh_from_db()
            messages.success(
                request, _("Đã đổi trường hợp hồ sơ: %(case)s.") % {"case": dossier.case_title}
            )
            return _to_detail(dossier)
    context = _detail_context(request, who, dossier, case_change_form=form)
    return render(request, "dossiers/office/detail.html", context, status=400)
