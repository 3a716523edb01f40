"""Citizen views: start, the step-by-step form, submission, my dossiers, public lookup.

Thin: parse → selector/service → render. Every dossier URL goes through
`citizen_selectors.dossier_get_for_citizen`, so anyone but the applicant side gets a 404.
Plain POST forms throughout; htmx only enhances (the pages work without JavaScript).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from common.exceptions import ApplicationError
from documents.selectors import documents_visible_to
from dossiers import selectors as sel
from dossiers import services as svc
from dossiers.constants import ComponentSource, DossierStatus
from dossiers.forms import (
    LookupForm,
    UploadForm,
    WithdrawalForm,
)
from dossiers.hooks import dossier_panels
from dossiers.models import Dossier, DossierComponent
from dossiers.ratelimit import lookup_allowed
from dossiers.selectors.results import citizen_result_document
from dossiers.views.base import _dossier_or_404, _signed_in_or_404
from dossiers.views.slots import attach, store_for

S = DossierStatus


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    dossiers = list(sel.dossier_list_for_citizen(user=request.user)[:200])
    rows = [
        {"dossier": d, "plain": sel.plain_status(d), "waiting": sel.waiting_on_citizen(d)}
        for d in dossiers
    ]
    return render(
        request,
        "dossiers/citizen/mine.html",
        {"drafts": sel.dossier_drafts_for(user=request.user), "rows": rows},
    )


def detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    request = _signed_in_or_404(request)
    dossier = _dossier_or_404(request, uuid)
    if dossier.status == S.DRAFT:
        return redirect("dossiers:resume", uuid=dossier.uuid)
    return render(request, "dossiers/citizen/detail.html", _detail_context(request, dossier))


def _detail_context(
    request: AuthenticatedHttpRequest, dossier: Dossier, **extra: Any
) -> dict[str, Any]:
    allowed = sel.dossier_actions(dossier=dossier, user=request.user)
    in_supplement = allowed.answer_supplement
    store = store_for(request, dossier) if in_supplement else []
    components = list(dossier.components.all())
    return {
        "dossier": dossier,
        # Nothing before the result is issued to the applicant (issue #19).
        "result_document": citizen_result_document(dossier),
        "panels": dossier_panels.render(request=request, obj=dossier),
        "plain": sel.plain_status(dossier),
        "waiting": sel.waiting_on_citizen(dossier),
        "timeline": sel.dossier_timeline(dossier=dossier),
        "components": components,
        "slots": [
            {"component": c, "form": UploadForm(prefix=f"c{c.pk}", store=store)}
            for c in components
            if c.source != ComponentSource.STATE_HOLDS
        ]
        if in_supplement
        else [],
        "in_supplement": in_supplement,
        "allowed": allowed,
        "may_withdraw": allowed.withdraw,
        "may_cancel_withdrawal": allowed.cancel_withdrawal,
        "withdraw_form": extra.pop("withdraw_form", WithdrawalForm()),
        **extra,
    }


def component_download(request: HttpRequest, uuid: Any, component: Any) -> FileResponse:
    """A component's file, for whoever may see the dossier (pointer → the stored file);
    `?xem=1` shows it in the browser (the upload slot's preview link) instead of downloading."""
    request = _signed_in_or_404(request)
    dossier = _dossier_or_404(request, uuid)
    try:
        item = sel.dossier_component_get(dossier=dossier, uuid=component)
    except DossierComponent.DoesNotExist:
        raise Http404 from None
    if item.document_uuid is None:
        raise Http404
    document = documents_visible_to(user=request.user).filter(uuid=item.document_uuid).first()
    if document is None:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=request.GET.get("xem") != "1",
        filename=document.original_name or f"{item.requirement_code}.pdf",
        content_type=document.content_type,
    )


@require_POST
def withdraw(request: HttpRequest, uuid: Any) -> HttpResponse:
    request = _signed_in_or_404(request)
    dossier = _dossier_or_404(request, uuid)
    form = WithdrawalForm(request.POST)
    if form.is_valid():
        try:
            svc.dossier_withdrawal_request(
                dossier=dossier, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Đã gửi yêu cầu rút hồ sơ."))
            return redirect("dossiers:detail", uuid=dossier.uuid)
    context = _detail_context(request, dossier, withdraw_form=form)
    return render(request, "dossiers/citizen/detail.html", context, status=400)


@require_POST
def withdraw_cancel(request: HttpRequest, uuid: Any) -> HttpResponse:
    request = _signed_in_or_404(request)
    dossier = _dossier_or_404(request, uuid)
    try:
        svc.dossier_withdrawal_cancel(dossier=dossier, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã hủy yêu cầu rút hồ sơ."))
    return redirect("dossiers:detail", uuid=dossier.uuid)


@require_POST
def supplement(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Answer a supplement request: replace documents per slot, then send (same code)."""
    request = _signed_in_or_404(request)
    dossier = _dossier_or_404(request, uuid)
    if not sel.dossier_actions(dossier=dossier, user=request.user).answer_supplement:
        return redirect("dossiers:detail", uuid=dossier.uuid)
    component_uuid = request.POST.get("component")
    target = dossier.components.filter(uuid=component_uuid).first() if component_uuid else None
    if target is not None:
        form = UploadForm(
            request.POST, request.FILES, prefix=f"c{target.pk}", store=store_for(request, dossier)
        )
        if attach(request, dossier, target, form):
            messages.success(
                request, _("Đã thêm giấy tờ: %(name)s") % {"name": target.requirement_name}
            )
        else:
            messages.error(request, " ".join(str(e) for e in form.errors.values()))
        return redirect("dossiers:detail", uuid=dossier.uuid)
    try:
        svc.dossier_supplement_answer(
            dossier=dossier, by=request.user, note=request.POST.get("note", "")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã gửi hồ sơ bổ sung."))
    return redirect("dossiers:detail", uuid=dossier.uuid)


# --- public lookup ------------------------------------------------------------------------------


def lookup(request: HttpRequest) -> HttpResponse:
    """`/ho-so/tra-cuu/`: no sign-in; code + last 4 digits of the phone or ID number.

    The digits are a secret, so they come by POST and never sit in a URL (browser history,
    access logs, a shared screen: issue #26). A GET only prefills the code (the receipt's QR)."""
    result = None
    status = 200
    posted = request.method == "POST"
    form = LookupForm(
        request.POST if posted else None, initial={"code": request.GET.get("code", "")}
    )
    if posted and form.is_valid():
        if not lookup_allowed(request):
            form.add_error(None, _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút."))
            status = 429
        else:
            result = sel.dossier_public_lookup(
                code=form.cleaned_data["code"], verify=form.cleaned_data["verify"]
            )
            if result is None:
                form.add_error(None, _("Không tìm thấy hồ sơ khớp với mã và 4 số đã nhập."))
                status = 404
    return render(
        request, "dossiers/citizen/lookup.html", {"form": form, "result": result}, status=status
    )
