"""The processing steps on the officer's dossier page: assignment, consultation, inter-agency
work, the one extension (proposed by the officer, decided by the head). Thin: parse → the
processing services → redirect, or the page again with the refused form open (status 400)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from common.exceptions import ApplicationError
from dossiers import selectors as sel
from dossiers import services as svc
from dossiers.constants import EXTEND_ROLES
from dossiers.office import forms as f
from dossiers.office.views.base import _dossier_or_404, _refused, _to_detail, _who
from dossiers.office.views.detail import _detail_context


def _processing_post(
    request: AuthenticatedHttpRequest,
    uuid: Any,
    *,
    form_name: str,
    build_form: Any,
    call: Any,
    done: str,
) -> HttpResponse:
    """Shared shape of the processing actions: parse, call the processing service, redirect."""
    who = _who(request)
    dossier = _dossier_or_404(request, who, uuid)
    form = build_form(dossier, request.POST)
    if form.is_valid():
        try:
            call(dossier, form.cleaned_data)
        except ApplicationError as error:
            if error.code.startswith("stale"):
                return _refused(request, dossier, error)  # someone acted first: reload
            form.add_error(None, error.message)
        else:
            messages.success(request, done)
            return _to_detail(dossier)
    context = _detail_context(request, who, dossier, **{form_name: form})
    return render(request, "dossiers/office/detail.html", context, status=400)


@login_required
@require_POST
def assign(request: AuthenticatedHttpRequest, uuid: Any) -> HttpResponse:
    return _processing_post(
        request,
        uuid,
        form_name="assign_form",
        build_form=lambda d, data: f.AssignForm(data, officers=sel.processing_officers(dossier=d)),
        call=lambda d, data: svc.dossier_assign(
            dossier=d,
            assignee=data["assignee"] or None,
            by=request.user,
            expected_assignee=data["expected_assignee"],
        ),
        done=_("Đã phân công chuyên viên xử lý."),
    )


@login_required
@require_POST
def consult(request: AuthenticatedHttpRequest, uuid: Any) -> HttpResponse:
    return _processing_post(
        request,
        uuid,
        form_name="consult_form",
        build_form=lambda d, data: f.ConsultForm(data),
        call=lambda d, data: svc.consultation_request(
            dossier=d,
            by=request.user,
            agency=data["agency"],
            question=data["question"],
            due_at=data["due_date"],
        ),
        done=_("Đã gửi xin ý kiến."),
    )


@login_required
@require_POST
def consult_reply(request: AuthenticatedHttpRequest, uuid: Any, consultation: Any) -> HttpResponse:
    who = _who(request)
    dossier = _dossier_or_404(request, who, uuid)
    item = next(
        (
            c
            for c in sel.consultations_for(dossier=dossier)
            if str(getattr(c, "uuid", "")) == str(consultation)
        ),
        None,
    )
    if item is None or item.consulted_agency_id not in who.agencies(
        ["processing_officer", "agency_head"]
    ):
        raise Http404
    form = f.ConsultReplyForm(request.POST, prefix=f"r{item.uuid}")
    if form.is_valid():
        try:
            svc.consultation_reply(
                consultation=item,
                by=request.user,
                answer=form.cleaned_data["answer"],
            )
        except ApplicationError as error:
            return _refused(request, dossier, error)
        messages.success(request, _("Đã gửi ý kiến trả lời."))
    else:
        messages.error(request, _("Nhập ý kiến trả lời."))
    return _to_detail(dossier)


@login_required
@require_POST
def task_complete(request: AuthenticatedHttpRequest, uuid: Any, task: Any) -> HttpResponse:
    """A participating agency hands over its part of an inter-agency dossier."""
    who = _who(request)
    dossier = _dossier_or_404(request, who, uuid)
    mine = who.agencies(["processing_officer", "agency_head"])
    item = next(
        (t for t in sel.interagency_tasks_for(dossier=dossier) if str(t.uuid) == str(task)), None
    )
    if item is None or item.agency_id not in mine:
        raise Http404
    form = f.TaskCompleteForm(request.POST, prefix=f"t{item.uuid}")
    form.is_valid()
    try:
        svc.interagency_task_complete(
            task=item,
            by=request.user,
            result_note=form.cleaned_data.get("result_note", ""),
        )
    except ApplicationError as error:
        return _refused(request, dossier, error)
    messages.success(request, _("Đã hoàn thành nhiệm vụ liên thông."))
    return _to_detail(dossier)


@login_required
@require_POST
def extend(request: AuthenticatedHttpRequest, uuid: Any) -> HttpResponse:
    return _processing_post(
        request,
        uuid,
        form_name="extend_form",
        build_form=lambda d, data: f.ExtendForm(data),
        call=lambda d, data: svc.dossier_extend(
            dossier=d,
            by=request.user,
            new_due_at=data["new_due_date"],
            reason=data["reason"],
            role=svc.acting_role(dossier=d, by=request.user, roles=EXTEND_ROLES),
        ),
        done=_("Đã gia hạn và gửi văn bản xin lỗi (Mẫu 04)."),
    )


@login_required
@require_POST
def interagency(request: AuthenticatedHttpRequest, uuid: Any) -> HttpResponse:
    return _processing_post(
        request,
        uuid,
        form_name="interagency_form",
        build_form=lambda d, data: f.InteragencyForm(data),
        call=lambda d, data: svc.interagency_start(
            dossier=d,
            by=request.user,
            lead_agency=data["lead_agency"],
            participants=data["participant_rows"],
            role=svc.acting_role(
                dossier=d, by=request.user, roles=("agency_head", "processing_officer")
            ),
        ),
        done=_("Đã gửi hồ sơ liên thông đồng thời đến các cơ quan."),
    )


@login_required
@require_POST
def extension_proposal(request: AuthenticatedHttpRequest, uuid: Any) -> HttpResponse:
    """The processing officer proposes the one extension; the head decides (ADR 0272)."""
    return _processing_post(
        request,
        uuid,
        form_name="propose_extension_form",
        build_form=lambda d, data: f.ExtendForm(data, prefix="de-xuat"),
        call=lambda d, data: svc.extension_propose(
            dossier=d, by=request.user, new_due_at=data["new_due_date"], reason=data["reason"]
        ),
        done=_("Đã gửi đề xuất gia hạn; lãnh đạo sẽ phê duyệt và ký văn bản xin lỗi (Mẫu 04)."),
    )


@login_required
@require_POST
def extension_decision(request: AuthenticatedHttpRequest, uuid: Any) -> HttpResponse:
    """The head approves the proposed extension (Mẫu 04 in the head's name) or declines it."""
    return _processing_post(
        request,
        uuid,
        form_name="decide_extension_form",
        build_form=lambda d, data: f.ExtensionDecisionForm(data),
        call=lambda d, data: svc.extension_decide(
            dossier=d,
            by=request.user,
            approve=data["decision"] == "approve",
            note=data["note"],
        ),
        done=_("Đã ghi nhận ý kiến về đề xuất gia hạn."),
    )
