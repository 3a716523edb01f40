"""Citizen views: start, the step-by-step form, submission, my dossiers, public lookup.

Thin: parse → selector/service → render. Every dossier URL goes through
`citizen_selectors.dossier_get_for_citizen`, so anyone but the applicant side gets a 404.
Plain POST forms throughout; htmx only enhances (the pages work without JavaScript).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.identity.selectors import step_up_login_url
from accounts.models import Organisation, User
from common.exceptions import ApplicationError
from documents.rendering import html_to_pdf, qr_data_uri
from dossiers import eform
from dossiers import selectors as sel
from dossiers import services as svc
from dossiers.constants import AUTOSAVE_STEPS, DRAFT_STEPS, Channel, DossierStatus, DraftStep
from dossiers.forms import (
    ApplicantForm,
    DeliveryForm,
    ReviewForm,
    StartForm,
    fields_form,
)
from dossiers.hooks import confirmation_panels
from dossiers.models import Dossier
from dossiers.selectors.review import draft_answers
from dossiers.views.base import (
    RETURN_PARAM,
    _dossier_or_404,
    _next,
    _posted,
    _procedure_or_404,
    _returning,
    _signed_in_or_404,
)
from dossiers.views.slots import documents_step

S = DossierStatus

# --- start --------------------------------------------------------------------------------------


@login_required
def start(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """`/ho-so/bat-dau/<procedure code>/`: the button on the procedure page leads here.

    The citizen files for themselves, for an organisation they represent, or for a person whose
    mandate covers the procedure. A procedure that requires VNeID level 2 sends a signed-in
    citizen at a lower level to the national identity sign-in first."""
    procedure = _procedure_or_404(code)
    needs_step_up = False
    try:
        svc.assurance_check(procedure=procedure, user=request.user)
    except svc.AssuranceRequired:
        needs_step_up = True
    form = StartForm(
        _posted(request),
        choices=svc.on_behalf_choices(user=request.user, procedure_code=procedure.code),
    )
    if request.method == "POST" and form.is_valid():
        try:
            dossier = svc.dossier_start(
                procedure=procedure, user=request.user, **_start_target(request, form)
            )
        except svc.AssuranceRequired:
            return redirect(_step_up_url(request))
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            return redirect("dossiers:step", uuid=dossier.uuid, step=DraftStep.APPLICANT)
    drafts = sel.dossier_drafts_for(user=request.user).filter(procedure_code=procedure.code)
    return render(
        request,
        "dossiers/citizen/start.html",
        {
            "procedure": procedure,
            "form": form,
            "drafts": drafts,
            "needs_step_up": needs_step_up,
            "step_up_url": _step_up_url(request) if needs_step_up else "",
        },
    )


def _step_up_url(request: AuthenticatedHttpRequest) -> str:
    return step_up_login_url(next_url=request.path)


def _start_target(request: AuthenticatedHttpRequest, form: StartForm) -> dict[str, Any]:
    """The organisation or principal chosen on the start form, looked up for this user only
    (an unknown or foreign UUID is simply not offered: it was not among the choices)."""
    kind, value = form.target()
    if kind == "organisation":
        return {"organisation": Organisation.objects.filter(uuid=value).first()}
    if kind == "person":
        return {"principal": User.objects.filter(uuid=value).first()}
    return {}


# --- the step-by-step form ----------------------------------------------------------------------


def _steps_context(dossier: Dossier, current: DraftStep) -> dict[str, Any]:
    reached = (
        DraftStep(dossier.draft_step)
        if dossier.draft_step in DraftStep.values
        else DraftStep.APPLICANT
    )
    reached_index = DRAFT_STEPS.index(reached)
    steps = [
        {
            "value": step.value,
            "label": step.label,
            "number": index + 1,
            "current": step == current,
            "reachable": index <= reached_index,
            "done": index < reached_index and step != current,
        }
        for index, step in enumerate(DRAFT_STEPS)
    ]
    index = DRAFT_STEPS.index(current)
    return {
        "steps": steps,
        "current_step": current,
        "step_number": index + 1,
        "step_count": len(DRAFT_STEPS),
        "previous_step": DRAFT_STEPS[index - 1] if index else None,
    }


def resume(request: HttpRequest, uuid: Any) -> HttpResponse:
    dossier = _dossier_or_404(request, uuid)
    if dossier.status != S.DRAFT:
        return redirect("dossiers:detail", uuid=dossier.uuid)
    return redirect(
        "dossiers:step", uuid=dossier.uuid, step=dossier.draft_step or DraftStep.APPLICANT
    )


def step(request: HttpRequest, uuid: Any, step: str) -> HttpResponse:
    request = _signed_in_or_404(request)
    dossier = _dossier_or_404(request, uuid)
    if dossier.status != S.DRAFT:
        return redirect("dossiers:detail", uuid=dossier.uuid)
    if step not in DraftStep.values:
        raise Http404
    current = DraftStep(step)
    procedure = svc.procedure_for(dossier)
    if procedure is None:
        raise Http404
    handler = STEP_HANDLERS[current]
    result = handler(request, dossier, procedure)
    if isinstance(result, HttpResponse):
        return result
    context = {
        "dossier": dossier,
        "procedure": procedure,
        "returning": _returning(request) and current != DraftStep.REVIEW,
        "return_param": RETURN_PARAM,
        "autosave": current in AUTOSAVE_STEPS,
        **_steps_context(dossier, current),
        **result,
    }
    status = 400 if request.method == "POST" else 200
    return render(
        request, f"dossiers/citizen/step_{current.name.lower()}.html", context, status=status
    )


def _typed(dossier: Dossier, step: DraftStep) -> dict[str, str]:
    """What was typed on `step` and not yet saved with "Lưu và tiếp tục" (autosave, ADR 0310)."""
    return dict((dossier.draft_typed or {}).get(step.value) or {})


def _typed_values(request: HttpRequest, form: forms.Form) -> dict[str, str]:
    """The posted values of the step form's own fields, as typed (an unticked box posts none)."""
    return {name: request.POST.get(name, "") for name in form.fields}


def _keep_typed(
    request: AuthenticatedHttpRequest, dossier: Dossier, step: DraftStep, form: forms.Form
) -> HttpResponse | None:
    """A step posted with answers that do not pass yet: keep them as typed, so nothing is lost.
    "Lưu nháp" and "Quay lại" then go on without the errors (they are shown on "Lưu và tiếp
    tục"); None for "Lưu và tiếp tục": the page shows the errors."""
    try:
        svc.draft_typed_save(
            dossier=dossier, by=request.user, step=step, values=_typed_values(request, form)
        )
    except ApplicationError:
        return None
    if request.POST.get("action") in ("save", "back"):
        return _next(dossier, step, request)
    return None


def _applicant_form(
    request: AuthenticatedHttpRequest, dossier: Dossier, procedure: Any, data: Any
) -> ApplicantForm:
    needs_commune = svc.procedure_needs_commune(procedure)
    initial = dict(dossier.applicant_data)
    if needs_commune and dossier.receiving_agency is not None:
        initial["filing_commune"] = dossier.receiving_agency.commune_code
    return ApplicantForm(
        data,
        initial={**initial, **_typed(dossier, DraftStep.APPLICANT)},
        needs_commune=needs_commune,
        applicant_types=svc.applicant_type_choices(procedure),
        for_someone_else=dossier.applicant_id != request.user.pk,
        organisation=(dossier.applicant_data or {}).get("organisation"),
    )


def _applicant_step(request: AuthenticatedHttpRequest, dossier: Dossier, procedure: Any) -> Any:
    form = _applicant_form(request, dossier, procedure, _posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            svc.draft_applicant_save(
                dossier=dossier,
                by=request.user,
                data=data,
                filing_agency=data.get("filing_agency"),
                save_to_profile=data.get("save_to_profile", False),
            )
        except ApplicationError as error:
            form.add_rule_errors(error.extra.get("errors", {"__all__": [error.message]}))
        else:
            return _next(dossier, DraftStep.APPLICANT, request)
    if request.method == "POST":
        return _keep_typed(request, dossier, DraftStep.APPLICANT, form) or {"form": form}
    return {"form": form}


def _fields_form(
    request: AuthenticatedHttpRequest, dossier: Dossier, procedure: Any, data: Any
) -> forms.Form:
    specs = list(procedure.form_fields.all())
    organisation = eform.is_for_organisation(dossier.applicant_data)
    answered = eform.answered_by_applicant(specs, organisation=organisation)
    asked = [spec for spec in specs if spec.key not in answered]
    initial = {**dossier.form_data, **_typed(dossier, DraftStep.FIELDS)}
    return fields_form(asked, data=data, initial=initial, organisation=organisation)


def _fields_step(request: AuthenticatedHttpRequest, dossier: Dossier, procedure: Any) -> Any:
    """The procedure's own fields, less those the applicant step already answered."""
    specs = list(procedure.form_fields.all())
    organisation = eform.is_for_organisation(dossier.applicant_data)
    answered = eform.answered_by_applicant(specs, organisation=organisation)
    form = _fields_form(request, dossier, procedure, _posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            svc.draft_fields_save(dossier=dossier, by=request.user, data=request.POST.dict())
        except ApplicationError as error:
            labels = {spec.key: eform.field_label(spec) for spec in specs}
            for key, errs in error.extra.get("errors", {}).items():
                for message in errs:
                    if key in form.fields:
                        form.add_error(key, message)
                    else:  # an answer from the applicant step: say which one
                        form.add_error(None, f"{labels.get(key, key)}: {message}")
        else:
            return _next(dossier, DraftStep.FIELDS, request)
    if request.method == "POST" and (kept := _keep_typed(request, dossier, DraftStep.FIELDS, form)):
        return kept
    return {
        "form": form,
        "has_fields": bool(form.fields),
        "from_applicant": [spec.label_vi for spec in specs if spec.key in answered],
    }


def _delivery_form(
    request: AuthenticatedHttpRequest, dossier: Dossier, procedure: Any, data: Any
) -> DeliveryForm:
    initial = {
        "submission_channel": "postal" if dossier.channel == Channel.POSTAL else "online",
        "result_delivery": dossier.result_delivery or "electronic",
        "delivery_address": dossier.delivery_address,
        "delivery_commune_code": dossier.delivery_commune_code,
    }
    return DeliveryForm(
        data,
        initial={**initial, **_typed(dossier, DraftStep.DELIVERY)},
        postal_collection=svc.postal_collection_offered(procedure),
    )


def _delivery_step(request: AuthenticatedHttpRequest, dossier: Dossier, procedure: Any) -> Any:
    form = _delivery_form(request, dossier, procedure, _posted(request))
    if request.method == "POST" and form.is_valid():
        svc.draft_delivery_save(
            dossier=dossier,
            by=request.user,
            delivery=form.cleaned_data["result_delivery"],
            address=form.cleaned_data.get("delivery_address", ""),
            commune_code=form.cleaned_data.get("delivery_commune_code", ""),
            # Without the choice (no postal collection for this procedure) the paper stays home.
            channel=form.cleaned_data.get("submission_channel") or Channel.ONLINE,
        )
        return _next(dossier, DraftStep.DELIVERY, request)
    if request.method == "POST":
        return _keep_typed(request, dossier, DraftStep.DELIVERY, form) or {"form": form}
    return {"form": form}


def _fees_step(request: AuthenticatedHttpRequest, dossier: Dossier, procedure: Any) -> Any:
    if request.method == "POST":
        svc.draft_fees_seen(dossier=dossier, by=request.user)
        return _next(dossier, DraftStep.FEES, request)
    lines = svc.procedure_online_fees(procedure, dossier=dossier)
    return {"fee_lines": lines, "fee_total": sum(line.amount_vnd for line in lines)}


def _review_step(request: AuthenticatedHttpRequest, dossier: Dossier, procedure: Any) -> Any:
    """Check your answers: every answer and document in sections with "Thay đổi" links, the
    declaration, then "Nộp hồ sơ"."""
    form = ReviewForm(_posted(request))
    problems: dict[str, list[str]] = {}
    if request.method == "POST":
        if request.POST.get("action") == "back":
            return redirect("dossiers:step", uuid=dossier.uuid, step=DraftStep.FEES)
        form.is_valid()
        try:
            svc.dossier_submit_online(
                dossier=dossier,
                by=request.user,
                declaration=bool(form.cleaned_data.get("declaration")),
            )
        except svc.SubmissionIncomplete as error:
            problems = error.extra["problems"]
            if DraftStep.REVIEW in problems:
                form.add_error("declaration", " ".join(problems.pop(DraftStep.REVIEW)))
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return redirect("dossiers:confirmation", uuid=dossier.uuid)
    else:
        problems = svc.submission_problems(dossier)
    step_labels = {s.value: s.label for s in DraftStep}
    fee_lines = svc.procedure_online_fees(procedure, dossier=dossier)
    return {
        "form": form,
        "problems": [(key, step_labels.get(key, key), msgs) for key, msgs in problems.items()],
        "sections": draft_answers(dossier=dossier, user=request.user, procedure=procedure),
        "fee_lines": fee_lines,
        "fee_total": sum(line.amount_vnd for line in fee_lines),
    }


STEP_HANDLERS = {
    DraftStep.APPLICANT: _applicant_step,
    DraftStep.FIELDS: _fields_step,
    DraftStep.DOCUMENTS: documents_step,
    DraftStep.DELIVERY: _delivery_step,
    DraftStep.FEES: _fees_step,
    DraftStep.REVIEW: _review_step,
}


AUTOSAVE_FORMS = {
    DraftStep.APPLICANT: _applicant_form,
    DraftStep.FIELDS: _fields_form,
    DraftStep.DELIVERY: _delivery_form,
}


@require_POST
def step_autosave(request: HttpRequest, uuid: Any, step: str) -> HttpResponse:
    """htmx posts the step form here as the person types (debounced; ADR 0310): keep what was
    typed, unvalidated, and answer the "Đã lưu lúc 10:42" status. The errors wait for "Lưu và
    tiếp tục" on the step itself, which works without JavaScript."""
    request = _signed_in_or_404(request)
    dossier = _dossier_or_404(request, uuid)
    if step not in {s.value for s in AUTOSAVE_STEPS}:
        raise Http404
    current = DraftStep(step)
    procedure = svc.procedure_for(dossier)
    if procedure is None:
        raise Http404
    form = AUTOSAVE_FORMS[current](request, dossier, procedure, None)
    context: dict[str, Any] = {}
    try:
        svc.draft_typed_save(
            dossier=dossier, by=request.user, step=current, values=_typed_values(request, form)
        )
    except ApplicationError as error:  # submitted meanwhile (on another device)
        context["error"] = error.message
    else:
        context["saved_at"] = timezone.now()
    return render(request, "dossiers/citizen/_autosave_status.html", context)


@require_http_methods(["GET", "POST"])
def draft_delete(request: HttpRequest, uuid: Any) -> HttpResponse:
    """GET asks "are you sure?" (what will be lost, what is kept); POST deletes."""
    request = _signed_in_or_404(request)
    dossier = _dossier_or_404(request, uuid)
    if dossier.status != S.DRAFT:
        return redirect("dossiers:detail", uuid=dossier.uuid)
    if request.method == "GET":
        return render(request, "dossiers/citizen/draft_delete.html", {"dossier": dossier})
    try:
        svc.dossier_draft_delete(dossier=dossier, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("dossiers:detail", uuid=dossier.uuid)
    messages.success(request, _("Đã xóa bản nháp."))
    return redirect("dossiers:mine")


# --- after submission ---------------------------------------------------------------------------


def _lookup_url(dossier: Dossier) -> str:
    return settings.SITE_URL + reverse("dossiers:lookup") + f"?code={dossier.code}"


def confirmation(request: HttpRequest, uuid: Any) -> HttpResponse:
    dossier = _dossier_or_404(request, uuid)
    if dossier.status == S.DRAFT:
        return redirect("dossiers:resume", uuid=dossier.uuid)
    return render(
        request,
        "dossiers/citizen/confirmation.html",
        {
            "dossier": dossier,
            "qr": qr_data_uri(_lookup_url(dossier)),
            "lookup_url": _lookup_url(dossier),
            # payments: the amount due and "Thanh toán ngay" (dossiers.hooks)
            "panels": confirmation_panels.render(request=request, obj=dossier),
        },
    )


def confirmation_pdf(request: HttpRequest, uuid: Any) -> HttpResponse:
    dossier = _dossier_or_404(request, uuid)
    if dossier.status == S.DRAFT or not dossier.code:
        raise Http404
    html = render_to_string(
        "dossiers/pdf/submission_confirmation.html",
        {
            "dossier": dossier,
            "components": list(dossier.components.all()),
            "qr": qr_data_uri(_lookup_url(dossier)),
            "lookup_url": _lookup_url(dossier),
            "printed_at": timezone.localtime(),
            "province_name": settings.PROVINCE_NAME,
        },
    )
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="xac-nhan-{dossier.code}.pdf"'
    return response
