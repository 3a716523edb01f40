"""Thin views of the integration hub: the supervisors' failures list, the officers' postal
actions, the VNPost callback, and the two simulators (`integrations.dvcqg.simulator`,
`integrations.vnpost.simulator`)."""

from __future__ import annotations

import json
import secrets
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import user_is_staff_member
from agencies.selectors import agencies_valid_on
from common.exceptions import ApplicationError
from common.simulators import simulator_on, system_admin_only
from dossiers.constants import Actor
from dossiers.models import Dossier
from dossiers.selectors import dossier_acting_role
from integrations import selectors, services
from integrations.base import IntegrationError
from integrations.constants import PostalStatus
from integrations.dvcqg import simulator as dvcqg_sim
from integrations.models import SimulatedPortalDossier, SimulatedPostalOrder
from integrations.tasks import dvcqg_sync_dossier
from integrations.vnpost import services as postal
from integrations.vnpost import simulator as vnpost_sim
from integrations.vnpost.provider import callback_signature_valid
from procedures.selectors import procedure_get

POSTAL_ROLES = (Actor.RECEPTION_OFFICER, Actor.ONESTOP_SUPERVISOR)


def staff_only(view):
    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not user_is_staff_member(user=request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def acting_role(dossier: Dossier, user: Any, roles: tuple[str, ...]) -> str | None:

    return dossier_acting_role(dossier=dossier, user=user, roles=roles)


# --- supervisors: the sync failures ------------------------------------------------------------


@require_GET
@staff_only
def sync_failures(request: HttpRequest) -> HttpResponse:
    if not selectors.can_see_failures(request.user):
        raise Http404
    page = Paginator(selectors.sync_failures(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "integrations/failures.html", {"page": page})


@require_POST
@staff_only
def sync_retry(request: HttpRequest, dossier_uuid: str) -> HttpResponse:
    state = selectors.sync_failures(user=request.user).filter(dossier__uuid=dossier_uuid).first()
    if state is None:
        raise Http404
    services.sync_retry(state=state, by=request.user)

    dvcqg_sync_dossier.delay(state.dossier_id)
    messages.success(
        request, _("Đã đưa hồ sơ %(code)s vào hàng đợi đồng bộ lại.") % {"code": state.dossier.code}
    )
    return redirect("integrations:sync_failures")


# --- officers: postal legs ----------------------------------------------------------------------


def _postal_action(request: HttpRequest, dossier_uuid: str, action: Any) -> HttpResponse:
    dossier = get_object_or_404(Dossier.objects.exclude(status="draft"), uuid=dossier_uuid)
    role = acting_role(dossier, request.user, POSTAL_ROLES)
    if role is None:
        raise Http404
    try:
        order = action(dossier=dossier, by=request.user, role=role)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        if order.order_number:
            messages.success(
                request, _("Đã tạo bưu gửi số %(number)s.") % {"number": order.order_number}
            )
        else:
            messages.warning(
                request,
                _(
                    "Đã ghi yêu cầu; bưu điện chưa trả lời. Hệ thống tự gửi lại và ghi số bưu gửi "
                    "khi bưu điện xác nhận."
                ),
            )
    return redirect(request.POST.get("next") or "/office/")


@require_POST
@staff_only
def postal_pickup(request: HttpRequest, dossier_uuid: str) -> HttpResponse:
    return _postal_action(request, dossier_uuid, postal.postal_pickup_order)


@require_POST
@staff_only
def postal_dispatch(request: HttpRequest, dossier_uuid: str) -> HttpResponse:
    return _postal_action(request, dossier_uuid, postal.postal_result_dispatch)


@csrf_exempt  # server to server, authenticated by its HMAC signature
@require_POST
def vnpost_callback(request: HttpRequest) -> JsonResponse:
    if not settings.VNPOST_ENABLED:
        raise Http404
    if not callback_signature_valid(request.body, request.headers.get("X-VNPost-Signature", "")):
        return JsonResponse({"status": "ERROR", "message": "invalid signature"}, status=403)
    try:
        payload = json.loads(request.body)
        if not isinstance(payload, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"status": "ERROR", "message": "invalid JSON"}, status=400)
    try:
        order = postal.postal_callback(payload=payload)
    except ApplicationError as exc:
        return JsonResponse({"status": "ERROR", "message": exc.code}, status=400)
    return JsonResponse({"status": "OK", "orderStatus": order.status})


# --- the National Portal simulator --------------------------------------------------------------


@csrf_exempt  # the adapter's API, authenticated by its session
@require_POST
@dvcqg_sim.simulator_only
def dvcqg_auth(request: HttpRequest) -> JsonResponse:
    return dvcqg_sim.auth(request)


@csrf_exempt
@require_POST
@dvcqg_sim.simulator_only
def dvcqg_service(request: HttpRequest) -> JsonResponse:
    return dvcqg_sim.service(request)


@require_GET
@dvcqg_sim.simulator_only
def dvcqg_file(request: HttpRequest, code: str, name: str) -> HttpResponse:
    if not SimulatedPortalDossier.objects.filter(code=code, submitted_on_portal=True).exists():
        raise Http404
    return HttpResponse(dvcqg_sim.sample_file(), content_type="image/png")


@require_http_methods(["GET", "POST"])
@dvcqg_sim.simulator_only
@system_admin_only
def dvcqg_console(request: HttpRequest) -> HttpResponse:
    """Staff watch what the portal received, and submit a sample dossier "on the portal"."""

    error = ""
    if request.method == "POST":
        procedure = procedure_get(code=request.POST.get("procedure_code", "").strip())
        id_number = request.POST.get("id_number", "").strip()
        full_name = request.POST.get("full_name", "").strip()
        if procedure is None:
            error = _("Không tìm thấy thủ tục có mã này.")
        elif not (id_number.isdigit() and len(id_number) == 12):
            error = _("Số định danh cá nhân gồm 12 chữ số.")
        elif not full_name:
            error = _("Nhập họ và tên người nộp.")
        else:
            code = f"DVCQG-{timezone.localdate():%y%m%d}-{secrets.token_hex(3).upper()}"
            dvcqg_sim.portal_submission(
                code=code,
                procedure=procedure,
                full_name=full_name,
                id_number=id_number,
                phone=request.POST.get("phone", "").strip(),
                agency_code=request.POST.get("agency_code", "").strip(),
            )
            # The province takes it in at its next poll; ask for that poll now (demo speed).
            from integrations.tasks import dvcqg_inbound_poll

            transaction.on_commit(dvcqg_inbound_poll.delay)
            messages.success(
                request, _("Đã nộp hồ sơ %(code)s trên Cổng (mô phỏng).") % {"code": code}
            )
            return redirect("integrations:dvcqg_console")

    rows = SimulatedPortalDossier.objects.order_by("-updated_at")[:100]
    return render(
        request,
        "integrations/simulator/dvcqg.html",
        {
            "rows": rows,
            "error": error,
            "form": request.POST if error else {},
            "agencies": agencies_valid_on().order_by("level", "name"),
        },
        status=400 if error else 200,
    )


# --- the VNPost simulator -----------------------------------------------------------------------


def _vnpost_simulator_only(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not simulator_on("VNPOST_SIMULATOR_ENABLED"):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@csrf_exempt  # VNPost's API, authenticated by its bearer token
@require_POST
@_vnpost_simulator_only
def vnpost_orders(request: HttpRequest) -> JsonResponse:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return JsonResponse({"status": "ERROR", "message": "invalid JSON"}, status=400)
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    status, answer = vnpost_sim.create_order(
        body=body, token=token, key=request.headers.get("Idempotency-Key", "")
    )
    return JsonResponse(answer, status=status)


@require_http_methods(["GET", "POST"])
@_vnpost_simulator_only
@system_admin_only
def vnpost_console(request: HttpRequest) -> HttpResponse:
    """Staff play the postal worker: collect, hand over, deliver (with a signed callback)."""
    if request.method == "POST":
        number = request.POST.get("order_number", "")
        status = request.POST.get("status", "")
        if (
            status not in PostalStatus.values
            or not SimulatedPostalOrder.objects.filter(order_number=number).exists()
        ):
            raise Http404
        proof = (
            {"receiver": request.POST.get("receiver", "").strip()[:100]} if status == "6" else {}
        )
        try:
            response = vnpost_sim.simulator_advance(order_number=number, status=status, proof=proof)
            ok = response.status_code == 200
        except (IntegrationError, OSError, ValueError):
            ok = False
        if ok:
            messages.success(request, _("Đã gửi trạng thái bưu gửi về Cổng."))
        else:
            messages.error(request, _("Cổng chưa nhận được trạng thái bưu gửi."))
        return redirect("integrations:vnpost_console")
    rows = SimulatedPostalOrder.objects.order_by("-created_at")[:100]
    return render(
        request,
        "integrations/simulator/vnpost.html",
        {"rows": rows, "statuses": PostalStatus.choices},
    )
