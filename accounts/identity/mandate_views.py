"""Thin views of the two-way consent to a mandate: the helper asks (the citizen confirms in
their account, or reads out an SMS code), and the person offered a mandate accepts it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.identity import mandate_consent, mandates
from accounts.identity.constants import ConsentMethod, MandateStatus
from accounts.identity.forms import MandateAskForm, MandateCodeForm, MandateSmsAskForm
from accounts.models import Mandate
from common.exceptions import ApplicationError


def _mine_or_404(request: AuthenticatedHttpRequest, uuid) -> Mandate:
    try:
        return mandates.mandate_get_for_user(user=request.user, uuid=uuid)
    except Mandate.DoesNotExist:
        raise Http404 from None


@never_cache
@login_required
def mandate_ask(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask someone for a mandate: by their account, or by an SMS code when they sit with you."""
    how = request.POST.get("how", "") if request.method == "POST" else ""
    account_form = MandateAskForm(
        request.POST if how == "account" else None, agent=request.user, prefix="account"
    )
    sms_form = MandateSmsAskForm(request.POST if how == "sms" else None, prefix="sms")
    if how == "account" and account_form.is_valid():
        try:
            mandates.mandate_request(
                agent=request.user,
                principal=account_form.cleaned_data["principal_email"],
                request=request,
                **account_form.terms(),
            )
        except ApplicationError as exc:
            account_form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Đã gửi đề nghị. Ủy quyền có hiệu lực khi người đó xác nhận.")
            )
            return redirect("identity:mandates")
    if how == "sms" and sms_form.is_valid():
        data = sms_form.cleaned_data
        try:
            mandate = mandate_consent.mandate_request_by_sms(
                agent=request.user,
                id_number=data["id_number"],
                full_name=data["full_name"],
                phone=data["phone"],
                request=request,
                **sms_form.terms(),
            )
        except ApplicationError as exc:
            sms_form.add_error(None, exc.message)
        else:
            return redirect("identity:mandate_code", uuid=mandate.uuid)
    return render(
        request,
        "identity/mandate_ask.html",
        {"account_form": account_form, "sms_form": sms_form},
    )


@never_cache
@login_required
def mandate_code(request: AuthenticatedHttpRequest, uuid) -> HttpResponse:
    """The helper types the code the citizen received and read out."""
    mandate = _mine_or_404(request, uuid)
    if mandate.agent_id != request.user.pk or mandate.consent_method != ConsentMethod.SMS_CODE:
        raise Http404
    if mandate.status != MandateStatus.PENDING_CONSENT:
        return redirect("identity:mandates")
    form = MandateCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mandate_consent.mandate_confirm_by_code(
                mandate=mandate, agent=request.user, code=form.cleaned_data["code"], request=request
            )
        except ApplicationError as exc:
            form.add_error("code", exc.message)
        else:
            messages.success(
                request,
                _("%(name)s đã xác nhận. Ủy quyền có hiệu lực từ bây giờ.")
                % {"name": mandate.principal.get_full_name()},
            )
            return redirect("identity:mandates")
    return render(request, "identity/mandate_code.html", {"form": form, "mandate": mandate})


@require_POST
@login_required
def mandate_code_resend(request: AuthenticatedHttpRequest, uuid) -> HttpResponse:
    mandate = _mine_or_404(request, uuid)
    try:
        mandate_consent.mandate_code_resend(mandate=mandate, agent=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã gửi mã mới."))
    return redirect("identity:mandate_code", uuid=mandate.uuid)


@require_POST
@login_required
def mandate_accept(request: AuthenticatedHttpRequest, uuid) -> HttpResponse:
    """The person offered a mandate accepts or declines it."""
    mandate = _mine_or_404(request, uuid)
    accept = request.POST.get("decision") == "accept"
    try:
        mandates.mandate_accept(mandate=mandate, agent=request.user, accept=accept, request=request)
    except PermissionDenied:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã nhận ủy quyền.") if accept else _("Đã từ chối."))
    return redirect("identity:mandates")
