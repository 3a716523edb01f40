"""Dossiers submitted on the National Portal arrive in the reception queue; the catalogue sync."""

from __future__ import annotations

import pytest

from accounts.models import CitizenProfile
from agencies.constants import AgencyKind
from agencies.tests.factories import AgencyFactory
from documents.models import StoredDocument
from dossiers.constants import Actor, Channel, DossierStatus, EventKind
from integrations.constants import InboundStatus
from integrations.dvcqg import simulator
from integrations.dvcqg.catalogue import catalogue_sync, national_record
from integrations.dvcqg.inbound import inbound_poll
from integrations.models import InboundDossier, SimulatedPortalDossier
from procedures.models import Procedure
from procedures.tests.factories import import_records
from procedures.tests.factories import national_record as catalogue_record

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def online_procedure(db):
    AgencyFactory(
        name="Trung tâm Phục vụ hành chính công tỉnh Tây Ninh",
        kind=AgencyKind.SERVICE_CENTRE,
        level="province",
    )
    import_records(
        catalogue_record(
            "2.000001",
            "Cấp phiếu lý lịch tư pháp",
            cap_thuc_hien=["Cấp tỉnh"],
            co_nop_truc_tuyen=True,
            cach_thuc_thuc_hien=[
                {
                    "kenh": "Trực tuyến",
                    "thoi_han_so": 10,
                    "thoi_han_don_vi": "Ngày làm việc",
                    "mien_phi": True,
                    "phi_vnd": [],
                    "mo_ta": None,
                }
            ],
            thanh_phan_ho_so=[
                {"ten_giay_to": "Tờ khai yêu cầu cấp phiếu", "so_ban_chinh": 1, "so_ban_sao": 0}
            ],
        )
    )
    return Procedure.objects.get(code="2.000001")


def test_portal_dossier_arrives_submitted_with_its_code_files_and_applicant(
    portal_sim, online_procedure
):
    simulator.portal_submission(
        code="G22-261128-0007",
        procedure=online_procedure,
        full_name="Lê Văn Đức",
        id_number="072090001234",
        phone="0912000111",
    )
    result = inbound_poll()
    assert (result.accepted, result.refused, result.errors) == (1, 0, [])

    record = InboundDossier.objects.get(external_code="G22-261128-0007")
    dossier = record.dossier
    assert record.status == InboundStatus.ACCEPTED
    assert dossier.code == "G22-261128-0007"
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.channel == Channel.NATIONAL_PORTAL
    assert dossier.reception_due_at is not None  # the 8-working-hour window runs
    event = dossier.events.get(kind=EventKind.TRANSITION)
    assert (event.role, event.actor_id, event.to_status) == (Actor.SYSTEM, None, "submitted")
    assert dossier.applicant_data["full_name"] == "Lê Văn Đức"
    profile = CitizenProfile.objects.get(id_number="072090001234")
    assert dossier.applicant_id == profile.user_id
    assert not profile.user.has_usable_password()
    (component,) = dossier.components.all()
    stored = StoredDocument.objects.get(uuid=component.document_uuid)
    assert stored.owner_user_id == profile.user_id
    # The portal was told: taken, and the dossier's progress is pushed back.
    row = SimulatedPortalDossier.objects.get(code="G22-261128-0007")
    assert row.taken_at is not None
    assert row.data["DaTiepNhan"] is True
    assert row.status_code == 1
    assert row.progress

    # Polling again creates nothing twice.
    again = inbound_poll()
    assert (again.accepted, again.already) == (0, 0)
    assert InboundDossier.objects.count() == 1


def test_known_citizen_is_reused(portal_sim, online_procedure):
    from accounts.tests.factories import CitizenFactory

    citizen = CitizenFactory()
    citizen.profile.id_number = "072090009999"
    citizen.profile.save()
    simulator.portal_submission(
        code="G22-1", procedure=online_procedure, full_name="X", id_number="072090009999"
    )
    inbound_poll()
    assert InboundDossier.objects.get(external_code="G22-1").dossier.applicant == citizen


def test_unknown_procedure_is_refused_and_the_portal_told_why(portal_sim, online_procedure):
    row = simulator.portal_submission(
        code="G22-2", procedure=online_procedure, full_name="Y", id_number="072090000002"
    )
    row.data = {**row.data, "MaTTHC": "9.999999"}
    row.save()
    result = inbound_poll()
    assert result.refused == 1
    record = InboundDossier.objects.get(external_code="G22-2")
    assert record.status == InboundStatus.REFUSED
    assert record.dossier is None
    row.refresh_from_db()
    assert row.data["DaTiepNhan"] is False
    assert "MaTTHC" in row.data["LyDo"]


def test_attachment_from_another_host_is_refused(portal_sim, online_procedure):
    row = simulator.portal_submission(
        code="G22-3", procedure=online_procedure, full_name="Z", id_number="072090000003"
    )
    row.data["TaiLieuNop"][0]["DuongDanTaiTepTin"] = "http://169.254.169.254/latest/meta-data"
    row.save()
    assert inbound_poll().refused == 1
    assert "lạ" in InboundDossier.objects.get(external_code="G22-3").error


def test_catalogue_sync_imports_the_national_records(portal_sim):
    counts = catalogue_sync()
    assert counts.created == Procedure.objects.count() > 0
    again = catalogue_sync()
    assert (again.created, again.updated) == (0, 0)


def test_adapter_shaped_records_are_mapped():
    record = national_record(
        {
            "MATTHC": "1.000001",
            "TENTTHC": "Thủ tục A",
            "LINHVUCTHUCHIEN": [{"TENLINHVUC": "Hộ tịch"}],
        }
    )
    assert (record["ma_thu_tuc"], record["ten_thu_tuc"], record["linh_vuc"]) == (
        "1.000001",
        "Thủ tục A",
        "Hộ tịch",
    )


def test_commune_procedure_goes_to_the_unit_chosen_on_the_portal(portal_sim, db):
    from agencies.tests.factories import CommuneFactory

    commune = CommuneFactory(name="Phường Tân Ninh")
    import_records(
        catalogue_record(
            "2.000002",
            "Đăng ký khai sinh",
            cap_thuc_hien=["Cấp xã"],
            co_nop_truc_tuyen=True,
            thanh_phan_ho_so=[{"ten_giay_to": "Tờ khai", "so_ban_chinh": 1, "so_ban_sao": 0}],
        )
    )
    procedure = Procedure.objects.get(code="2.000002")
    simulator.portal_submission(
        code="G22-4",
        procedure=procedure,
        full_name="A",
        id_number="072090000004",
        agency_code=commune.code,
    )
    simulator.portal_submission(
        code="G22-5",
        procedure=procedure,
        full_name="B",
        id_number="072090000005",
        agency_code="000.00.00.X99",
    )
    result = inbound_poll()
    assert (result.accepted, result.refused) == (1, 1)
    dossier = InboundDossier.objects.get(external_code="G22-4").dossier
    assert (dossier.receiving_agency, dossier.competent_agency) == (commune, commune)
    assert "MaDonViTiepNhan" in InboundDossier.objects.get(external_code="G22-5").error
