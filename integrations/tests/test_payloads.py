"""The payloads we send are the National Portal's shapes: JSON Schema, dates, status codes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft202012Validator

from dossiers.constants import Actor, DossierStatus
from dossiers.services import dossier_transition
from integrations.dvcqg import payloads, schemas
from integrations.tests.helpers import receive, submitted

pytestmark = pytest.mark.django_db


def envelope(service: str, data: list, **extra) -> dict:
    return {"session": "s", "madonvi": "000.00.00.H53", "service": service, "data": data, **extra}


def valid(service: str, body: dict) -> list[str]:
    validator = Draft202012Validator(schemas.schema_for(service))
    return [e.message for e in validator.iter_errors(body)]


def test_portal_date_is_vietnam_time_in_yyyymmddhhmmss():
    moment = dt.datetime(2026, 2, 16, 17, 5, 9, tzinfo=dt.UTC)  # 00:05:09 on 17/02 in Hà Nội
    assert payloads.portal_date(moment) == "20260217000509"
    assert payloads.portal_date(None) == ""
    back = payloads.parse_portal_date("20260217000509")
    assert back == moment
    assert back.tzinfo == ZoneInfo("Asia/Ho_Chi_Minh")


def test_received_dossier_payload_validates_and_carries_its_facts(cast):
    dossier = receive(submitted(cast), cast)
    dossier.applicant_data = {"full_name": "Trần Thị Bích", "id_number": "079123456789"}
    body = envelope("DongBoHoSoMC", [payloads.dossier_payload(dossier)], isUpdating=False)
    assert valid("DongBoHoSoMC", body) == []
    item = body["data"][0]
    assert item["MaHoSo"] == dossier.code
    assert item["TrangThaiHoSo"] == "2"  # Được tiếp nhận
    assert item["KenhThucHien"] == "2"  # online
    assert item["ChuHoSo"] == "Trần Thị Bích"
    assert item["MaDoiTuong"] == "079123456789"
    assert item["NgayTiepNhan"] == payloads.portal_date(dossier.received_at)
    assert item["NgayHenTra"] == payloads.portal_date(dossier.due_at) != ""
    assert [d["MaThanhPhanHoSo"] for d in item["TaiLieuNop"]] == ["TK01"]


def test_progress_lines_validate_and_follow_the_history(cast):
    dossier = receive(submitted(cast), cast)
    events = list(dossier.events.order_by("id"))
    lines = payloads.progress_payloads(events, dossier=dossier)
    assert valid("CapNhatTienDoHoSoMC", envelope("CapNhatTienDoHoSoMC", lines)) == []
    assert [line["TrangThai"] for line in lines] == ["1", "2"]
    assert lines[1]["NguoiXuLy"] == cast.staff[Actor.RECEPTION_OFFICER].get_full_name()
    assert lines[1]["PhongBanXuLy"] == cast.receiving.name


def test_supplement_at_intake_is_listed_with_its_reasons(cast):
    dossier = submitted(cast)
    dossier_transition(
        dossier=dossier,
        to=DossierStatus.INTAKE_SUPPLEMENT,
        by=cast.staff[Actor.RECEPTION_OFFICER],
        role=Actor.RECEPTION_OFFICER,
        note="Thiếu bản sao giấy khai sinh",
    )
    dossier.refresh_from_db()
    item = payloads.dossier_payload(dossier)
    assert valid("DongBoHoSoMC", envelope("DongBoHoSoMC", [item], isUpdating=True)) == []
    assert item["TrangThaiHoSo"] == "5"
    (request,) = item["DanhSachHoSoBoSung"]
    assert request["NoiDungBoSung"] == "Thiếu bản sao giấy khai sinh"
    assert request["TrangThaiBoSung"] == 0


def test_schema_rejects_a_wrong_status_and_a_badly_formatted_date(cast):
    item = payloads.dossier_payload(submitted(cast))
    assert valid("DongBoHoSoMC", envelope("DongBoHoSoMC", [item], isUpdating=False)) == []
    broken = {**item, "TrangThaiHoSo": "11", "NgayTiepNhan": "2026-11-28 08:00"}
    errors = valid("DongBoHoSoMC", envelope("DongBoHoSoMC", [broken], isUpdating=False))
    assert len(errors) == 2


def test_every_internal_status_maps_to_a_portal_code():
    for status in DossierStatus:
        code = payloads.status_code(status)
        assert (
            code == "" if status == DossierStatus.DRAFT else code in {str(i) for i in range(1, 11)}
        )
