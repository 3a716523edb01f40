"""The officer's workspace (`/office/`): queues, the dossier page, actions, counter intake.

Thin: parse → selector/service → render. Every page needs a signed-in staff member (the
middleware already enforces MFA for staff); a dossier page is looked up through
`selectors.dossier_get_for_staff`, so another agency's dossier is a 404. Plain POST forms and
links throughout; htmx only enhances (live filtering, counts refresh, boosted actions).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedHttpRequest
from accounts.identity import presence
from common.exceptions import ApplicationError
from dossiers import selectors as sel
from dossiers import services as svc
from dossiers.constants import DossierStatus
from dossiers.eform import to_json
from dossiers.forms import CaseChoiceForm, fields_form
from dossiers.models import Dossier
from dossiers.office import forms as f
from dossiers.office.views.base import _to_detail, _who
from dossiers.selectors.cases import dossier_cases
from dossiers.services import procedure_for

S = DossierStatus

# --- counter intake -------------------------------------------------------------------------------


def _reception_only(request: AuthenticatedHttpRequest) -> sel.OfficeUser:
    who = _who(request)
    if not who.agencies(["reception_officer"]):
        raise PermissionDenied
    return who


@login_required
def counter(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step 1: find the citizen by their ID number (or create them), choose the procedure."""
    _reception_only(request)
    lookup = f.CitizenLookupForm(request.GET or None)
    citizen = None
    create_form = None
    procedure_form = None
    if lookup.is_bound and lookup.is_valid():
        id_number = lookup.cleaned_data["id_number"]
        citizen = svc.citizen_by_id_number(id_number=id_number)
        if citizen is None:
            create_form = f.CitizenCreateForm(initial={"id_number": id_number})
        else:
            procedure_form = f.ProcedureChoiceForm()
    if request.method == "POST":
        return _counter_post(request)
    return render(
        request,
        "dossiers/office/counter.html",
        {
            "lookup": lookup,
            "citizen": citizen,
            "create_form": create_form,
            "procedure_form": procedure_form,
        },
    )


def _counter_post(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.POST.get("step") == "create":
        form = f.CitizenCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                svc.counter_citizen_get_or_create(
                    id_number=data["id_number"],
                    full_name=data["full_name"],
                    date_of_birth=data["date_of_birth"],
                    phone=data["phone"],
                    email=data["email"],
                    address=data["address"],
                    by=request.user,
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Đã tạo tài khoản cho công dân."))
                url = reverse("office:counter") + f"?id_number={data['id_number']}"
                return redirect(url)
        lookup = f.CitizenLookupForm(initial={"id_number": request.POST.get("id_number", "")})
        return render(
            request,
            "dossiers/office/counter.html",
            {"lookup": lookup, "citizen": None, "create_form": form, "procedure_form": None},
            status=400,
        )
    citizen = svc.citizen_by_id_number(id_number=request.POST.get("id_number", ""))
    if citizen is None:
        raise Http404
    procedure_form = f.ProcedureChoiceForm(request.POST)
    if procedure_form.is_valid():
        try:
            dossier = svc.counter_draft_start(
                procedure=procedure_form.cleaned_data["procedure_code"],
                citizen=citizen,
                by=request.user,
            )
        except ApplicationError as error:
            procedure_form.add_error(None, error.message)
        else:
            return redirect("office:counter_draft", uuid=dossier.uuid)
    lookup = f.CitizenLookupForm(initial={"id_number": request.POST.get("id_number", "")})
    return render(
        request,
        "dossiers/office/counter.html",
        {
            "lookup": lookup,
            "citizen": citizen,
            "create_form": None,
            "procedure_form": procedure_form,
        },
        status=400,
    )


def _counter_dossier(request: AuthenticatedHttpRequest, uuid: Any) -> Dossier:
    who = _reception_only(request)
    dossier = sel.counter_draft_for(who=who, uuid=uuid)
    if dossier is None:
        raise Http404
    return dossier


def _counter_context(dossier: Dossier, **extra: Any) -> dict[str, Any]:
    procedure = procedure_for(dossier)
    specs = list(procedure.form_fields.all()) if procedure else []
    applicant = dossier.applicant_data or {}
    cases = dossier_cases(dossier)
    return {
        "dossier": dossier,
        "applicant_form": extra.pop(
            "applicant_form", f.CounterApplicantForm(initial=applicant, prefix="a")
        ),
        "fields_form": extra.pop(
            "fields_form", fields_form(specs, initial=dossier.form_data) if specs else None
        ),
        "components": [(c, f.ScanForm(prefix=f"s{c.pk}")) for c in dossier.components.all()],
        "cases": cases,
        "case_form": cases.has_choice
        and extra.pop(
            "case_form", CaseChoiceForm(cases=cases.choices, initial={"case": dossier.case_key})
        ),
        "problems": svc.counter_problems(dossier),
        "submit_form": f.CounterSubmitForm(assisted=dossier.assisted_by_id is not None),
        "assisted": dossier.assisted_by_id is not None,
        "confirmation": svc.counter_confirmation(dossier) if dossier.assisted_by_id else None,
        "code_form": extra.pop("code_form", f.ConfirmationCodeForm()),
        **extra,
    }


@login_required
def counter_draft(request: AuthenticatedHttpRequest, uuid: Any) -> HttpResponse:
    """Step 2: the applicant's details, the form fields, the scans, then submit."""
    dossier = _counter_dossier(request, uuid)
    if request.method != "POST":
        return render(request, "dossiers/office/counter_draft.html", _counter_context(dossier))
    step = request.POST.get("step")
    if step == "fields":
        return _counter_fields(request, dossier)
    if step == "scan":
        return _counter_scan(request, dossier)
    if step == "send_code":
        return _counter_send_code(request, dossier)
    if step == "confirm_code":
        return _counter_confirm_code(request, dossier)
    if step == "identity":
        return _counter_identity_start(request, dossier)
    if step == "case":
        return _counter_case(request, dossier)
    if step == "submit":
        form = f.CounterSubmitForm(request.POST)
        form.is_valid()
        try:
            svc.counter_submit(
                dossier=dossier,
                by=request.user,
                accept_now=bool(form.cleaned_data.get("accept_now")),
            )
        except ApplicationError as error:
            problems = (error.extra or {}).get("problems") or [error.message]
            for problem in problems:
                messages.error(request, problem)
            return redirect("office:counter_draft", uuid=dossier.uuid)
        dossier.refresh_from_db()
        messages.success(
            request,
            _("Đã nộp hồ sơ %(code)s tại quầy: %(status)s.")
            % {"code": dossier.code, "status": dossier.get_status_display()},
        )
        return _to_detail(dossier)
    raise Http404


def _counter_case(request: AuthenticatedHttpRequest, dossier: Dossier) -> HttpResponse:
    """The officer asks the applicant which case is theirs; only its documents are scanned."""
    form = CaseChoiceForm(request.POST, cases=dossier_cases(dossier).choices)
    if form.is_valid():
        try:
            svc.counter_case_choose(
                dossier=dossier, case_key=form.cleaned_data["case"], by=request.user
            )
        except ApplicationError as error:
            form.add_error("case", error.message)
        else:
            return redirect("office:counter_draft", uuid=dossier.uuid)
    context = _counter_context(dossier, case_form=form)
    return render(request, "dossiers/office/counter_draft.html", context, status=400)


def _counter_fields(request: AuthenticatedHttpRequest, dossier: Dossier) -> HttpResponse:
    procedure = procedure_for(dossier)
    specs = list(procedure.form_fields.all()) if procedure else []
    applicant_form = f.CounterApplicantForm(request.POST, prefix="a")
    field_form = fields_form(specs, data=request.POST) if specs else None
    if applicant_form.is_valid():
        applicant = {k: to_json(v) for k, v in applicant_form.cleaned_data.items()}
        raw_fields = {
            key: request.POST.get(key) for key in (field_form.fields if field_form else {})
        }
        for key, field in (field_form.fields if field_form else {}).items():
            if field.__class__.__name__ == "BooleanField":
                raw_fields[key] = "on" if request.POST.get(key) else ""
        try:
            svc.counter_fields_save(
                dossier=dossier, by=request.user, applicant=applicant, fields=raw_fields
            )
        except ApplicationError as error:
            for key, errors in ((error.extra or {}).get("errors") or {}).items():
                for message in errors:
                    if key.startswith("f_") and field_form is not None:
                        name = key[2:]
                        field_form.add_error(name if name in field_form.fields else None, message)
                    else:
                        applicant_form.add_error(
                            key if key in applicant_form.fields else None, message
                        )
        else:
            messages.success(request, _("Đã lưu thông tin hồ sơ."))
            return redirect("office:counter_draft", uuid=dossier.uuid)
    context = _counter_context(dossier, applicant_form=applicant_form, fields_form=field_form)
    return render(request, "dossiers/office/counter_draft.html", context, status=400)


def _counter_scan(request: AuthenticatedHttpRequest, dossier: Dossier) -> HttpResponse:
    component_uuid = request.POST.get("component")
    component = dossier.components.filter(uuid=component_uuid).first() if component_uuid else None
    if component is None:
        raise Http404
    form = f.ScanForm(request.POST, request.FILES, prefix=f"s{component.pk}")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            svc.counter_scan_attach(
                dossier=dossier,
                component=component,
                by=request.user,
                data=upload.read(),
                name=upload.name,
            )
        except ApplicationError as error:
            messages.error(request, f"{component.requirement_name}: {error.message}")
        else:
            messages.success(
                request,
                _("Đã số hóa và ký số: %(name)s.") % {"name": component.requirement_name},
            )
    else:
        messages.error(request, _("Chọn tệp bản quét (PDF)."))
    return redirect("office:counter_draft", uuid=dossier.uuid)


def _counter_send_code(request: AuthenticatedHttpRequest, dossier: Dossier) -> HttpResponse:
    """Assisted submission: text the citizen the code that confirms the dossier."""
    try:
        masked = svc.counter_confirmation_send(dossier=dossier, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã gửi mã xác nhận đến số %(phone)s.") % {"phone": masked})
    return redirect("office:counter_draft", uuid=dossier.uuid)


def _counter_confirm_code(request: AuthenticatedHttpRequest, dossier: Dossier) -> HttpResponse:
    form = f.ConfirmationCodeForm(request.POST)
    if form.is_valid():
        try:
            svc.counter_confirmation_check(
                dossier=dossier, by=request.user, code=form.cleaned_data["code"]
            )
        except ApplicationError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, _("Công dân đã xác nhận nộp hồ sơ."))
            return redirect("office:counter_draft", uuid=dossier.uuid)
    context = _counter_context(dossier, code_form=form)
    return render(request, "dossiers/office/counter_draft.html", context, status=400)


# --- assisted submission: the citizen confirms with the national identity (ADR 0306) -------------

IDENTITY_RETURN_SESSION_KEY = "counter_identity_return"


def _counter_identity_start(request: AuthenticatedHttpRequest, dossier: Dossier) -> HttpResponse:
    """The citizen signs in with the national identity on this device; nobody is signed in."""
    if dossier.assisted_by_id is None:
        raise PermissionDenied
    try:
        url = presence.presence_check_start(
            request,
            purpose=svc.ASSISTED_PURPOSE,
            reference=str(dossier.uuid),
            callback_url=request.build_absolute_uri(reverse("office:counter_identity_return")),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("office:counter_draft", uuid=dossier.uuid)
    return redirect(url)


@login_required
def counter_identity_return(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The provider's answer: the verified ID number must be the applicant's. Then the citizen's
    provider session is ended, so it does not stay on the counter device."""
    who = _reception_only(request)
    pending = presence.presence_check_pending(request)
    if pending is None or pending.get("purpose") != svc.ASSISTED_PURPOSE:
        raise Http404
    dossier = sel.counter_draft_for(who=who, uuid=pending["reference"])
    if dossier is None:
        raise Http404
    try:
        identity = presence.presence_check_finish(request)
        svc.counter_identity_confirm(dossier=dossier, by=request.user, identity=identity)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("office:counter_draft", uuid=dossier.uuid)
    messages.success(request, _("Công dân đã xác nhận nộp hồ sơ bằng định danh điện tử."))
    request.session[IDENTITY_RETURN_SESSION_KEY] = str(dossier.uuid)
    logout = presence.presence_logout_url(
        request,
        identity=identity,
        post_logout_redirect_uri=request.build_absolute_uri(
            reverse("office:counter_identity_done")
        ),
    )
    return redirect(logout or reverse("office:counter_identity_done"))


@login_required
def counter_identity_done(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Back from the provider's logout: to the dossier the citizen confirmed."""
    _reception_only(request)
    reference = request.session.pop(IDENTITY_RETURN_SESSION_KEY, None)
    if not reference:
        return redirect("office:counter")
    return redirect("office:counter_draft", uuid=reference)
