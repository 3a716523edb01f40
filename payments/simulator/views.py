"""The simulator's pages and API. 404 whenever the simulator is off."""

from __future__ import annotations

import json
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from payments.simulator import bank


def simulator_only(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not bank.is_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@simulator_only
def pay_page(request: HttpRequest) -> HttpResponse:
    params = {k: request.GET[k] for k in request.GET}
    duplicated = any(len(request.GET.getlist(k)) > 1 for k in request.GET)
    row = "97" if duplicated else bank.open_order(params)
    if isinstance(row, str):
        return render(request, "payments/simulator/error.html", {"code": row}, status=400)
    return render(
        request,
        "payments/simulator/pay.html",
        {"row": row, "amount_vnd": row.amount // 100},
    )


@require_POST
@simulator_only
def pay_submit(request: HttpRequest, transaction_no: str) -> HttpResponse:
    outcome = request.POST.get("outcome", "")
    row = bank.complete(transaction_no=transaction_no, outcome=outcome)
    if row is None:
        return render(request, "payments/simulator/error.html", {"code": "01"}, status=400)
    if not request.POST.get("lose_ipn"):
        bank.send_ipn(row)
    return redirect(bank.return_url(row))


@csrf_exempt  # server-to-server JSON API, authenticated by its HMAC like VNPay's
@require_POST
@simulator_only
def merchant_api(request: HttpRequest) -> JsonResponse:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid format"})
    return JsonResponse(bank.api(body))
