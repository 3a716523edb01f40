"""The citizen's answer to "Trường hợp nào đúng với bạn?" on a draft (issue #25, ADR 0260).

Asked before the documents step when the procedure has more than one case; only the chosen
case's documents are asked for afterwards. Thin: parse → `dossiers.services` → redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from dossiers import services as svc
from dossiers.constants import DossierStatus, DraftStep
from dossiers.forms import CaseChoiceForm
from dossiers.selectors.cases import case_required_names, dossier_cases
from dossiers.views.base import _dossier_or_404, _signed_in_or_404
from dossiers.views.drafts import _steps_context


def case_choose(request: HttpRequest, uuid: Any) -> HttpResponse:
    request = _signed_in_or_404(request)
    dossier = _dossier_or_404(request, uuid)
    if dossier.status != DossierStatus.DRAFT:
        return redirect("dossiers:detail", uuid=dossier.uuid)
    procedure = svc.procedure_for(dossier)
    cases = dossier_cases(dossier)
    if procedure is None or not cases.has_choice:
        return redirect("dossiers:step", uuid=dossier.uuid, step=DraftStep.DOCUMENTS)
    form = CaseChoiceForm(
        request.POST or None, cases=cases.choices, initial={"case": dossier.case_key}
    )
    if request.method == "POST" and form.is_valid():
        try:
            svc.dossier_case_choose(
                dossier=dossier, case_key=form.cleaned_data["case"], by=request.user
            )
        except ApplicationError as error:
            form.add_error("case", error.message)
        else:
            messages.success(request, _("Đã chọn trường hợp của bạn."))
            return redirect("dossiers:step", uuid=dossier.uuid, step=DraftStep.DOCUMENTS)
    context = {
        "dossier": dossier,
        "procedure": procedure,
        "form": form,
        "options": [
            {"case": case, "documents": case_required_names(procedure=procedure, case=case)}
            for case in cases.choices
        ],
        **_steps_context(dossier, DraftStep.DOCUMENTS),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "dossiers/citizen/step_case.html", context, status=status)
