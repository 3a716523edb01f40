"""Filing for someone else under a mandate, the VNeID level-2 gate, and the applicant type that
decides fee exemptions."""

import datetime as dt

from django.urls import reverse

import pytest

from accounts.identity.mandates import mandate_accept, mandate_grant, mandate_revoke
from common.exceptions import ApplicationError
from dossiers import services as svc
from dossiers.constants import DossierStatus, DraftStep
from dossiers.models import Dossier, DossierEvent
from dossiers.tests.submission_helpers import (
    ID_NUMBER,
    PHONE,
    PROCEDURE_CODE,
    fill_draft,
    make_citizen,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def principal(world):
    """An elderly citizen who authorised `world.citizen` (a relative) for this procedure."""
    person = make_citizen(full_name="Trần Thị Bình")
    person.profile.permanent_address = "5 Lê Lợi, phường Tân Ninh"
    person.profile.save()
    offer = mandate_grant(principal=person, agent=world.citizen, procedure_codes=[PROCEDURE_CODE])
    mandate_accept(mandate=offer, agent=world.citizen, accept=True)
    return person


def start_url():
    return reverse("dossiers:start", kwargs={"code": PROCEDURE_CODE})


# --- mandates ------------------------------------------------------------------------------------


def test_a_draft_under_a_mandate_belongs_to_the_principal_and_names_the_agent(world, principal):
    dossier = svc.dossier_start(procedure=world.procedure, user=world.citizen, principal=principal)
    assert dossier.applicant == principal
    assert dossier.submitter == world.citizen
    assert dossier.applicant_data["full_name"] == "Trần Thị Bình"  # the principal's profile
    assert dossier.applicant_data["address"] == "5 Lê Lợi, phường Tân Ninh"
    assert dossier.form_data["full_name"] == "Trần Thị Bình"
    assert dossier.applicant_data["submitted_by"]["actor"] == str(world.citizen.uuid)
    assert dossier.applicant_data["submitted_by"]["on_behalf_of"] == str(principal.uuid)


def test_submission_under_a_mandate_records_both_people(world, principal):
    dossier = svc.dossier_start(procedure=world.procedure, user=world.citizen, principal=principal)
    fill_draft(dossier, world.citizen)
    assert dossier.applicant_data["mandate"]  # kept when the applicant step is saved
    event = svc.dossier_submit_online(dossier=dossier, by=world.citizen, declaration=True)
    assert event.actor == world.citizen
    assert event.on_behalf_of == principal
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_the_principals_timeline_names_the_helper(client, world, principal):
    dossier = svc.dossier_start(procedure=world.procedure, user=world.citizen, principal=principal)
    fill_draft(dossier, world.citizen)
    svc.dossier_submit_online(dossier=dossier, by=world.citizen, declaration=True)
    client.force_login(principal)
    page = client.get(reverse("dossiers:detail", kwargs={"uuid": dossier.uuid}))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"{world.citizen.get_full_name()} thực hiện thay cho Trần Thị Bình" in text


def test_a_withdrawal_by_the_helper_names_both_people(world, principal):
    dossier = svc.dossier_start(procedure=world.procedure, user=world.citizen, principal=principal)
    fill_draft(dossier, world.citizen)
    svc.dossier_submit_online(dossier=dossier, by=world.citizen, declaration=True)
    event = svc.dossier_withdrawal_request(dossier=dossier, by=world.citizen, reason="Không cần")
    assert (event.actor, event.on_behalf_of) == (world.citizen, principal)
    assert event.data["mandate"] == dossier.applicant_data["mandate"]


def test_without_a_mandate_nobody_can_file_for_another_person(world):
    stranger = make_citizen(full_name="Lê Văn Cường")
    with pytest.raises(ApplicationError) as refused:
        svc.dossier_start(procedure=world.procedure, user=world.citizen, principal=stranger)
    assert refused.value.code == "no_mandate"
    assert not Dossier.objects.exists()


def test_a_mandate_for_other_procedures_does_not_cover_this_one(world):
    person = make_citizen(full_name="Phạm Thị Dung")
    offer = mandate_grant(principal=person, agent=world.citizen, procedure_codes=["1.000001"])
    mandate_accept(mandate=offer, agent=world.citizen, accept=True)
    with pytest.raises(ApplicationError):
        svc.dossier_start(procedure=world.procedure, user=world.citizen, principal=person)
    choices = svc.on_behalf_choices(user=world.citizen, procedure_code=PROCEDURE_CODE)
    assert all(str(person.uuid) not in value for value, _label in choices)


def test_a_mandate_revoked_before_submission_stops_it(world, principal):
    dossier = svc.dossier_start(procedure=world.procedure, user=world.citizen, principal=principal)
    fill_draft(dossier, world.citizen)
    from accounts.models import Mandate

    mandate = Mandate.objects.get(principal=principal, agent=world.citizen)
    mandate_revoke(mandate=mandate, by=principal)
    with pytest.raises(ApplicationError) as refused:
        svc.dossier_submit_online(dossier=dossier, by=world.citizen, declaration=True)
    # The helper no longer stands for the applicant at all (dossiers.selectors.access).
    assert refused.value.code == "actor_not_allowed"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT
    assert not DossierEvent.objects.filter(dossier=dossier).exists()


def test_the_agent_cannot_write_to_the_principals_profile(world, principal):
    dossier = svc.dossier_start(procedure=world.procedure, user=world.citizen, principal=principal)
    svc.draft_applicant_save(
        dossier=dossier,
        by=world.citizen,
        data={
            "full_name": "Trần Thị Bình",
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "email": "",
            "address": "Địa chỉ mới",
            "date_of_birth": "",
        },
        save_to_profile=True,
    )
    principal.profile.refresh_from_db()
    world.citizen.profile.refresh_from_db()
    assert principal.profile.permanent_address == "5 Lê Lợi, phường Tân Ninh"
    assert world.citizen.profile.permanent_address != "Địa chỉ mới"


def test_start_page_offers_the_principal_and_starts_for_them(client, world, principal):
    client.force_login(world.citizen)
    page = client.get(start_url()).content.decode()
    assert "Trần Thị Bình (theo ủy quyền)" in page
    response = client.post(start_url(), {"on_behalf_of": f"nguoi:{principal.uuid}"})
    dossier = Dossier.objects.get()
    assert response["Location"] == reverse(
        "dossiers:step", kwargs={"uuid": dossier.uuid, "step": DraftStep.APPLICANT}
    )
    assert dossier.applicant == principal
    step = client.get(response["Location"]).content.decode()
    assert 'data-testid="on-behalf"' in step
    assert "Lưu các thay đổi vào hồ sơ cá nhân của tôi" not in step
    # both of them see the draft; a third citizen does not
    client.force_login(principal)
    assert client.get(response["Location"]).status_code == 200
    client.force_login(make_citizen(full_name="Người khác"))
    assert client.get(response["Location"]).status_code == 404


def test_start_page_refuses_a_person_not_offered(client, world):
    stranger = make_citizen(full_name="Lê Văn Cường")
    client.force_login(world.citizen)
    response = client.post(start_url(), {"on_behalf_of": f"nguoi:{stranger.uuid}"})
    assert response.status_code == 200  # the form says the choice is not valid
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("applicant_types", "offered"),
    [
        (["Công dân Việt Nam", "Người nước ngoài"], False),
        (["Công dân Việt Nam", "Hợp tác xã"], True),
        (["Tổ chức (không bao gồm doanh nghiệp, HTX)"], True),
        ([], True),  # the catalogue does not say: not refused
    ],
)
def test_an_organisation_is_offered_only_where_the_catalogue_allows_one(
    client, world, applicant_types, offered
):
    from accounts.models import OrganisationRepresentative
    from accounts.tests.factories import OrganisationFactory
    from procedures.models import ApplicantType

    organisation = OrganisationFactory(name="Hợp tác xã Nông nghiệp Tân Biên")
    OrganisationRepresentative.objects.create(
        organisation=organisation, user=world.citizen, valid_from=dt.date(2025, 1, 1)
    )
    world.procedure.applicant_types.set(
        ApplicantType.objects.get_or_create(code=f"t{n}", name=name)[0]
        for n, name in enumerate(applicant_types)
    )
    client.force_login(world.citizen)
    assert (
        "Hợp tác xã Nông nghiệp Tân Biên" in client.get(start_url()).content.decode()
    ) is offered
    if offered:
        svc.dossier_start(procedure=world.procedure, user=world.citizen, organisation=organisation)
        return
    response = client.post(start_url(), {"on_behalf_of": str(organisation.uuid)})
    assert response.status_code == 200  # not among the choices
    with pytest.raises(ApplicationError) as refused:
        svc.dossier_start(procedure=world.procedure, user=world.citizen, organisation=organisation)
    assert refused.value.code == "not_for_organisations"
    assert not Dossier.objects.exists()


# --- assurance level 2 -----------------------------------------------------------------------------


def require_level_2(world):
    world.procedure.min_assurance_level = 2
    world.procedure.save(update_fields=["min_assurance_level"])


def test_a_level_2_procedure_refuses_a_lower_sign_in(world):
    require_level_2(world)
    world.citizen.profile.assurance_level = 1
    world.citizen.profile.save()
    with pytest.raises(svc.AssuranceRequired) as refused:
        svc.dossier_start(procedure=world.procedure, user=world.citizen)
    assert refused.value.extra == {"required": 2}
    assert not Dossier.objects.exists()


def test_a_level_2_procedure_accepts_a_level_2_citizen(world):
    require_level_2(world)
    world.citizen.profile.assurance_level = 2
    world.citizen.profile.save()
    dossier = svc.dossier_start(procedure=world.procedure, user=world.citizen)
    fill_draft(dossier, world.citizen)
    svc.dossier_submit_online(dossier=dossier, by=world.citizen, declaration=True)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_a_channel_that_authenticated_the_citizen_itself_may_skip_the_gate(world):
    """The National Portal's inbound dossiers: the portal signed the citizen in with VNeID."""
    require_level_2(world)
    dossier = svc.dossier_start(
        procedure=world.procedure, user=world.citizen, require_assurance=False
    )
    assert dossier.status == DossierStatus.DRAFT


def test_the_start_page_sends_a_level_1_citizen_to_vneid(client, world):
    require_level_2(world)
    client.force_login(world.citizen)
    page = client.get(start_url()).content.decode()
    assert 'data-testid="step-up"' in page
    assert "acr_values" in page
    assert "Bắt đầu khai hồ sơ mới" not in page
    response = client.post(start_url(), {})
    assert response.status_code == 302
    assert "acr_values" in response["Location"]
    assert not Dossier.objects.exists()


def test_procedures_without_the_requirement_need_no_step_up(client, world):
    client.force_login(world.citizen)
    page = client.get(start_url()).content.decode()
    assert 'data-testid="step-up"' not in page


# --- applicant type and fee exemption ------------------------------------------------------------


@pytest.fixture
def exempt_type(world):
    from procedures.models import ApplicantType

    poor = ApplicantType.objects.create(code="ho-ngheo", name="Hộ nghèo")
    world.procedure.fee_rules.get().exempt_applicant_types.add(poor)
    return poor


def applicant_data(**extra):
    return {
        "full_name": "Nguyễn Văn An",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "email": "",
        "address": "12 Cách Mạng Tháng Tám",
        "date_of_birth": "",
        **extra,
    }


def test_an_exempt_applicant_type_makes_the_fee_zero(world, exempt_type):
    dossier = svc.dossier_start(procedure=world.procedure, user=world.citizen)
    assert dossier.fee_vnd == 10_000
    svc.draft_applicant_save(
        dossier=dossier, by=world.citizen, data=applicant_data(applicant_type_code="ho-ngheo")
    )
    dossier.refresh_from_db()
    assert dossier.applicant_data["applicant_type_code"] == "ho-ngheo"
    assert dossier.fee_vnd == 0
    lines = svc.procedure_online_fees(world.procedure, dossier=dossier)
    assert [line.exempt for line in lines] == [True]
    svc.draft_applicant_save(
        dossier=dossier, by=world.citizen, data=applicant_data(applicant_type_code="")
    )
    dossier.refresh_from_db()
    assert dossier.fee_vnd == 10_000


def test_an_applicant_type_not_offered_is_refused(world, exempt_type):
    dossier = svc.dossier_start(procedure=world.procedure, user=world.citizen)
    with pytest.raises(ApplicationError) as refused:
        svc.draft_applicant_save(
            dossier=dossier, by=world.citizen, data=applicant_data(applicant_type_code="khac")
        )
    assert "applicant_type_code" in refused.value.extra["errors"]
    dossier.refresh_from_db()
    assert "applicant_type_code" not in dossier.applicant_data


def test_the_applicant_step_offers_the_types_and_the_fee_step_shows_the_exemption(
    client, world, exempt_type
):
    client.force_login(world.citizen)
    client.post(start_url())
    dossier = Dossier.objects.get()
    url = reverse("dossiers:step", kwargs={"uuid": dossier.uuid, "step": DraftStep.APPLICANT})
    page = client.get(url).content.decode()
    assert "Đối tượng thực hiện" in page
    assert "Hộ nghèo" in page
    response = client.post(
        url, {**applicant_data(applicant_type_code="ho-ngheo"), "action": "next"}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.fee_vnd == 0
    fees = client.get(
        reverse("dossiers:step", kwargs={"uuid": dossier.uuid, "step": DraftStep.FEES})
    ).content.decode()
    assert "0 đồng" in fees


def test_no_applicant_type_field_when_the_procedure_names_none(client, world):
    client.force_login(world.citizen)
    client.post(start_url())
    dossier = Dossier.objects.get()
    url = reverse("dossiers:step", kwargs={"uuid": dossier.uuid, "step": DraftStep.APPLICANT})
    assert 'name="applicant_type_code"' not in client.get(url).content.decode()


# --- organisations -------------------------------------------------------------------------------


@pytest.fixture
def organisation(world):
    from accounts.models import Organisation, OrganisationRepresentative

    org = Organisation.objects.create(
        tax_code="3900123456",
        name="Hợp tác xã Nông nghiệp Tân Biên",
        address="Ấp Thạnh Hòa, xã Tân Biên",
        phone="02763888999",
    )
    director = make_citizen(full_name="Lê Văn Giám Đốc")
    OrganisationRepresentative.objects.create(
        organisation=org, user=director, is_legal_representative=True
    )
    OrganisationRepresentative.objects.create(
        organisation=org, user=world.citizen, valid_from=dt.date(2025, 1, 1)
    )
    return org


def test_an_organisations_draft_is_prefilled_from_the_organisation(world, organisation):
    dossier = svc.dossier_start(
        procedure=world.procedure, user=world.citizen, organisation=organisation
    )
    declared = dossier.applicant_data
    assert (declared["full_name"], declared["id_number"], declared["address"]) == (
        "Hợp tác xã Nông nghiệp Tân Biên",
        "3900123456",
        "Ấp Thạnh Hòa, xã Tân Biên",
    )
    assert declared["organisation"]["legal_representative"] == "Lê Văn Giám Đốc"
    assert ID_NUMBER not in str(declared)  # nothing of the representative's own data
    assert ID_NUMBER not in str(dossier.form_data)


def test_an_organisations_applicant_step_names_it_and_never_writes_a_profile(
    client, world, organisation
):
    dossier = svc.dossier_start(
        procedure=world.procedure, user=world.citizen, organisation=organisation
    )
    client.force_login(world.citizen)
    url = reverse("dossiers:step", kwargs={"uuid": dossier.uuid, "step": "nguoi-nop"})
    page = client.get(url).content.decode()
    assert "Hợp tác xã Nông nghiệp Tân Biên (mã số thuế 3900123456)" in page
    assert "Mã số thuế" in page
    assert "save_to_profile" not in page
    profile_before = world.citizen.profile.full_name
    svc.draft_applicant_save(
        dossier=dossier,
        by=world.citizen,
        data={**dossier.applicant_data, "phone": "0276 3888 999".replace(" ", "")},
        save_to_profile=True,
    )
    world.citizen.profile.refresh_from_db()
    assert world.citizen.profile.full_name == profile_before
    dossier.refresh_from_db()
    assert dossier.applicant_data["organisation"]["tax_code"] == "3900123456"


def test_an_organisations_dossier_is_for_its_current_representatives_only(
    client, world, organisation
):
    import datetime as dt

    from django.utils import timezone

    from accounts.models import OrganisationRepresentative

    dossier = svc.dossier_start(
        procedure=world.procedure, user=world.citizen, organisation=organisation
    )
    url = reverse("dossiers:step", kwargs={"uuid": dossier.uuid, "step": "nguoi-nop"})
    client.force_login(world.citizen)
    assert client.get(url).status_code == 200
    OrganisationRepresentative.objects.filter(user=world.citizen).update(
        valid_to=timezone.localdate() - dt.timedelta(days=1)
    )
    assert client.get(url).status_code == 404  # the one who filed it, once they have left


# --- an organisation's e-form: the person-identity fields are its legal representative's ----------


REPRESENTATIVE_ID = "072090001234"


def _organisation_draft(world, organisation):
    dossier = svc.dossier_start(
        procedure=world.procedure, user=world.citizen, organisation=organisation
    )
    svc.draft_applicant_save(
        dossier=dossier, by=world.citizen, data={**dossier.applicant_data, "phone": PHONE}
    )
    dossier.refresh_from_db()
    return dossier


def test_an_organisations_form_names_its_legal_representative_not_the_filer(world, organisation):
    dossier = svc.dossier_start(
        procedure=world.procedure, user=world.citizen, organisation=organisation
    )
    # the name the organisation's record gives; no ID number from anyone's profile
    assert dossier.form_data == {"full_name": "Lê Văn Giám Đốc"}


def test_the_tax_code_is_not_copied_into_the_personal_id_number_field(world, organisation):
    dossier = _organisation_draft(world, organisation)
    assert dossier.applicant_data["id_number"] == "3900123456"  # the applicant's identifier
    assert "id_number" not in dossier.form_data
    problems = svc.submission_problems(dossier)
    assert any(
        line.startswith("Số định danh cá nhân (của người đại diện theo pháp luật)")
        for line in problems[DraftStep.FIELDS]
    ), problems


def test_an_organisations_draft_with_its_representatives_id_number_is_submitted(
    world, organisation
):
    dossier = _organisation_draft(world, organisation)
    svc.draft_fields_save(
        dossier=dossier,
        by=world.citizen,
        data={
            **dossier.form_data,
            "id_number": REPRESENTATIVE_ID,
            "new_address": "34 Trần Hưng Đạo",
        },
    )
    dossier.refresh_from_db()
    assert dossier.form_data["id_number"] == REPRESENTATIVE_ID
    assert dossier.form_data["full_name"] == "Lê Văn Giám Đốc"
    # saving the applicant step again leaves the representative's answers alone
    svc.draft_applicant_save(
        dossier=dossier, by=world.citizen, data={**dossier.applicant_data, "phone": PHONE}
    )
    dossier.refresh_from_db()
    assert dossier.form_data["id_number"] == REPRESENTATIVE_ID
    assert svc.submission_problems(dossier).get(DraftStep.FIELDS) is None
    fill_draft(dossier, world.citizen)
    svc.dossier_submit_online(dossier=dossier, by=world.citizen, declaration=True)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.applicant_data["id_number"] == "3900123456"


def test_a_tax_code_typed_as_the_representatives_id_number_is_refused(world, organisation):
    dossier = _organisation_draft(world, organisation)
    with pytest.raises(ApplicationError) as refused:
        svc.draft_fields_save(
            dossier=dossier,
            by=world.citizen,
            data={"id_number": "3900123456", "new_address": "34 Trần Hưng Đạo"},
        )
    assert "id_number" in refused.value.extra["errors"]


def test_the_organisations_fields_step_asks_the_representatives_identity(
    client, world, organisation
):
    dossier = _organisation_draft(world, organisation)
    client.force_login(world.citizen)
    url = reverse("dossiers:step", kwargs={"uuid": dossier.uuid, "step": DraftStep.FIELDS})
    page = client.get(url).content.decode()
    assert "Số định danh cá nhân (của người đại diện theo pháp luật)" in page
    assert "Họ, chữ đệm và tên (của người đại diện theo pháp luật)" in page
    assert 'value="Lê Văn Giám Đốc"' in page
    response = client.post(
        url,
        {
            "full_name": "Lê Văn Giám Đốc",
            "id_number": REPRESENTATIVE_ID,
            "new_address": "34 Trần Hưng Đạo",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.form_data["id_number"] == REPRESENTATIVE_ID


def test_a_persons_draft_still_takes_the_id_number_from_the_applicant_step(world):
    dossier = svc.dossier_start(procedure=world.procedure, user=world.citizen)
    fill_draft(dossier, world.citizen)
    from dossiers import eform

    specs = list(world.procedure.form_fields.all())
    assert set(eform.answered_by_applicant(specs)) == {"full_name", "id_number"}
    assert set(eform.answered_by_applicant(specs, organisation=True)) == set()


def test_the_demo_residence_form_for_an_organisation(world, organisation):
    """The e-form the demo configures on the national procedure 1.004222 (procedures.demo)."""
    from dossiers import eform
    from procedures.demo import _configure_residence

    world.procedure.form_fields.all().delete()
    _configure_residence()
    specs = list(world.procedure.form_fields.all())
    assert set(eform.answered_by_applicant(specs, organisation=True)) == {"phone", "email"}
    dossier = _organisation_draft(world, organisation)
    assert dossier.form_data["phone"] == PHONE  # the organisation's contact, from step 1
    svc.draft_fields_save(
        dossier=dossier,
        by=world.citizen,
        data={
            **dossier.form_data,
            "id_number": REPRESENTATIVE_ID,
            "new_address": "34 Trần Hưng Đạo",
        },
    )
    dossier.refresh_from_db()
    assert svc.submission_problems(dossier).get(DraftStep.FIELDS) is None


def test_the_officer_reads_whose_id_number_it_is(world, organisation):
    from dossiers.selectors import form_rows

    dossier = _organisation_draft(world, organisation)
    svc.draft_fields_save(
        dossier=dossier,
        by=world.citizen,
        data={
            **dossier.form_data,
            "id_number": REPRESENTATIVE_ID,
            "new_address": "34 Trần Hưng Đạo",
        },
    )
    dossier.refresh_from_db()
    rows = dict(form_rows(dossier=dossier))
    assert rows["Số định danh cá nhân (của người đại diện theo pháp luật)"] == REPRESENTATIVE_ID
    assert rows["Địa chỉ đăng ký thường trú"] == "34 Trần Hưng Đạo"
    person = svc.dossier_start(procedure=world.procedure, user=world.citizen)
    assert "Số định danh cá nhân" in dict(form_rows(dossier=person))
