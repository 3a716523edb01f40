"""Thin views: national identity, acting on behalf, organisations, personal-data rights."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from allauth.account.internal.decorators import login_not_required
from allauth.account.internal.flows.logout import logout as allauth_logout
from allauth.socialaccount.models import SocialApp

from accounts import selectors as account_selectors
from accounts.http import AuthenticatedHttpRequest
from accounts.identity import mandates, privacy, selectors
from accounts.identity.forms import (
    CounterMandateForm,
    MandateGrantForm,
    PrivacyRequestForm,
    PrivacyResolveForm,
)
from accounts.identity.logout import default_post_logout_redirect_uri, provider_logout_url
from accounts.identity.provider import oidc_callback as _oidc_callback
from accounts.models import Mandate, Organisation, PrivacyRequest
from common.audit import audit_record
from common.exceptions import ApplicationError


@login_not_required
def oidc_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return _oidc_callback(request, provider_id)
    except SocialApp.DoesNotExist:
        raise Http404 from None


@require_GET
@login_not_required
def sign_in(request: HttpRequest) -> HttpResponse:

    return render(
        request,
        "identity/sign_in.html",
        {
            "enabled": bool(settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect")),
            "simulator": settings.VNEID_SIMULATOR and not settings.VNEID_ISSUER_URL,
            "redirect_field_value": request.GET.get("next", ""),
        },
    )


@require_POST
@login_not_required
def logout(request: HttpRequest) -> HttpResponse:
    """Signs out here and, after a national sign-in, at the provider too (`id_token_hint`)."""

    target = provider_logout_url(
        request, post_logout_redirect_uri=default_post_logout_redirect_uri()
    )
    allauth_logout(request)
    return redirect(target or "portal:home")


@never_cache
@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "identity/overview.html",
        {
            "identities": selectors.identities_for_user(user=user),
            "assurance_level": selectors.user_assurance_level(user=user),
            "profile": getattr(user, "profile", None),
            "organisations": mandates.organisations_represented(user=user),
        },
    )


@never_cache
@login_required
def mandate_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = MandateGrantForm(request.POST or None, principal=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            mandates.mandate_grant(
                principal=request.user,
                agent=form.cleaned_data["agent_email"],
                request=request,
                **form.terms(),
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Đã gửi đề nghị ủy quyền. Ủy quyền có hiệu lực khi người được ủy quyền nhận; "
                    "bạn có thể thu hồi bất cứ lúc nào."
                ),
            )
            return redirect("identity:mandates")
    return render(
        request,
        "identity/mandates.html",
        {
            "form": form,
            "given": mandates.mandates_given(user=request.user),
            "received": mandates.mandates_received(user=request.user),
            "today": timezone.localdate(),
        },
    )


def _mandate_or_404(request: AuthenticatedHttpRequest, uuid) -> Mandate:
    try:
        return mandates.mandate_get_for_user(user=request.user, uuid=uuid)
    except Mandate.DoesNotExist:
        raise Http404 from None


@require_POST
@login_required
def mandate_revoke(request: AuthenticatedHttpRequest, uuid) -> HttpResponse:
    mandate = _mandate_or_404(request, uuid)
    mandates.mandate_revoke(mandate=mandate, by=request.user, request=request)
    messages.success(request, _("Đã thu hồi ủy quyền."))
    return redirect("identity:mandates")


@require_POST
@login_required
def mandate_confirm(request: AuthenticatedHttpRequest, uuid) -> HttpResponse:
    mandate = _mandate_or_404(request, uuid)
    accept = request.POST.get("decision") == "accept"
    try:
        mandates.mandate_confirm(
            mandate=mandate, principal=request.user, accept=accept, request=request
        )
    except PermissionDenied:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("identity:mandates")


@never_cache
@login_required
def mandate_counter(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A reception officer records a paper authorisation the citizen signed at the counter."""

    if not account_selectors.user_roles(user=request.user) & mandates.COUNTER_ROLES:
        raise PermissionDenied
    form = CounterMandateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        mandates.mandate_record_at_counter(
            officer=request.user,
            principal=form.cleaned_data["principal"],
            agent=form.cleaned_data["agent_email"],
            signed_authorisation=form.cleaned_data["signed_authorisation"],
            procedure_codes=form.cleaned_data["procedure_codes"],
            valid_from=form.cleaned_data["valid_from"],
            valid_to=form.cleaned_data["valid_to"],
            request=request,
        )
        messages.success(request, _("Đã ghi nhận ủy quyền tại quầy."))
        return redirect("identity:mandate_counter")
    return render(request, "identity/mandate_counter.html", {"form": form})


@never_cache
@login_required
def organisation_detail(request: AuthenticatedHttpRequest, uuid) -> HttpResponse:
    try:
        organisation = mandates.organisation_get_for_representative(user=request.user, uuid=uuid)
    except Organisation.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "identity/organisation.html",
        {
            "organisation": organisation,
            "representatives": mandates.organisation_representatives(organisation=organisation),
        },
    )


@require_GET
@login_not_required
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "identity/privacy_notice.html")


@never_cache
@login_required
def personal_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PrivacyRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = privacy.privacy_request_create(
            user=request.user,
            kind=form.cleaned_data["kind"],
            details=form.cleaned_data["details"],
            request=request,
        )
        messages.success(
            request,
            _("Đã tiếp nhận yêu cầu. Hạn trả lời: %(due)s.")
            % {"due": timezone.localtime(created.due_at).strftime("%H:%M %d/%m/%Y")},
        )
        return redirect("identity:personal_data")
    return render(
        request,
        "identity/personal_data.html",
        {"form": form, "requests": privacy.privacy_requests_for_user(user=request.user)},
    )


@never_cache
@login_required
@require_GET
def personal_data_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    pdf = privacy.personal_data_pdf(user=request.user)
    audit_record(
        action="privacy.export",
        actor=request.user,
        obj=request.user,
        data={"format": "pdf"},
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="du-lieu-ca-nhan.pdf"'
    return response


@never_cache
@login_required
def privacy_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not privacy.is_privacy_officer(user=request.user):
        raise PermissionDenied
    return render(
        request,
        "identity/privacy_queue.html",
        {"queue": privacy.privacy_queue(officer=request.user), "now": timezone.now()},
    )


@never_cache
@login_required
def privacy_request_handle(request: AuthenticatedHttpRequest, uuid) -> HttpResponse:
    if not privacy.is_privacy_officer(user=request.user):
        raise PermissionDenied
    try:
        item = privacy.privacy_request_get_for_officer(officer=request.user, uuid=uuid)
    except PrivacyRequest.DoesNotExist:
        raise Http404 from None
    initial = {"resolution": privacy.DELETION_RESOLUTION} if item.kind == "deletion" else {}
    form = PrivacyResolveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.privacy_request_resolve(
                privacy_request=item,
                officer=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                resolution=form.cleaned_data["resolution"],
                request=request,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã xử lý yêu cầu."))
            return redirect("identity:privacy_queue")
    return render(request, "identity/privacy_handle.html", {"item": item, "form": form})
