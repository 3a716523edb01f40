import pytest

from accounts.constants import Role
from accounts.tests.factories import StaffFactory, login_with_mfa
from common.exceptions import ApplicationError
from common.models import AuditEvent
from procedures.constants import OnlineLevel, ProposalStatus
from procedures.models import OnlineLevelProposal, Procedure
from procedures.selectors import online_share_province, procedure_online_only_on
from procedures.services import online_level_decide, online_level_propose
from procedures.tests.factories import import_records, national_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def procedure(db):
    import_records(
        national_record("9.200001", "Cấp bản sao trích lục hộ tịch", co_nop_truc_tuyen=True)
    )
    return Procedure.objects.get(code="9.200001")


@pytest.fixture
def officer(db):
    return StaffFactory(roles=[Role.PROCESSING_OFFICER])


@pytest.fixture
def supervisor(db):
    return StaffFactory(roles=[Role.ONESTOP_SUPERVISOR])


def test_staff_propose_and_supervisor_approves(procedure, officer, supervisor):
    assert procedure.online_level == OnlineLevel.PARTIAL  # online channel listed on import
    proposal = online_level_propose(
        procedure=procedure, level=OnlineLevel.FULL, reason="Kết quả trả bản điện tử", by=officer
    )
    procedure.refresh_from_db()
    assert procedure.online_level == OnlineLevel.PARTIAL  # nothing changes before approval

    online_level_decide(proposal=proposal, approve=True, by=supervisor)

    procedure.refresh_from_db()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert procedure.online_level == OnlineLevel.FULL
    assert procedure.online_level_set_by == supervisor
    assert procedure.online_level_set_at is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "procedures.online_level_proposed",
        "procedures.online_level_decided",
        "procedures.online_level_changed",
    } <= actions
    assert online_share_province().full == 1


def test_rejection_needs_a_note_and_leaves_the_level(procedure, officer, supervisor):
    proposal = online_level_propose(
        procedure=procedure, level=OnlineLevel.NONE, reason="Cần kiểm tra thực địa", by=officer
    )
    with pytest.raises(ApplicationError):
        online_level_decide(proposal=proposal, approve=False, by=supervisor, note="")
    online_level_decide(
        proposal=proposal, approve=False, by=supervisor, note="Vẫn nộp trực tuyến được"
    )
    procedure.refresh_from_db()
    assert procedure.online_level == OnlineLevel.PARTIAL
    with pytest.raises(ApplicationError, match="đã được xử lý"):
        online_level_decide(proposal=proposal, approve=True, by=supervisor)


def test_only_staff_propose_and_only_supervisors_approve(procedure, officer, supervisor, citizen):
    with pytest.raises(ApplicationError):
        online_level_propose(procedure=procedure, level=OnlineLevel.FULL, reason="x", by=citizen)
    with pytest.raises(ApplicationError):
        online_level_propose(procedure=procedure, level=OnlineLevel.FULL, reason=" ", by=officer)
    proposal = online_level_propose(
        procedure=procedure, level=OnlineLevel.FULL, reason="Đủ điều kiện", by=officer
    )
    with pytest.raises(ApplicationError, match="đang có một đề xuất"):
        online_level_propose(procedure=procedure, level=OnlineLevel.NONE, reason="Khác", by=officer)
    with pytest.raises(ApplicationError):
        online_level_decide(proposal=proposal, approve=True, by=officer)
    both = StaffFactory(roles=[Role.AGENCY_HEAD, Role.ONESTOP_SUPERVISOR])
    own = OnlineLevelProposal.objects.create(
        procedure=import_records(national_record("9.200002", "Khác"))
        and Procedure.objects.get(code="9.200002"),
        proposed_level=OnlineLevel.FULL,
        reason="r",
        proposed_by=both,
    )
    with pytest.raises(ApplicationError, match="tự duyệt"):
        online_level_decide(proposal=own, approve=True, by=both)


def test_flow_through_the_pages(client, procedure, officer, supervisor):
    login_with_mfa(client, officer)
    page = client.get(f"/thu-tuc/{procedure.code}/de-xuat/")
    assert page.status_code == 200
    missing_reason = client.post(
        f"/thu-tuc/{procedure.code}/de-xuat/", {"level": "full", "reason": ""}
    )
    assert missing_reason.status_code == 200
    assert "reason" in missing_reason.context["form"].errors
    response = client.post(
        f"/thu-tuc/{procedure.code}/de-xuat/", {"level": "full", "reason": "Đủ điều kiện"}
    )
    assert response.status_code == 302
    proposal = OnlineLevelProposal.objects.get()
    assert (
        client.post(f"/thu-tuc/phan-loai/{proposal.uuid}/", {"decision": "approve"}).status_code
        == 403
    )

    client.logout()
    login_with_mfa(client, supervisor)
    listing = client.get("/thu-tuc/phan-loai/")
    assert proposal.procedure.code in listing.content.decode()
    client.post(f"/thu-tuc/phan-loai/{proposal.uuid}/", {"decision": "approve", "note": ""})
    procedure.refresh_from_db()
    assert procedure.online_level == OnlineLevel.FULL


def test_citizens_cannot_open_the_classification_pages(citizen_client, procedure):
    assert citizen_client.get("/thu-tuc/phan-loai/").status_code == 403
    assert citizen_client.get(f"/thu-tuc/{procedure.code}/de-xuat/").status_code == 403


def test_online_only_permanently_or_on_given_days(procedure):
    import datetime as dt

    from agencies.constants import AgencyKind, AgencyLevel
    from agencies.models import Agency
    from procedures.models import OnlineOnlyDay

    ward = Agency.objects.create(
        code="25457", name="Phường Bình Minh", kind=AgencyKind.WARD, level=AgencyLevel.COMMUNE
    )
    day = dt.date(2026, 12, 1)
    assert not procedure_online_only_on(procedure=procedure, day=day, agency=ward)
    OnlineOnlyDay.objects.create(procedure=procedure, agency=ward, day=day)
    assert procedure_online_only_on(procedure=procedure, day=day, agency=ward)
    assert not procedure_online_only_on(procedure=procedure, day=day, agency=None)
    assert not procedure_online_only_on(
        procedure=procedure, day=day + dt.timedelta(days=1), agency=ward
    )
    procedure.online_only = True
    assert procedure_online_only_on(
        procedure=procedure, day=day + dt.timedelta(days=1), agency=None
    )
