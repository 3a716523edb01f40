"""Thin views of "Đăng nhập bằng mã gửi qua SMS" (ADR 0300): the ID number and the phone, then
the code. The attempt lives in the session; the pages say the same whether an account matched."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from allauth.account.internal.decorators import login_not_required

from accounts.identity import sms_sign_in
from accounts.identity.constants import SIGN_IN_TRIES_PER_ATTEMPT
from accounts.identity.forms import SmsSignInCodeForm, SmsSignInForm
from common.exceptions import ApplicationError

ATTEMPT_SESSION_KEY = "sms_sign_in"


def _safe_next(request: HttpRequest, target: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else ""


def _start(request: HttpRequest, *, id_number: str, phone: str, next_url: str) -> bool:
    try:
        reference = sms_sign_in.sms_sign_in_start(id_number=id_number, phone=phone, request=request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    request.session[ATTEMPT_SESSION_KEY] = {
        "reference": reference,
        "id_number": id_number,
        "phone": phone,
        "tries": 0,
        "next": next_url,
    }
    return True


@never_cache
@login_not_required
@sensitive_post_parameters("id_number", "phone")
def sms_sign_in_start(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SmsSignInForm(request.POST or None)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _start(request, id_number=data["id_number"], phone=data["phone"], next_url=next_url):
            return redirect("identity:sms_sign_in_code")
    return render(request, "identity/sms_sign_in.html", {"form": form, "next": next_url})


@never_cache
@login_not_required
@sensitive_post_parameters("code")
def sms_sign_in_code(request: HttpRequest) -> HttpResponse:
    attempt = request.session.get(ATTEMPT_SESSION_KEY)
    if request.user.is_authenticated or not attempt:
        return redirect("identity:sms_sign_in")
    if request.method == "POST" and request.POST.get("resend"):
        if _start(
            request,
            id_number=attempt["id_number"],
            phone=attempt["phone"],
            next_url=attempt.get("next", ""),
        ):
            messages.success(
                request, _("Nếu thông tin khớp với một tài khoản, mã mới đã được gửi.")
            )
        return redirect("identity:sms_sign_in_code")
    form = SmsSignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attempt["tries"] = attempt.get("tries", 0) + 1
        request.session[ATTEMPT_SESSION_KEY] = attempt
        if attempt["tries"] > SIGN_IN_TRIES_PER_ATTEMPT:
            form.add_error("code", _("Đã nhập sai quá số lần cho phép; hãy gửi mã mới."))
        else:
            try:
                user = sms_sign_in.sms_sign_in_finish(
                    reference=attempt["reference"],
                    id_number=attempt["id_number"],
                    phone=attempt["phone"],
                    code=form.cleaned_data["code"],
                    request=request,
                )
            except ApplicationError as exc:
                form.add_error("code", exc.message)
            else:
                del request.session[ATTEMPT_SESSION_KEY]
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Đã đăng nhập bằng mã gửi qua SMS."))
                return redirect(attempt.get("next") or settings.LOGIN_REDIRECT_URL)
    return render(request, "identity/sms_sign_in_code.html", {"form": form})
