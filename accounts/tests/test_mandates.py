"""Acting on behalf: mandates attribute acts to both people and stop when revoked;
representatives see only their own organisation."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import pytest

from accounts.constants import Role
from accounts.identity import mandates
from accounts.identity.constants import ConsentMethod, MandateStatus
from accounts.models import CitizenProfile, Mandate, OrganisationRepresentative
from accounts.tests.factories import (
    CitizenFactory,
    OrganisationFactory,
    StaffFactory,
    login_with_mfa,
)
from common.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def grandmother():
    return CitizenFactory(full_name="Nguyễn Thị Bà")


@pytest.fixture
def helper():
    return CitizenFactory(full_name="Võ Văn Hỗ Trợ", roles=[Role.COMMUNITY_HELPER])


def granted(principal, agent, **terms):
    """The citizen offers, the person named accepts: the mandate is in force."""
    offer = mandates.mandate_grant(principal=principal, agent=agent, **terms)
    return mandates.mandate_accept(mandate=offer, agent=agent, accept=True)


def test_an_offered_mandate_does_nothing_until_the_agent_accepts(grandmother, helper):
    offer = mandates.mandate_grant(principal=grandmother, agent=helper)
    assert offer.status == MandateStatus.PENDING_AGENT
    with pytest.raises(mandates.MandateRequired):
        mandates.mandate_require(agent=helper, principal=grandmother)
    with pytest.raises(PermissionDenied):
        mandates.mandate_accept(mandate=offer, agent=grandmother, accept=True)
    declined = mandates.mandate_accept(mandate=offer, agent=helper, accept=False)
    assert declined.status == MandateStatus.DECLINED
    with pytest.raises(mandates.MandateRequired):
        mandates.mandate_require(agent=helper, principal=grandmother)


def test_every_mandate_event_names_both_people(grandmother, helper):
    mandate = granted(grandmother, helper)
    mandates.mandate_revoke(mandate=mandate, by=grandmother)
    events = AuditEvent.objects.filter(object_id=str(mandate.uuid))
    assert {e.action for e in events} == {"mandate.offered", "mandate.accepted", "mandate.revoked"}
    for event in events:
        assert (event.data["principal_name"], event.data["agent_name"]) == (
            "Nguyễn Thị Bà",
            "Võ Văn Hỗ Trợ",
        )


def test_a_mandate_for_a_field_covers_its_procedures_only(grandmother, helper):
    granted(grandmother, helper, field_codes=["ho-tich"])
    assert mandates.mandate_active_for(
        agent=helper, principal=grandmother, procedure_code="1.001", field_code="ho-tich"
    )
    assert not mandates.mandate_active_for(
        agent=helper, principal=grandmother, procedure_code="1.002", field_code="dat-dai"
    )


def test_act_under_a_mandate_names_both_people_then_stops_after_revocation(grandmother, helper):
    mandate = granted(grandmother, helper)

    event = mandates.mandate_act(
        agent=helper, principal=grandmother, action="dossier.submitted", procedure_code="1.001"
    )
    assert event.actor == helper
    assert event.data["on_behalf_of"] == str(grandmother.uuid)
    assert event.data["on_behalf_of_name"] == "Nguyễn Thị Bà"
    assert event.data["actor_name"] == "Võ Văn Hỗ Trợ"
    assert event.data["mandate"] == str(mandate.uuid)

    mandates.mandate_revoke(mandate=mandate, by=grandmother)

    with pytest.raises(mandates.MandateRequired):
        mandates.mandate_act(agent=helper, principal=grandmother, action="dossier.submitted")
    assert list(
        AuditEvent.objects.filter(object_id=str(mandate.uuid)).values_list("action", flat=True)
    ) == ["mandate.revoked", "mandate.accepted", "mandate.offered"]


def test_mandate_limited_to_procedures_and_dates(grandmother, helper):
    today = timezone.localdate()
    granted(
        grandmother,
        helper,
        procedure_codes=["1.001", " 2.002 "],
        valid_to=today + dt.timedelta(days=30),
    )

    assert mandates.mandate_active_for(agent=helper, principal=grandmother, procedure_code="2.002")
    assert not mandates.mandate_active_for(
        agent=helper, principal=grandmother, procedure_code="9.9"
    )
    later = today + dt.timedelta(days=31)
    assert not mandates.mandate_active_for(
        agent=helper, principal=grandmother, procedure_code="1.001", on=later
    )


def test_requested_mandate_does_nothing_until_the_citizen_confirms(grandmother, helper):
    mandate = mandates.mandate_request(agent=helper, principal=grandmother)
    with pytest.raises(mandates.MandateRequired):
        mandates.mandate_require(agent=helper, principal=grandmother)
    with pytest.raises(PermissionDenied):
        mandates.mandate_confirm(mandate=mandate, principal=helper, accept=True)

    mandates.mandate_confirm(mandate=mandate, principal=grandmother, accept=True)

    assert mandates.mandate_require(agent=helper, principal=grandmother) == mandate


def test_counter_officer_records_a_signed_authorisation(grandmother, helper):
    officer = StaffFactory(roles=[Role.RECEPTION_OFFICER])
    scan = SimpleUploadedFile("giay-uy-quyen.pdf", b"%PDF-1.4 scan", content_type="application/pdf")

    mandate = mandates.mandate_record_at_counter(
        officer=officer, principal=grandmother, agent=helper, signed_authorisation=scan
    )

    assert mandate.status == MandateStatus.ACTIVE
    assert mandate.consent_method == ConsentMethod.COUNTER_RECORDED
    assert mandate.recorded_by == officer
    assert mandate.consent_document.name.endswith(".pdf")
    with pytest.raises(PermissionDenied):
        mandates.mandate_record_at_counter(
            officer=helper, principal=grandmother, agent=helper, signed_authorisation=scan
        )


def test_outsider_cannot_revoke(grandmother, helper):
    mandate = mandates.mandate_grant(principal=grandmother, agent=helper)
    with pytest.raises(PermissionDenied):
        mandates.mandate_revoke(mandate=mandate, by=CitizenFactory())


def test_citizen_grants_and_revokes_in_the_pages(client, grandmother, helper):
    client.force_login(grandmother)
    response = client.post("/dinh-danh/uy-quyen/", {"agent_email": helper.email, "scope": "all"})
    assert response.status_code == 302
    mandate = Mandate.objects.get(principal=grandmother, agent=helper)
    assert mandate.status == MandateStatus.PENDING_AGENT

    page = client.get("/dinh-danh/uy-quyen/").content.decode()
    assert "Võ Văn Hỗ Trợ" in page

    client.force_login(helper)
    assert "Nhận ủy quyền" in client.get("/dinh-danh/uy-quyen/").content.decode()
    client.post(f"/dinh-danh/uy-quyen/{mandate.uuid}/nhan/", {"decision": "accept"})
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.ACTIVE

    client.force_login(grandmother)
    client.post(f"/dinh-danh/uy-quyen/{mandate.uuid}/thu-hoi/")
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.REVOKED


def test_unknown_agent_email_is_a_clear_error_and_keeps_the_input(client, grandmother):
    client.force_login(grandmother)
    response = client.post(
        "/dinh-danh/uy-quyen/",
        {"agent_email": "khong.co@example.vn", "scope": "procedure", "procedure_code": "1.001"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Không tìm thấy tài khoản với e-mail này." in body
    assert 'value="khong.co@example.vn"' in body


def test_a_stranger_cannot_open_or_revoke_someone_elses_mandate(client, grandmother, helper):
    mandate = mandates.mandate_grant(principal=grandmother, agent=helper)
    client.force_login(CitizenFactory())
    assert client.post(f"/dinh-danh/uy-quyen/{mandate.uuid}/thu-hoi/").status_code == 404
    assert client.post(f"/dinh-danh/uy-quyen/{mandate.uuid}/nhan/").status_code == 404
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.PENDING_AGENT


# --- organisations and representatives ---------------------------------------------------------


def test_representatives_see_only_their_organisation(client):
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    director = CitizenFactory()
    OrganisationRepresentative.objects.create(organisation=mine, user=director, title="Giám đốc")
    OrganisationRepresentative.objects.create(organisation=theirs, user=CitizenFactory())

    assert list(mandates.organisations_represented(user=director)) == [mine]
    client.force_login(director)
    assert client.get(f"/dinh-danh/to-chuc/{mine.uuid}/").status_code == 200
    assert client.get(f"/dinh-danh/to-chuc/{theirs.uuid}/").status_code == 404


def test_ended_representation_no_longer_opens_the_organisation(client):
    organisation = OrganisationFactory()
    former = CitizenFactory()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    OrganisationRepresentative.objects.create(
        organisation=organisation,
        user=former,
        valid_from=yesterday - dt.timedelta(days=100),
        valid_to=yesterday,
    )
    client.force_login(former)
    assert client.get(f"/dinh-danh/to-chuc/{organisation.uuid}/").status_code == 404
    assert not mandates.organisations_represented(user=former).exists()


def test_counter_page_records_a_mandate_for_reception_officers_only(client, grandmother, helper):
    CitizenProfile.objects.filter(user=grandmother).update(id_number="080150001234")
    officer = StaffFactory(roles=[Role.RECEPTION_OFFICER])
    login_with_mfa(client, officer)
    scan = SimpleUploadedFile("uy-quyen.pdf", b"%PDF-1.4 scan", content_type="application/pdf")

    response = client.post(
        "/dinh-danh/uy-quyen/tai-quay/",
        {
            "principal": "080150001234",
            "agent_email": helper.email,
            "procedure_codes": "1.001",
            "signed_authorisation": scan,
        },
    )

    assert response.status_code == 302
    mandate = Mandate.objects.get(principal=grandmother)
    assert mandate.recorded_by == officer
    assert mandate.procedure_codes == ["1.001"]
    client.force_login(helper)
    assert client.get("/dinh-danh/uy-quyen/tai-quay/").status_code == 403


def test_counter_page_refuses_other_file_types_and_keeps_the_input(client, grandmother, helper):
    login_with_mfa(client, StaffFactory(roles=[Role.RECEPTION_OFFICER]))
    script = SimpleUploadedFile("x.html", b"<script>", content_type="text/html")
    response = client.post(
        "/dinh-danh/uy-quyen/tai-quay/",
        {
            "principal": grandmother.email,
            "agent_email": helper.email,
            "signed_authorisation": script,
        },
    )
    assert response.status_code == 200
    assert "Chỉ nhận tệp PDF, JPEG hoặc PNG." in response.content.decode()
    assert f'value="{helper.email}"' in response.content.decode()
    assert not Mandate.objects.exists()


def test_representative_acts_for_the_organisation_with_both_names():
    organisation = OrganisationFactory(name="Công ty TNHH Hòa Thành")
    director, stranger = CitizenFactory(full_name="Đặng Minh Trí"), CitizenFactory()
    OrganisationRepresentative.objects.create(organisation=organisation, user=director)

    data = mandates.organisation_attribution(user=director, organisation=organisation)

    assert data["actor_name"] == "Đặng Minh Trí"
    assert data["organisation_tax_code"] == organisation.tax_code
    with pytest.raises(PermissionDenied):
        mandates.organisation_attribution(user=stranger, organisation=organisation)
