"""The officer's workspace (`/office/`): queues, the dossier page, actions, counter intake.

Thin: parse → selector/service → render. Every page needs a signed-in staff member (the
middleware already enforces MFA for staff); a dossier page is looked up through
`selectors.dossier_get_for_staff`, so another agency's dossier is a 404. Plain POST forms and
links throughout; htmx only enhances (live filtering, counts refresh, boosted actions).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.http import AuthenticatedHttpRequest
from common.exceptions import ApplicationError
from documents.csc_simulator import latest_otp_for_demo
from documents.previews import PreviewUnavailable, pdf_page_png
from documents.responses import stored_file_response
from documents.selectors import document_referenced_by_dossier
from dossiers import selectors as sel
from dossiers import services as svc
from dossiers.constants import DossierStatus
from dossiers.forms import CaseChangeForm
from dossiers.hooks import office_panels
from dossiers.models import Dossier
from dossiers.office import forms as f
from dossiers.office.views.base import (
    ACTION_LABELS,
    PAGE_SIZE,
    _dossier_or_404,
    _queue_counts,
    _refused,
    _to_detail,
    _who,
    queue_back_url,
    remember_queue,
)
from dossiers.selectors.actions import DossierActions
from dossiers.selectors.cases import checklist_components, dossier_cases
from dossiers.selectors.results import next_outgoing_number, office_result_preview

S = DossierStatus


# --- the workspace --------------------------------------------------------------------------------


@login_required
@vary_on_headers("HX-Request")
def workspace(request: AuthenticatedHttpRequest, queue: str | None = None) -> HttpResponse:
    """`/office/` and `/office/hang-doi/<queue>/`: the queues with counts, one queue's dossiers.
    htmx asks for `#results` (live filtering) or `#counts` (periodic refresh) only."""
    who = _who(request)
    queues = sel.queues_for(who)
    current = sel.QUEUES_BY_SLUG.get(queue) if queue else sel.default_queue(who)
    if current is None or current not in queues:
        raise Http404
    form = f.QueueFilterForm(request.GET or None)
    values = (
        form.values() if form.is_bound else {"q": "", "status": "", "channel": "", "sort": "han"}
    )
    dossiers = sel.queue_for(who, current.slug, **values)
    page = sel.CappedPaginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    calendars: dict = {}  # each agency's working calendar read once for the page
    rows = [
        {
            "dossier": d,
            "hours_left": sel.working_hours_left(
                d,
                d.reception_due_at if current.due_field == "reception_due_at" else d.next_due_at,
                calendars=calendars,
            ),
        }
        for d in page
    ]
    counts = _queue_counts(who)
    query = request.GET.copy()
    query.pop("page", None)
    template = "dossiers/office/workspace.html"
    target = request.headers.get("HX-Target", "") if getattr(request, "htmx", False) else ""
    if target == "queue-counts":
        template += "#counts"
    else:
        remember_queue(request)
    if target == "queue-results":
        template += "#results"
    return render(
        request,
        template,
        {
            "queues": [(q, counts.get(q.slug, 0)) for q in queues],
            "count_cap": sel.COUNT_CAP,
            "current": current,
            "form": form,
            "page": page,
            "rows": rows,
            "querystring": query.urlencode(),
            "is_reception": bool(who.agencies(["reception_officer"])),
            # Leaders read the QĐ 766 dashboards (metrics decides the scope).
            "sees_stats": bool(who.roles & {"agency_head", "onestop_supervisor"}),
        },
    )


# --- the dossier page -----------------------------------------------------------------------------


def _buttons(
    request: AuthenticatedHttpRequest, actions: DossierActions, refused: f.ActionForm | None = None
) -> list[dict[str, Any]]:
    """The plain action cards (the selector says which edges; the dedicated forms take the
    others); `refused` is a bound form the service refused, shown again with its error."""
    cards = []
    for action in actions.buttons:
        t = action.transition
        if t.target == S.AWAITING_PAYMENT and "payments" in office_panels:
            continue  # payments' own panel assesses the fee (amount and label) and moves it
        label = ACTION_LABELS.get((t.source, t.target)) or ACTION_LABELS.get(t.target)
        prefix = f"a-{t.target}"
        form = (
            refused
            if refused is not None and refused.prefix == prefix
            else f.ActionForm(
                prefix=prefix,
                initial={"to": t.target, "role": action.role, "expected_status": t.source},
            )
        )
        cards.append(
            {
                "transition": t,
                "role": action.role,
                "label": label or t.target.label,
                "form": form,
                "danger": t.target in (S.REJECTED_AT_INTAKE, S.STOPPED),
            }
        )
    return cards


def _detail_context(
    request: AuthenticatedHttpRequest, who: sel.OfficeUser, dossier: Dossier, **extra: Any
):
    """What the page shows; which forms it offers is the actions selector's answer."""
    allowed = sel.dossier_actions(dossier=dossier, user=request.user)
    prefetch_related_objects([dossier], "components")  # the list and the checklist: one read
    components = list(dossier.components.all())
    checkable = checklist_components(dossier)
    consultations = sel.consultations_for(dossier=dossier)
    tasks = sel.interagency_tasks_for(dossier=dossier)
    mine = who.agencies(["processing_officer", "agency_head"])
    cases = dossier_cases(dossier)
    context: dict[str, Any] = {
        "dossier": dossier,
        "queue_url": queue_back_url(request),
        "allowed": allowed,
        "components": components,
        "form_rows": sel.form_rows(dossier=dossier),
        "timeline": sel.staff_timeline(dossier=dossier),
        "deadlines": sel.dossier_deadlines(dossier=dossier),
        "panels": office_panels.render(request=request, obj=dossier),
        "actions": _buttons(request, allowed, extra.pop("refused_action", None)),
        "note_form": f.NoteForm(),
        "consultations": consultations,
        "reply_forms": {
            c.pk: f.ConsultReplyForm(prefix=f"r{c.uuid}")
            for c in consultations
            if c.consulted_agency_id in mine and c.status == "open"
        },
        "tasks": tasks,
        "task_forms": {
            t.pk: f.TaskCompleteForm(prefix=f"t{t.uuid}")
            for t in tasks
            if t.agency_id in mine and t.status == "open"
        },
        "assignee": dossier.assignee,
        "cases": cases,
        "extension_proposal": sel.extension_proposal_pending(dossier),
        "proposal": sel.approval_proposal(dossier)
        if dossier.status in (S.AWAITING_APPROVAL, S.SIGNING)
        else None,
    }
    if context["proposal"] is not None and dossier.result_document_uuid:
        # The draft result inline on the head's page, drawn on the server (ADR 0320).
        context["result_preview"] = office_result_preview(dossier)
    # The dedicated forms the selector allows; a bound form the service refused comes back.
    makers: dict[str, Any] = {
        "reception_form": allowed.receive
        and (
            lambda: f.ReceptionForm(
                components=checkable, initial={"expected_status": dossier.status}
            )
        ),
        "case_change_form": allowed.receive
        and cases.has_choice
        and (lambda: CaseChangeForm(cases=cases.choices, initial={"case": dossier.case_key})),
        "assign_form": allowed.assign
        and (
            lambda: f.AssignForm(
                officers=sel.processing_officers(dossier=dossier),
                initial={
                    "expected_assignee": str(dossier.assignee.uuid) if dossier.assignee else ""
                },
            )
        ),
        "consult_form": allowed.consult and f.ConsultForm,
        "interagency_form": allowed.interagency and f.InteragencyForm,
        "extend_form": allowed.extend and f.ExtendForm,
        "propose_extension_form": allowed.propose_extension
        and (lambda: f.ExtendForm(prefix="de-xuat")),
        "decide_extension_form": allowed.decide_extension and f.ExtensionDecisionForm,
        "result_form": allowed.upload_result and f.ResultForm,
    }
    for name, make in makers.items():
        if make:
            context[name] = extra.pop(name, None) or make()
    if dossier.result_document_uuid:
        context["result_record"] = svc.result_signature_record(dossier) or {}
    if allowed.sign_result:
        context["sign_form"] = extra.pop("sign_form", None)
        context["can_sign"] = True
    if allowed.register_result:
        context["register_form"] = extra.pop("register_form", f.ResultRegisterForm())
        context["next_outgoing_number"] = next_outgoing_number(dossier=dossier)
    context.update(extra)
    return context


@login_required
def by_code(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """`/office/ma/<dossier code>/`: links in staff notifications carry the code."""
    who = _who(request)
    try:
        dossier = sel.dossier_by_code_for_staff(user=who, code=code)
    except Dossier.DoesNotExist:
        raise Http404 from None
    return _to_detail(dossier)


@login_required
def detail(request: AuthenticatedHttpRequest, uuid: Any) -> HttpResponse:
    who = _who(request)
    dossier = _dossier_or_404(request, who, uuid)
    return render(request, "dossiers/office/detail.html", _detail_context(request, who, dossier))


@login_required
@require_POST
def action(request: AuthenticatedHttpRequest, uuid: Any) -> HttpResponse:
    """Every plain action button posts here: one `dossier_transition` call."""
    who = _who(request)
    dossier = _dossier_or_404(request, who, uuid)
    target = request.POST.get("to_prefix", "")
    form = f.ActionForm(request.POST, prefix=f"a-{target}" if target else None)
    if not form.is_valid():
        messages.error(request, _("Thao tác không hợp lệ."))
        return _to_detail(dossier)
    data = form.cleaned_data
    try:
        event = svc.office_transition(
            dossier=dossier,
            to=data["to"],
            by=request.user,
            role=data["role"],
            expected_status=data["expected_status"] or None,
            note=data["note"],
            result_kind=data["result_kind"] or None,
        )
    except ApplicationError as error:
        if getattr(error, "code", "") in ("note_required", "result_kind_required"):
            # The officer fixes the form: keep what was typed, say what is missing beside it.
            form.add_error(None, error.message)
            context = _detail_context(request, who, dossier, refused_action=form)
            return render(request, "dossiers/office/detail.html", context, status=400)
        return _refused(request, dossier, error)
    dossier = event.dossier  # the row as the service left it (no second read)
    messages.success(
        request,
        _("Hồ sơ %(code)s: %(status)s.")
        % {"code": dossier.code, "status": dossier.get_status_display()},
    )
    return _to_detail(dossier)


@login_required
@require_POST
def reception(request: AuthenticatedHttpRequest, uuid: Any) -> HttpResponse:
    who = _who(request)
    dossier = _dossier_or_404(request, who, uuid)
    components = checklist_components(dossier)
    form = f.ReceptionForm(request.POST, components=components)
    if not form.is_valid():
        context = _detail_context(request, who, dossier, reception_form=form)
        return render(request, "dossiers/office/detail.html", context, status=400)
    data = form.cleaned_data
    if data["decision"] == "supplement" and not data["confirm"]:
        # Show exactly what Mẫu 02 will ask before it goes out: it can be sent only once.
        context = _detail_context(
            request, who, dossier, reception_form=form, supplement_missing=form.missing_names()
        )
        return render(request, "dossiers/office/detail.html", context)
    try:
        event = svc.reception_decide(
            dossier=dossier,
            by=request.user,
            decision=data["decision"],
            complete_components=data["complete"],
            note=data["note"],
            expected_status=data["expected_status"] or None,
        )
    except svc.StaleDossier as error:
        return _refused(request, dossier, error)
    except ApplicationError as error:
        form.add_error(None, error.message)
        context = _detail_context(request, who, dossier, reception_form=form)
        return render(request, "dossiers/office/detail.html", context, status=400)
    dossier = event.dossier  # the row as the service left it (no second read)
    messages.success(
        request,
        _("Hồ sơ %(code)s: %(status)s.")
        % {"code": dossier.code, "status": dossier.get_status_display()},
    )
    return _to_detail(dossier)


@login_required
@require_POST
def note(request: AuthenticatedHttpRequest, uuid: Any) -> HttpResponse:
    who = _who(request)
    dossier = _dossier_or_404(request, who, uuid)
    form = f.NoteForm(request.POST)
    if form.is_valid():
        try:
            svc.office_note_add(dossier=dossier, by=request.user, text=form.cleaned_data["text"])
        except ApplicationError as error:
            return _refused(request, dossier, error)
        messages.success(request, _("Đã lưu ghi chú nội bộ."))
    else:
        messages.error(request, _("Nhập nội dung ghi chú."))
    return _to_detail(dossier)


@login_required
@require_POST
def result(request: AuthenticatedHttpRequest, uuid: Any) -> HttpResponse:
    who = _who(request)
    dossier = _dossier_or_404(request, who, uuid)
    form = f.ResultForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            svc.office_result_upload(
                dossier=dossier,
                by=request.user,
                data=upload.read(),
                name=upload.name,
                result_code=form.cleaned_data["result_code"],
            )
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("Đã đính kèm văn bản kết quả."))
            return _to_detail(dossier)
    context = _detail_context(request, who, dossier, result_form=form)
    return render(request, "dossiers/office/detail.html", context, status=400)


@login_required
@require_POST
def result_sign(request: AuthenticatedHttpRequest, uuid: Any) -> HttpResponse:
    """The head signs the attached draft through the remote-signing service: a POST without a
    code asks the service to send one; a POST with the code signs."""
    who = _who(request)
    dossier = _dossier_or_404(request, who, uuid)
    form = f.ResultSignForm(request.POST if "otp" in request.POST else None)
    demo_otp = ""
    try:
        if "otp" not in request.POST:
            credential_id = svc.office_result_sign_start(dossier=dossier, by=request.user)
            form = f.ResultSignForm(initial={"credential_id": credential_id})
            demo_otp = _demo_otp(credential_id)
        elif form.is_valid():
            svc.office_result_sign_remote(
                dossier=dossier,
                by=request.user,
                credential_id=form.cleaned_data["credential_id"],
                otp=form.cleaned_data["otp"],
            )
            messages.success(request, _("Đã ký số văn bản kết quả; chữ ký đã được kiểm tra."))
            return _to_detail(dossier)
    except ApplicationError as error:
        if not form.is_bound:
            return _refused(request, dossier, error)
        form.add_error("otp", error.message)
        demo_otp = _demo_otp(form.data.get("credential_id", ""))
    context = _detail_context(request, who, dossier, sign_form=form)
    context["demo_otp"] = demo_otp
    return render(
        request, "dossiers/office/detail.html", context, status=400 if form.errors else 200
    )


def _demo_otp(credential_id: str) -> str:
    """With the simulator, show the code it 'texted' (there is no phone in a demo)."""
    if not settings.CSC_SIMULATOR_ENABLED:
        return ""
    return latest_otp_for_demo(credential_id=credential_id)


@login_required
@require_POST
def result_register(request: AuthenticatedHttpRequest, uuid: Any) -> HttpResponse:
    """The records clerk enters the number: an incremental update signed with their own key."""
    who = _who(request)
    dossier = _dossier_or_404(request, who, uuid)
    form = f.ResultRegisterForm(request.POST)
    if form.is_valid():
        try:
            svc.office_result_register(
                dossier=dossier, by=request.user, number=form.cleaned_data["number"]
            )
        except ApplicationError as error:
            form.add_error("number", error.message)
        else:
            messages.success(request, _("Đã vào số văn bản kết quả (bổ sung có ký số)."))
            return _to_detail(dossier)
    context = _detail_context(request, who, dossier, register_form=form)
    return render(request, "dossiers/office/detail.html", context, status=400)


@login_required
def component_file(request: AuthenticatedHttpRequest, uuid: Any, component: Any) -> FileResponse:
    """A component's file for the officer (inline: PDFs and images open in the browser)."""
    who = _who(request)
    dossier = _dossier_or_404(request, who, uuid)
    item = sel.dossier_component_get_or_none(dossier=dossier, uuid=component)
    if item is None or item.document_uuid is None:
        raise Http404
    document = document_referenced_by_dossier(uuid=item.document_uuid)
    if document is None:
        raise Http404
    name = document.original_name or f"{item.requirement_code}.pdf"
    return stored_file_response(document, filename=name, inline=True)


@login_required
def result_page(request: AuthenticatedHttpRequest, uuid: Any, page: int) -> HttpResponse:
    """One page of the attached result as a PNG, for the inline preview (ADR 0320): the same
    access as the PDF itself; 404 when there is no such page or it cannot be drawn."""
    who = _who(request)
    dossier = _dossier_or_404(request, who, uuid)
    document = document_referenced_by_dossier(uuid=dossier.result_document_uuid)
    if document is None:
        raise Http404
    try:
        png = pdf_page_png(document, page=page)
    except PreviewUnavailable:
        raise Http404 from None
    response = HttpResponse(png, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response


@login_required
def result_file(request: AuthenticatedHttpRequest, uuid: Any) -> FileResponse:
    who = _who(request)
    dossier = _dossier_or_404(request, who, uuid)
    document = document_referenced_by_dossier(uuid=dossier.result_document_uuid)
    if document is None:
        raise Http404
    return stored_file_response(
        document, filename=document.original_name or "ket-qua.pdf", inline=True
    )
