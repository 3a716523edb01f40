"""Who may act on which dossier, and the guards dossiers answers itself."""

import datetime as dt

import pytest

from accounts.constants import Role
from accounts.models import OrganisationRepresentative
from accounts.tests.factories import OrganisationFactory, UserFactory
from agencies.tests.factories import AgencyFactory
from dossiers.constants import Actor, ComponentSource, DossierStatus, EventKind
from dossiers.hooks import dossier_agency_scopes
from dossiers.services import dossier_event_record, dossier_submit, dossier_transition
from dossiers.tests.factories import (
    add_membership,
    make_cast,
    make_draft,
    make_mandated_draft,
    place_in,
)
from dossiers.workflow import TransitionNotAllowed

S = DossierStatus
A = Actor
pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make_cast()


@pytest.fixture
def submitted(cast):
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen)
    return dossier


def refused_code(**kwargs):
    with pytest.raises(TransitionNotAllowed) as refused:
        dossier_transition(**kwargs)
    return refused.value.code


def test_a_role_the_edge_does_not_name_is_refused(cast, submitted):
    code = refused_code(
        dossier=submitted, to=S.RECEIVED, by=cast.staff[A.AGENCY_HEAD], role=A.AGENCY_HEAD
    )
    assert code == "role_not_allowed"


def test_staff_must_hold_the_role_in_the_dossiers_agency(cast, submitted):
    outsider = UserFactory(roles=[Role.RECEPTION_OFFICER])
    add_membership(outsider, AgencyFactory(name="UBND xã Khác"), Role.RECEPTION_OFFICER)
    assert refused_code(
        dossier=submitted, to=S.RECEIVED, by=outsider, role=A.RECEPTION_OFFICER
    ) == ("actor_not_allowed")
    # A reception officer of the competent agency is not the one-stop unit that received it.
    competent_side = UserFactory()
    add_membership(competent_side, cast.competent, Role.RECEPTION_OFFICER)
    assert refused_code(
        dossier=submitted, to=S.RECEIVED, by=competent_side, role=A.RECEPTION_OFFICER
    ) == ("actor_not_allowed")
    # Holding another role in the right agency is not enough either.
    head = cast.staff[A.AGENCY_HEAD]
    add_membership(head, cast.receiving, Role.AGENCY_HEAD)
    assert refused_code(dossier=submitted, to=S.RECEIVED, by=head, role=A.RECEPTION_OFFICER) == (
        "actor_not_allowed"
    )


def test_an_expired_membership_no_longer_counts(cast, submitted):
    officer = cast.staff[A.RECEPTION_OFFICER]
    officer.memberships.update(valid_to=dt.date(2025, 12, 31))
    assert refused_code(dossier=submitted, to=S.RECEIVED, by=officer, role=A.RECEPTION_OFFICER) == (
        "actor_not_allowed"
    )


def test_a_registered_agency_scope_lets_a_participating_agency_record_but_not_move(cast, submitted):
    participant = AgencyFactory(name="Công an tỉnh Tây Ninh")
    officer = UserFactory()
    add_membership(officer, participant, Role.PROCESSING_OFFICER)
    place_in(submitted, S.CONSULTING)
    kwargs = {"dossier": submitted, "to": S.APPRAISING, "by": officer, "role": A.PROCESSING_OFFICER}
    note = {
        "dossier": submitted,
        "kind": EventKind.NOTE,
        "by": officer,
        "role": A.PROCESSING_OFFICER,
    }
    with pytest.raises(TransitionNotAllowed):
        dossier_event_record(**note, note="Ý kiến của Công an tỉnh")
    dossier_agency_scopes.register("test-participants")(lambda dossier, role: [participant.pk])
    try:
        event = dossier_event_record(**note, note="Ý kiến của Công an tỉnh")
        # A routed agency takes part in the history, never in the dossier's status.
        assert refused_code(**kwargs) == "actor_not_allowed"
    finally:
        del dossier_agency_scopes._items["test-participants"]
    assert event.agency == participant


def test_only_the_applicant_submitter_or_representative_acts_as_citizen(cast):
    organisation = OrganisationFactory()
    representative = UserFactory(roles=[Role.CITIZEN])
    OrganisationRepresentative.objects.create(organisation=organisation, user=representative)
    dossier = make_draft(cast, organisation=organisation)
    stranger = UserFactory(roles=[Role.CITIZEN])
    assert (
        refused_code(dossier=dossier, to=S.SUBMITTED, by=stranger, role=A.CITIZEN)
        == "actor_not_allowed"
    )
    assert refused_code(dossier=dossier, to=S.SUBMITTED, by=None, role=A.CITIZEN) == "no_actor"
    event = dossier_submit(dossier=dossier, by=representative)
    assert event.actor == representative


def test_a_community_helper_acts_only_on_what_they_submitted(cast):
    own = make_mandated_draft(cast)
    other = make_draft(cast)
    assert refused_code(dossier=other, to=S.SUBMITTED, by=cast.helper, role=A.COMMUNITY_HELPER) == (
        "actor_not_allowed"
    )
    event = dossier_submit(
        dossier=own, by=cast.helper, role=A.COMMUNITY_HELPER, on_behalf_of=cast.citizen
    )
    assert (event.actor, event.on_behalf_of, event.role) == (
        cast.helper,
        cast.citizen,
        A.COMMUNITY_HELPER,
    )


def test_inactive_users_cannot_act(cast, submitted):
    officer = cast.staff[A.RECEPTION_OFFICER]
    officer.is_active = False
    officer.save()
    assert (
        refused_code(dossier=submitted, to=S.RECEIVED, by=officer, role=A.RECEPTION_OFFICER)
        == "no_actor"
    )


def test_required_documents_must_be_present_to_submit(cast):
    dossier = make_draft(
        cast,
        components=[
            {"requirement_code": "TK01", "requirement_name": "Tờ khai", "document_uuid": None},
            {
                "requirement_code": "CC",
                "requirement_name": "Căn cước",
                "source": ComponentSource.STATE_HOLDS,
            },
            {"requirement_code": "GT", "requirement_name": "Giấy tờ khác", "is_required": False},
        ],
    )
    with pytest.raises(
        TransitionNotAllowed, match=r"Còn thiếu thành phần hồ sơ: Tờ khai\."
    ) as refused:
        dossier_submit(dossier=dossier, by=cast.citizen)
    assert refused.value.code == "guard_refused"
    assert dossier.status == S.DRAFT
    assert dossier.code is None
    component = dossier.components.get(requirement_code="TK01")
    component.source = ComponentSource.REUSED
    component.document_uuid = "6f1c1f8e-5a55-4c9b-9a55-0d5f3c1f9a10"
    component.save()
    dossier_submit(dossier=dossier, by=cast.citizen)
    assert dossier.status == S.SUBMITTED


def test_agencies_must_be_known_to_submit(cast):
    dossier = make_draft(cast, competent_agency=None)
    with pytest.raises(TransitionNotAllowed, match="cơ quan giải quyết"):
        dossier_submit(dossier=dossier, by=cast.citizen)


def test_a_form_other_than_the_tables_is_refused(cast, submitted):
    officer = cast.staff[A.RECEPTION_OFFICER]
    code = refused_code(
        dossier=submitted, to=S.RECEIVED, by=officer, role=A.RECEPTION_OFFICER, form_code="03"
    )
    assert code == "wrong_form"
    event = dossier_transition(
        dossier=submitted, to=S.RECEIVED, by=officer, role=A.RECEPTION_OFFICER, form_code="01"
    )
    assert event.form_code == "01"


def test_result_kind_only_where_the_table_asks_for_it(cast, submitted):
    officer = cast.staff[A.RECEPTION_OFFICER]
    code = refused_code(
        dossier=submitted,
        to=S.RECEIVED,
        by=officer,
        role=A.RECEPTION_OFFICER,
        result_kind="positive",
    )
    assert code == "result_kind_not_expected"


def test_a_code_from_the_national_portal_is_kept(cast):
    dossier = make_draft(cast, channel="national_portal")
    dossier_submit(dossier=dossier, by=None, role=A.SYSTEM, code="G22.99-261005-0042")
    assert dossier.code == "G22.99-261005-0042"
    assert dossier.events.get().data["code"] == "G22.99-261005-0042"
