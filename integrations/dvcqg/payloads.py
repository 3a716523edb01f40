"""Our dossier and its history in the National Portal's shapes (integrations-and-data §4.1).

`DongBoHoSoMC` carries the whole dossier (upserted by `MaHoSo`), `CapNhatTienDoHoSoMC` one
progress line per step. Dates are `yyyyMMddHHmmss` in Asia/Ho_Chi_Minh; statuses are the
portal codes 1–10 of `dossiers.constants.NATIONAL_PORTAL_STATUS`. Pure functions over model
instances: no network, no writes. The JSON Schemas in `integrations/dvcqg/json_schemas/` describe
what these produce (the tests validate against them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from dossiers.constants import (
    CHANNEL_NATIONAL_CODE,
    Actor,
    Channel,
    DossierStatus,
    EventKind,
    ResultDelivery,
    component_from_data_store,
    component_reuses_data,
    national_portal_status,
)
from procedures.models import Procedure

GMT7 = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"

# Facts worth telling the portal about; internal notes, forms and component swaps stay home.
PROGRESS_KINDS = frozenset(
    {
        EventKind.TRANSITION,
        EventKind.ASSIGNED,
        EventKind.EXTENDED,
        EventKind.HANDOVER,
        EventKind.CONSULTATION_SENT,
        EventKind.CONSULTATION_REPLIED,
        EventKind.PAYMENT_SETTLED,
        EventKind.RESULT_ATTACHED,
    }
)
# Their note is meant for the applicant (reasons for a refusal, a supplement, a delay).
PUBLIC_NOTE_KINDS = frozenset({EventKind.TRANSITION, EventKind.EXTENDED})
# `LoaiDoiTuong`: 1 citizen, 2 enterprise (OpenCPS DongBoHoSoMC).
CITIZEN, ENTERPRISE = "1", "2"
# `DonViTinh` of the processing time [S: index data]: days or hours (working or not).
TIME_UNIT_CODE = {
    "working_day": "NgayLamViec",
    "day": "Ngay",
    "working_hour": "GioLamViec",
    "hour": "Gio",
    "month": "Thang",
}


def portal_date(value: dt.datetime | None) -> str:
    """`yyyyMMddHHmmss` in Vietnam time; empty for no date."""
    if value is None:
        return ""
    return value.astimezone(GMT7).strftime(DATE_FORMAT)


def parse_portal_date(value: str) -> dt.datetime | None:
    if not value:
        return None
    return dt.datetime.strptime(value, DATE_FORMAT).replace(tzinfo=GMT7)


def status_code(status: str) -> str:
    code = national_portal_status(status)
    return str(int(code)) if code is not None else ""


def _field_of(procedure_code: str) -> tuple[str, str]:

    row = (
        Procedure.objects.filter(code=procedure_code)
        .values_list("field__code", "field__name")
        .first()
    )
    return (row[0] or "", row[1] or "") if row else ("", "")


def _applicant(dossier: Any) -> dict[str, str]:
    data = dossier.applicant_data or {}
    if dossier.organisation_id:
        org = dossier.organisation
        return {
            "ChuHoSo": org.name,
            "LoaiDoiTuong": ENTERPRISE,
            "MaDoiTuong": org.tax_code or "",
            "Email": data.get("email", "") or "",
            "SoDienThoai": data.get("phone", "") or "",
        }
    user = dossier.applicant
    return {
        "ChuHoSo": data.get("full_name") or user.get_full_name(),
        "LoaiDoiTuong": CITIZEN,
        "MaDoiTuong": data.get("id_number", "") or "",
        "Email": data.get("email") or user.email,
        "SoDienThoai": data.get("phone") or user.phone or "",
    }


def _supplements(events: list[Any]) -> list[dict[str, Any]]:
    """`DanhSachHoSoBoSung`: each request to supplement and, when it came, the answer."""
    rows: list[dict[str, Any]] = []
    for event in events:
        if event.kind != EventKind.TRANSITION:
            continue
        if event.to_status in (DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.INTAKE_SUPPLEMENT):
            rows.append(
                {
                    "HoSoBoSungId": str(event.pk),
                    "NguoiYeuCauBoSung": _actor_name(event),
                    "NoiDungBoSung": event.note,
                    "NgayBoSung": portal_date(event.at),
                    "NguoiTiepNhanBoSung": "",
                    "ThongTinTiepNhan": "",
                    "NgayTiepNhanBoSung": "",
                    "TrangThaiBoSung": 0,
                    "DanhSachGiayToBoSung": "",
                    "DanhSachLePhiBoSung": "",
                    "NgayHenTraTruoc": "",
                    "NgayHenTraMoi": "",
                }
            )
        elif rows and event.from_status in (
            DossierStatus.SUPPLEMENT_REQUESTED,
            DossierStatus.SUPPLEMENT_SUBMITTED,
            DossierStatus.INTAKE_SUPPLEMENT,
        ):
            if event.to_status in (DossierStatus.SUPPLEMENT_SUBMITTED, DossierStatus.SUBMITTED):
                rows[-1]["NgayTiepNhanBoSung"] = portal_date(event.at)
                rows[-1]["TrangThaiBoSung"] = 1
            elif event.to_status == DossierStatus.RECEIVED:
                rows[-1]["NgayTiepNhanBoSung"] = rows[-1]["NgayTiepNhanBoSung"] or portal_date(
                    event.at
                )
                rows[-1]["NguoiTiepNhanBoSung"] = _actor_name(event)
                rows[-1]["TrangThaiBoSung"] = 1
                rows[-1]["NgayHenTraMoi"] = event.data.get("due_at", "") and portal_date(
                    dt.datetime.fromisoformat(event.data["due_at"])
                )
    return rows


def dossier_payload(dossier: Any, *, events: list[Any] | None = None) -> dict[str, Any]:
    """One `DongBoHoSoMC` data item for `dossier` (with its history for the supplements)."""
    if events is None:
        events = list(dossier.events.select_related("actor", "agency").order_by("id"))
    field_code, field_name = _field_of(dossier.procedure_code)
    components = list(dossier.components.all())
    fee = dossier.fee_vnd or 0
    received = dossier.received_at or dossier.submitted_at
    payload: dict[str, Any] = {
        "MaHoSo": dossier.code,
        "MaTTHC": dossier.procedure_code,
        "TenTTHC": dossier.procedure_name,
        "MaLinhVuc": field_code,
        "TenLinhVuc": field_name,
        "KenhThucHien": str(CHANNEL_NATIONAL_CODE[Channel(dossier.channel)]),
        **_applicant(dossier),
        "ThongTinKhac": "",
        "Fax": "",
        "TrichYeuHoSo": dossier.procedure_name,
        "NgayNopHoSo": portal_date(dossier.submitted_at),
        "NgayTiepNhan": portal_date(received),
        "NgayHenTra": portal_date(dossier.due_at),
        "TrangThaiHoSo": status_code(dossier.status),
        "NgayTra": portal_date(dossier.returned_at),
        "ThongTinTra": dossier.get_result_delivery_display() if dossier.result_delivery else "",
        "HinhThuc": "1" if dossier.result_delivery == ResultDelivery.POST else "0",
        "NgayKetThucXuLy": portal_date(dossier.completed_at),
        "DonViXuLy": dossier.competent_agency.name if dossier.competent_agency_id else "",
        "GhiChu": "",
        "DonViTinh": TIME_UNIT_CODE.get(dossier.processing_time_unit, ""),
        "ThoiGianGiaiQuyet": str(dossier.processing_time or ""),
        "TaiKhoanDuocXacThucVoiVNeID": "1" if dossier.vneid_authenticated else "0",
        # QĐ 766 4.3 and 4.4 from the same definitions as the dashboard (dossiers.constants).
        "HoSoCoThanhPhanSoHoa": "1"
        if any(component_reuses_data(c.source) for c in components)
        else "0",
        "TaiLieuNop": [
            {
                "TepDinhKemId": str(c.document_uuid) if c.document_uuid else "",
                "TenTepDinhKem": c.requirement_name,
                "IsDeleted": False,
                "MaThanhPhanHoSo": c.requirement_code,
                "DuongDanTaiTepTin": "",
                "DuocSoHoa": "1" if component_reuses_data(c.source) else "0",
                "DuocLayTuKhoDMQG": "1" if component_from_data_store(c.source) else "0",
            }
            for c in components
            if c.document_uuid or c.source
        ],
        "DanhSachLePhi": (
            [
                {
                    "TenPhiLePhi": "Phí, lệ phí",
                    "MaPhiLePhi": dossier.procedure_code,
                    "HinhThucThu": "1",
                    "Gia": fee,
                    "LoaiPhiLePhi": "1",
                }
            ]
            if fee
            else []
        ),
        "DanhSachTepDinhKemKhac": [],
        "DanhSachHoSoBoSung": _supplements(events),
        "DanhSachGiayToKetQua": (
            [
                {
                    "TenGiayTo": dossier.get_result_kind_display() or "Kết quả",
                    "MaThanhPhanHoSo": dossier.result_type_code,
                    "GiayToId": dossier.result_code or str(dossier.result_document_uuid),
                    "DuongDanTepTinKetQua": "",
                }
            ]
            if dossier.result_document_uuid
            else []
        ),
    }
    return payload


def _actor_name(event: Any) -> str:
    if event.role == Actor.SYSTEM or event.actor_id is None:
        return "Hệ thống"
    return event.actor.get_full_name()


def progress_payload(event: Any, *, dossier: Any) -> dict[str, Any]:
    """One `CapNhatTienDoHoSoMC` data item for one event of the history."""
    if event.kind == EventKind.TRANSITION:
        source, target = DossierStatus(event.from_status), DossierStatus(event.to_status)
        content = f"{source.label} → {target.label}"
        status_after = event.to_status
    else:
        content = str(EventKind(event.kind).label)
        status_after = dossier.status
    if event.kind in PUBLIC_NOTE_KINDS and event.note:
        content = f"{content}: {event.note}"
    if event.kind == EventKind.HANDOVER and event.data.get("postal_step"):
        content = f"{content} ({event.data['postal_step']})"
    return {
        "MaHoSo": dossier.code,
        "NguoiXuLy": _actor_name(event),
        "ChucDanh": str(Actor(event.role).label),
        "ThoiDiemXuLy": portal_date(event.at),
        "PhongBanXuLy": event.agency.name if event.agency_id else "",
        "NoiDungXuLy": str(content),
        "TrangThai": status_code(status_after),
        "NgayBatDau": portal_date(event.at),
        "NgayKetThucTheoQuyDinh": portal_date(dossier.due_at),
    }


def progress_payloads(events: list[Any], *, dossier: Any) -> list[dict[str, Any]]:
    return [progress_payload(e, dossier=dossier) for e in events if e.kind in PROGRESS_KINDS]
