"""Thin views: parse → selector/service → render. Citizens pay and see their own payments;
staff (MFA enforced by the accounts middleware) record counter payments, assess fees, refund
and download the daily report for their agencies."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest, signed_in_or_none
from agencies.selectors import staff_agencies
from common.audit import client_ip
from common.db_router import reads_from_replica
from common.exceptions import ApplicationError
from documents.selectors import document_issued_get
from documents.signers import SigningKeyMissing
from payments import selectors, services
from payments.constants import RESPONSE_MESSAGES, PaymentStatus, Provider
from payments.forms import ChargeAssessForm, CounterPaymentForm, RefundForm, ReportForm
from payments.providers.registry import get_provider
from payments.reports import daily_report_xlsx

GATEWAY_LOCALES = {"vi": "vn", "en": "en"}


# --- citizen -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def dossier_payment(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    dossier = selectors.dossier_for_citizen(user=request.user, code=code)
    if dossier is None:
        raise Http404
    if request.method == "POST":
        try:
            _payment, url = services.payment_start(
                dossier=dossier,
                by=request.user,
                client_ip=client_ip(request),
                locale=GATEWAY_LOCALES.get((request.LANGUAGE_CODE or "vi")[:2], "vn"),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("payments:dossier", code=code)
        return redirect(url)
    return render(
        request,
        "payments/dossier.html",
        {
            "dossier": dossier,
            "charges": dossier.charges.all(),
            "amount_due": selectors.amount_due_vnd(dossier=dossier),
            "payments": selectors.payments_for_citizen(user=request.user).filter(dossier=dossier),
            "online_available": selectors.online_payment_available(),
        },
    )


@login_required
@require_GET
def my_payments(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The citizen's payments across their dossiers, with the receipts (for "my page")."""
    payments = selectors.payments_for_citizen(user=request.user).order_by("-created_at")[:100]
    return render(request, "payments/mine.html", {"payments": payments})


@require_GET
def vnpay_return(request: HttpRequest) -> HttpResponse:
    """The browser back from the gateway: shows the status, never settles (the IPN does)."""
    params = {k: request.GET[k] for k in request.GET}
    payment = services.payment_return_note(params=params)
    visible = (
        payment
        if payment is not None
        and (user := signed_in_or_none(request)) is not None
        and selectors.payment_get(user=user, uuid=payment.uuid)
        else None
    )
    code = params.get("vnp_ResponseCode", "")
    return render(
        request,
        "payments/return.html",
        {
            "genuine": payment is not None,
            "payment": visible,
            "gateway_success": code == "00" and params.get("vnp_TransactionStatus") == "00",
            "gateway_message": RESPONSE_MESSAGES.get(code, _("Giao dịch không thành công.")),
        },
    )


@csrf_exempt  # VNPay calls it server to server (GET); authenticated by its HMAC signature
@require_GET
def vnpay_ipn(request: HttpRequest) -> JsonResponse:
    if not get_provider(Provider.VNPAY).is_available():
        return JsonResponse({"RspCode": "99", "Message": "Not configured"}, status=503)
    params = {k: request.GET[k] for k in request.GET}
    duplicated = any(len(request.GET.getlist(k)) > 1 for k in request.GET)
    reply = services.payment_ipn_process(params=params, duplicated_keys=duplicated)
    return JsonResponse({"RspCode": reply.value, "Message": reply.label})


@login_required
@require_GET
def payment_detail(request: AuthenticatedHttpRequest, uuid) -> HttpResponse:
    payment = selectors.payment_get(user=request.user, uuid=uuid)
    if payment is None:
        raise Http404
    return render(
        request,
        "payments/detail.html",
        {
            "payment": payment,
            "is_staff_view": selectors.payments_for_staff(user=request.user)
            .filter(pk=payment.pk)
            .exists(),
            "may_refund": selectors.may_refund(user=request.user, payment=payment)
            and payment.status in (PaymentStatus.PAID, PaymentStatus.DUPLICATE),
            "refund_form": RefundForm(initial={"amount_vnd": payment.refundable_vnd}),
        },
    )


@login_required
@require_GET
def receipt(request: AuthenticatedHttpRequest, uuid) -> HttpResponseBase:
    payment = selectors.payment_get(user=request.user, uuid=uuid)
    if payment is None:
        raise Http404

    try:
        document_uuid = services.payment_receipt_issue(payment=payment)
    except SigningKeyMissing:
        # The payment stands; the receipt is owed and the sweep issues it once the agency can sign.
        messages.info(
            request,
            _(
                "Cơ quan thu chưa hoàn tất chữ ký số nên biên lai điện tử chưa được cấp. Khoản "
                "thanh toán đã được ghi nhận; biên lai sẽ được cấp tự động và lưu vào kho dữ liệu "
                "của bạn ngay khi cơ quan ký được."
            ),
        )
        return redirect("payments:detail", uuid=payment.uuid)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("payments:detail", uuid=payment.uuid)
    # The receipt is a document the system issued; access was checked on the payment above.
    document = document_issued_get(uuid=str(document_uuid))
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        filename=f"bien-lai-{payment.txn_ref}.pdf",
    )


# --- staff -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def staff_dossier(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    dossier = selectors.dossier_for_staff(user=request.user, code=code)
    if dossier is None:
        raise Http404
    counter_form = CounterPaymentForm(prefix="counter")
    assess_form = ChargeAssessForm(prefix="assess")
    if request.method == "POST":
        action = request.POST.get("action")
        form: CounterPaymentForm | ChargeAssessForm
        if action == "counter":
            form = counter_form = CounterPaymentForm(request.POST, prefix="counter")
        else:
            form = assess_form = ChargeAssessForm(request.POST, prefix="assess")
        if form.is_valid():
            try:
                if action == "counter":
                    services.payment_record_counter(
                        dossier=dossier, by=request.user, **form.cleaned_data
                    )
                    messages.success(request, _("Đã ghi nhận nộp tiền tại quầy."))
                else:
                    services.charge_assess(dossier=dossier, by=request.user, **form.cleaned_data)
                    messages.success(request, _("Đã ghi nhận khoản thu và báo cho người nộp."))
                return redirect("payments:staff_dossier", code=code)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
    return render(
        request,
        "payments/staff_dossier.html",
        {
            "dossier": dossier,
            "charges": dossier.charges.all(),
            "amount_due": selectors.amount_due_vnd(dossier=dossier),
            "payments": selectors.payments_for_staff(user=request.user).filter(dossier=dossier),
            "counter_form": counter_form,
            "assess_form": assess_form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["POST"])
def refund(request: AuthenticatedHttpRequest, uuid) -> HttpResponse:
    payment = selectors.payment_get(user=request.user, uuid=uuid)
    if payment is None:
        raise Http404
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            result = services.payment_refund(payment=payment, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            if result.status == "done":
                messages.success(request, _("Đã hoàn tiền."))
            else:
                messages.error(
                    request,
                    _("Cổng thanh toán từ chối hoàn tiền (mã %(code)s).")
                    % {"code": result.response_code},
                )
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("payments:detail", uuid=payment.uuid)


@login_required
@require_GET
@reads_from_replica
def daily_report(request: AuthenticatedHttpRequest) -> HttpResponse:

    agencies = list(staff_agencies(request.user))
    if not agencies:
        raise Http404
    form = ReportForm(request.GET or None)
    agency_field = form.fields["agency"]
    assert isinstance(agency_field, forms.ChoiceField)
    agency_field.choices = [(str(a.uuid), a.name) for a in agencies]
    if request.GET and form.is_valid():
        agency = next(a for a in agencies if str(a.uuid) == form.cleaned_data["agency"])
        day = form.cleaned_data["day"]
        response = HttpResponse(
            daily_report_xlsx(agency_id=agency.pk, day=day),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="doi-soat-{agency.code}-{day:%Y%m%d}.xlsx"'
        )
        return response
    return render(request, "payments/report.html", {"form": form})
