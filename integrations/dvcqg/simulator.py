"""A local stand-in for the National Portal adapter, speaking the same protocol as the provider.

Served under /tich-hop/mo-phong/dvcqg/ while `DVCQG_SIMULATOR_ENABLED` is on (404 otherwise):
sign-in, the service calls (`DongBoHoSoMC`, `CapNhatTienDoHoSoMC`, `LayHoSoMoi`,
`XacNhanHoSo`, `LayDanhSachTTHC`), attached files of portal dossiers, and a page for staff to
watch what arrived and to submit a sample dossier "on the portal". It validates what it gets
against the JSON Schemas, dedupes by `Idempotency-Key`, and fails on demand
(`SimulatedFault`) so the retries can be shown and tested.
"""

from __future__ import annotations

import io
import json
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from common.simulators import simulator_on
from integrations.dvcqg import schemas
from integrations.dvcqg.payloads import portal_date
from integrations.dvcqg.provider import (
    CAP_NHAT_TIEN_DO,
    DONG_BO_HO_SO,
    INVALID_DATA,
    LAY_DANH_SACH_TTHC,
    LAY_HO_SO_MOI,
    OK,
    SESSION_EXPIRED,
    XAC_NHAN_HO_SO,
)
from integrations.models import SimulatedFault, SimulatedPortalDossier, SimulatedRequest
from procedures import importer

SESSION_SALT = "integrations.dvcqg.simulator.session"
SESSION_MAX_AGE = 30 * 60
CATALOGUE_LIMIT = 30
# The national catalogue extract shipped with procedures (procedures/data/README.md).
CATALOGUE_FILE = (
    Path(__file__).resolve().parents[2] / "procedures" / "data" / "tthc_tinh_xa.jsonl.gz"
)


def simulator_only(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not simulator_on("DVCQG_SIMULATOR_ENABLED"):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _body(request: HttpRequest) -> dict[str, Any] | None:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def take_fault(service: str) -> int | None:
    """The HTTP status to fail this call with, if a fault is armed for the service (or "*")."""
    with transaction.atomic():
        fault = (
            SimulatedFault.objects.select_for_update()
            .filter(service__in=(service, "*"), remaining__gt=0)
            .order_by("service")
            .first()
        )
        if fault is None:
            return None
        SimulatedFault.objects.filter(pk=fault.pk).update(remaining=F("remaining") - 1)
        return fault.status


def auth(request: HttpRequest) -> JsonResponse:
    body = _body(request) or {}
    if take_fault("auth"):
        return JsonResponse({"error_code": 1, "message": "unavailable"}, status=503)
    if (body.get("username"), body.get("password")) != (
        settings.DVCQG_USERNAME,
        settings.DVCQG_PASSWORD,
    ):
        return JsonResponse({"error_code": 1, "message": "Sai tài khoản hoặc mật khẩu"})
    session = signing.dumps({"u": body["username"]}, salt=SESSION_SALT)
    return JsonResponse({"error_code": OK, "session": session})


def service(request: HttpRequest) -> JsonResponse:
    body = _body(request)
    if body is None:
        return JsonResponse({"error_code": INVALID_DATA, "message": "JSON không hợp lệ"})
    name = str(body.get("service") or "")
    status = take_fault(name)
    if status:
        return JsonResponse({"error_code": 1, "message": "simulated failure"}, status=status)
    try:
        signing.loads(str(body.get("session") or ""), salt=SESSION_SALT, max_age=SESSION_MAX_AGE)
    except signing.BadSignature:
        return JsonResponse({"error_code": SESSION_EXPIRED, "message": "Phiên hết hạn"})
    if body.get("madonvi") != settings.DVCQG_AGENCY_CODE:
        return JsonResponse({"error_code": 1, "message": "Sai mã đơn vị"})
    errors = schemas.validation_errors(name, body)
    if errors:
        return JsonResponse({"error_code": INVALID_DATA, "message": "; ".join(errors[:10])})
    key = request.headers.get("Idempotency-Key", "")
    if key:
        seen = SimulatedRequest.objects.filter(request_key=key).first()
        if seen is not None:
            return JsonResponse({**seen.response, "duplicate": True})
    handler = HANDLERS.get(name)
    if handler is None:
        return JsonResponse({"error_code": 1, "message": f"Dịch vụ không hỗ trợ: {name}"})
    try:
        with transaction.atomic():
            answer = handler(body)
            if key and answer.get("error_code") == OK:
                SimulatedRequest.objects.create(
                    request_key=key, service=name, body=body, response=answer
                )
    except IntegrityError:  # the same key raced in: the winner's change stands, once
        seen = SimulatedRequest.objects.get(request_key=key)
        return JsonResponse({**seen.response, "duplicate": True})
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # without jsonschema
        return JsonResponse({"error_code": INVALID_DATA, "message": f"Dữ liệu sai: {exc!r}"})
    return JsonResponse(answer)


def _dong_bo(body: dict[str, Any]) -> dict[str, Any]:
    for item in body["data"]:
        row, _ = SimulatedPortalDossier.objects.select_for_update().get_or_create(
            code=item["MaHoSo"]
        )
        row.data = item
        row.status_code = int(item["TrangThaiHoSo"])
        row.pushes += 1
        row.save()
    return {"error_code": OK, "message": "Đồng bộ thành công", "count": len(body["data"])}


def _tien_do(body: dict[str, Any]) -> dict[str, Any]:
    codes = {item["MaHoSo"] for item in body["data"]}
    rows = {
        r.code: r for r in SimulatedPortalDossier.objects.select_for_update().filter(code__in=codes)
    }
    missing = codes - set(rows)
    if missing:
        return {"error_code": INVALID_DATA, "message": f"MaHoSo chưa đồng bộ: {sorted(missing)}"}
    for item in body["data"]:
        row = rows[item["MaHoSo"]]
        row.progress = [*row.progress, item]
        row.status_code = int(item["TrangThai"])
    for row in rows.values():
        row.save()
    return {"error_code": OK, "message": "Cập nhật tiến độ thành công"}


def _ho_so_moi(body: dict[str, Any]) -> dict[str, Any]:
    rows = SimulatedPortalDossier.objects.filter(submitted_on_portal=True, taken_at__isnull=True)
    return {"error_code": OK, "result": [r.data for r in rows.order_by("pk")[:50]]}


def _xac_nhan(body: dict[str, Any]) -> dict[str, Any]:
    row = SimulatedPortalDossier.objects.filter(code=str(body.get("MaHoSo") or "")).first()
    if row is None:
        return {"error_code": INVALID_DATA, "message": "MaHoSo không tồn tại"}
    row.taken_at = timezone.now()
    row.data = {
        **row.data,
        "DaTiepNhan": bool(body.get("DaTiepNhan")),
        "LyDo": body.get("LyDo", ""),
    }
    row.save()
    return {"error_code": OK}


def _danh_sach_tthc(body: dict[str, Any]) -> dict[str, Any]:

    limit = min(int(body.get("limit") or CATALOGUE_LIMIT), 500)
    records = []
    for record in importer.read_records(CATALOGUE_FILE):
        records.append(record)
        if len(records) >= limit:
            break
    return {"error_code": OK, "result": records}


HANDLERS = {
    DONG_BO_HO_SO: _dong_bo,
    CAP_NHAT_TIEN_DO: _tien_do,
    LAY_HO_SO_MOI: _ho_so_moi,
    XAC_NHAN_HO_SO: _xac_nhan,
    LAY_DANH_SACH_TTHC: _danh_sach_tthc,
}


def sample_file() -> bytes:
    """A small scan-like PNG (the documents app re-encodes images anyway)."""
    # Local import: PIL is a heavy library, loaded on first use.
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), "white")
    ImageDraw.Draw(image).text((20, 90), "DVCQG - tep dinh kem mau", fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def portal_submission(
    *,
    code: str,
    procedure: Any,
    full_name: str,
    id_number: str,
    phone: str = "",
    email: str = "",
    agency_code: str = "",
    base_url: str = "",
) -> SimulatedPortalDossier:
    """A dossier "submitted on the portal" for our unit, waiting in `LayHoSoMoi`."""
    base = base_url or settings.DVCQG_ADAPTER_URL
    files = [
        {
            "TepDinhKemId": f"{code}-{i}",
            "TenTepDinhKem": requirement.name,
            "IsDeleted": False,
            "MaThanhPhanHoSo": f"R{requirement.pk}",
            "DuongDanTaiTepTin": f"{base}/tep/{code}/{i}.png",
        }
        for i, requirement in enumerate(procedure.requirements.all(), start=1)
        if not requirement.state_holds
    ]
    data = {
        "MaHoSo": code,
        "MaTTHC": procedure.code,
        "TenTTHC": procedure.name,
        "ChuHoSo": full_name,
        "LoaiDoiTuong": "1",
        "MaDoiTuong": id_number,
        "SoDienThoai": phone,
        "Email": email,
        "KenhThucHien": "2",
        "MaDonViTiepNhan": agency_code,
        "NgayNopHoSo": portal_date(timezone.now()),
        "TaiKhoanDuocXacThucVoiVNeID": "1",
        "TaiLieuNop": files,
        "DuLieuToKhai": {},
    }
    row, _ = SimulatedPortalDossier.objects.update_or_create(
        code=code,
        defaults={"data": data, "status_code": 1, "submitted_on_portal": True, "taken_at": None},
    )
    return row
