"""The agency tree, validity dates, successor links and staff membership."""

import datetime as dt

from django.contrib.auth.models import Group
from django.db import IntegrityError

import pytest

from accounts.constants import Role
from accounts.tests.factories import UserFactory
from agencies.constants import AgencyKind, AgencyLevel
from agencies.models import Agency, StaffMembership
from agencies.seeding import seed_agencies
from agencies.selectors import (
    agencies_valid_on,
    agency_current,
    agency_for_commune_code,
    agency_tree,
    staff_agencies,
)
from agencies.services import (
    agency_succeed,
    staff_membership_add,
    staff_membership_end,
)
from agencies.tests.factories import AgencyFactory, CommuneFactory
from common.exceptions import ApplicationError
from common.models import AuditEvent

pytestmark = pytest.mark.django_db

D = dt.date


class TestValidity:
    def test_valid_on_keeps_only_agencies_in_force_that_day(self):
        old = AgencyFactory(valid_from=D(2020, 1, 1), valid_to=D(2025, 6, 30))
        current = AgencyFactory(valid_from=D(2025, 7, 1))
        future = AgencyFactory(valid_from=D(2027, 1, 1))
        assert set(agencies_valid_on(D(2025, 6, 30))) == {old}
        assert set(agencies_valid_on(D(2025, 7, 1))) == {current}
        assert set(agencies_valid_on(D(2027, 1, 1))) == {current, future}

    def test_the_last_day_is_inclusive(self):
        agency = AgencyFactory(valid_from=D(2025, 1, 1), valid_to=D(2025, 1, 31))
        assert agency in agencies_valid_on(D(2025, 1, 31))
        assert agency not in agencies_valid_on(D(2025, 2, 1))

    def test_an_agency_cannot_end_before_it_starts(self):
        with pytest.raises(IntegrityError):
            AgencyFactory(valid_from=D(2025, 7, 1), valid_to=D(2025, 6, 1))


class TestTree:
    def test_the_seeded_tree_has_the_province_at_the_root(self):
        seed_agencies()
        roots = agency_tree(D(2026, 3, 2))
        assert [node.agency.code for node in roots] == ["000.00.00.H59"]
        province = roots[0]
        children = {node.agency.name: node for node in province.children}
        assert "Sở Tư pháp" in children
        assert "Phường Tân Ninh" in children
        office = children["Văn phòng Ủy ban nhân dân tỉnh"]
        centre = office.children[0]
        assert centre.agency.kind == AgencyKind.SERVICE_CENTRE
        assert [n.agency.kind for n in centre.children] == [AgencyKind.RECEPTION_POINT] * 2
        assert len([n for n in province.children if n.agency.level == AgencyLevel.COMMUNE]) == 96
        assert sum(1 for _ in province.walk()) == Agency.objects.count()

    def test_departments_come_before_communes(self):
        seed_agencies()
        names = [node.agency.name for node in agency_tree(D(2026, 3, 2))[0].children]
        assert names.index("Sở Tư pháp") < names.index("Phường Tân Ninh")

    def test_the_tree_on_a_date_before_the_reform_leaves_out_the_new_agencies(self):
        seed_agencies()
        old = AgencyFactory(name="UBND tỉnh Tây Ninh (cũ)", valid_from=D(2008, 1, 1))
        old.valid_to = D(2025, 6, 30)
        old.save()
        assert [node.agency for node in agency_tree(D(2025, 6, 1))] == [old]

    def test_a_child_whose_parent_has_closed_is_shown_as_a_root(self):
        parent = AgencyFactory(valid_from=D(2020, 1, 1), valid_to=D(2025, 6, 30))
        child = AgencyFactory(parent=parent, valid_from=D(2020, 1, 1))
        assert [node.agency for node in agency_tree(D(2026, 1, 1))] == [child]


class TestSuccession:
    def test_succeed_closes_the_old_agency_and_links_the_successor(self):
        old = CommuneFactory(valid_from=D(2025, 7, 1))
        new = CommuneFactory(valid_from=D(2026, 9, 1))
        agency_succeed(old=old, new=new, on_date=D(2026, 9, 1))
        old.refresh_from_db()
        assert old.valid_to == D(2026, 8, 31)
        assert old.successor == new
        assert old in agencies_valid_on(D(2026, 8, 31))
        assert old not in agencies_valid_on(D(2026, 9, 1))
        assert agency_current(old, D(2026, 9, 1)) == new
        assert agency_current(old, D(2026, 8, 1)) == old
        event = AuditEvent.objects.get(action="agencies.agency.succeeded")
        assert event.data == {"successor": new.code, "on_date": "2026-09-01"}

    def test_a_merged_communes_code_leads_to_its_successor(self):
        old = CommuneFactory(commune_code="99001", valid_from=D(2025, 7, 1))
        new = CommuneFactory(commune_code="99002", valid_from=D(2026, 9, 1))
        agency_succeed(old=old, new=new, on_date=D(2026, 9, 1))
        assert agency_for_commune_code("99001", on=D(2026, 8, 31)) == old
        assert agency_for_commune_code("99001", on=D(2026, 10, 1)) == new

    def test_successor_chains_are_followed_to_the_end(self):
        first = AgencyFactory(valid_from=D(2020, 1, 1))
        second = AgencyFactory(valid_from=D(2022, 1, 1))
        third = AgencyFactory(valid_from=D(2024, 1, 1))
        agency_succeed(old=first, new=second, on_date=D(2022, 1, 1))
        agency_succeed(old=second, new=third, on_date=D(2024, 1, 1))
        first.refresh_from_db()
        assert agency_current(first, D(2025, 1, 1)) == third

    def test_an_agency_cannot_succeed_itself(self):
        agency = AgencyFactory(valid_from=D(2020, 1, 1))
        with pytest.raises(ApplicationError) as error:
            agency_succeed(old=agency, new=agency, on_date=D(2026, 1, 1))
        assert error.value.code == "self_successor"

    def test_a_cycle_is_refused(self):
        a = AgencyFactory(valid_from=D(2020, 1, 1))
        b = AgencyFactory(valid_from=D(2020, 1, 1))
        agency_succeed(old=a, new=b, on_date=D(2024, 1, 1))
        with pytest.raises(ApplicationError) as error:
            agency_succeed(old=b, new=a, on_date=D(2023, 1, 1))
        assert error.value.code in {"cycle", "successor_not_valid"}
        b.refresh_from_db()
        assert b.successor is None
        assert b.valid_to is None

    def test_the_successor_must_be_in_force_on_the_date(self):
        old = AgencyFactory(valid_from=D(2020, 1, 1))
        new = AgencyFactory(valid_from=D(2027, 1, 1))
        with pytest.raises(ApplicationError) as error:
            agency_succeed(old=old, new=new, on_date=D(2026, 1, 1))
        assert error.value.code == "successor_not_valid"

    def test_the_date_must_fall_after_the_old_agency_started(self):
        old = AgencyFactory(valid_from=D(2025, 7, 1))
        new = AgencyFactory(valid_from=D(2025, 1, 1))
        with pytest.raises(ApplicationError) as error:
            agency_succeed(old=old, new=new, on_date=D(2025, 7, 1))
        assert error.value.code == "too_early"

    def test_a_second_different_successor_is_refused(self):
        old = AgencyFactory(valid_from=D(2020, 1, 1))
        agency_succeed(old=old, new=AgencyFactory(valid_from=D(2020, 1, 1)), on_date=D(2025, 1, 1))
        with pytest.raises(ApplicationError) as error:
            agency_succeed(
                old=old, new=AgencyFactory(valid_from=D(2020, 1, 1)), on_date=D(2025, 2, 1)
            )
        assert error.value.code == "already_succeeded"


class TestCommuneLookup:
    def test_codes_are_zero_padded_strings(self):
        seed_agencies()
        assert agency_for_commune_code("25459").name == "Phường Tân Ninh"
        assert agency_for_commune_code(25459).name == "Phường Tân Ninh"
        assert agency_for_commune_code(" 27694 ").name == "Phường Long An"

    def test_unknown_or_malformed_codes_give_none(self):
        seed_agencies()
        assert agency_for_commune_code("00004") is None  # Ba Đình, Hà Nội: not ours
        assert agency_for_commune_code("abc") is None
        assert agency_for_commune_code("1234567") is None

    def test_a_commune_before_it_existed_is_not_found(self):
        seed_agencies()
        assert agency_for_commune_code("25459", on=D(2025, 6, 30)) is None


class TestMembership:
    def test_adding_a_membership_grants_the_role_group_and_is_audited(self):
        user = UserFactory()
        agency = AgencyFactory()
        membership = staff_membership_add(
            user=user, agency=agency, role=Role.RECEPTION_OFFICER, valid_from=D(2026, 1, 1)
        )
        assert membership.role == Role.RECEPTION_OFFICER
        assert user.groups.filter(name=Role.RECEPTION_OFFICER).exists()
        event = AuditEvent.objects.get(action="agencies.membership.added")
        assert event.object_id == str(membership.uuid)
        assert event.data["agency"] == agency.code

    def test_adding_the_same_open_membership_again_returns_it(self):
        user, agency = UserFactory(), AgencyFactory()
        first = staff_membership_add(user=user, agency=agency, role=Role.PROCESSING_OFFICER)
        again = staff_membership_add(user=user, agency=agency, role=Role.PROCESSING_OFFICER)
        assert first.pk == again.pk
        assert StaffMembership.objects.count() == 1
        assert AuditEvent.objects.filter(action="agencies.membership.added").count() == 1

    def test_a_citizen_role_is_not_a_staff_membership(self):
        with pytest.raises(ApplicationError) as error:
            staff_membership_add(user=UserFactory(), agency=AgencyFactory(), role=Role.CITIZEN)
        assert error.value.code == "not_staff_role"
        assert not Group.objects.filter(name=Role.CITIZEN, user__isnull=False).exists()

    def test_a_closed_agency_takes_no_new_members(self):
        closed = AgencyFactory(valid_from=D(2020, 1, 1), valid_to=D(2025, 6, 30))
        with pytest.raises(ApplicationError) as error:
            staff_membership_add(
                user=UserFactory(),
                agency=closed,
                role=Role.AGENCY_HEAD,
                valid_from=D(2026, 1, 1),
            )
        assert error.value.code == "agency_not_valid"

    def test_staff_agencies_lists_the_users_agencies_filtered_by_role(self):
        user = UserFactory()
        justice, centre, other = AgencyFactory(), AgencyFactory(), AgencyFactory()
        staff_membership_add(user=user, agency=justice, role=Role.PROCESSING_OFFICER)
        staff_membership_add(user=user, agency=centre, role=Role.RECEPTION_OFFICER)
        staff_membership_add(user=UserFactory(), agency=other, role=Role.PROCESSING_OFFICER)
        assert set(staff_agencies(user)) == {justice, centre}
        assert list(staff_agencies(user, role=Role.RECEPTION_OFFICER)) == [centre]
        assert list(staff_agencies(user, role=Role.AGENCY_HEAD)) == []

    def test_ending_a_membership_removes_the_agency_after_the_end_date(self):
        user, agency = UserFactory(), AgencyFactory()
        membership = staff_membership_add(
            user=user, agency=agency, role=Role.RECORDS_CLERK, valid_from=D(2026, 1, 1)
        )
        staff_membership_end(membership=membership, on_date=D(2026, 6, 30))
        assert list(staff_agencies(user, on=D(2026, 6, 30))) == [agency]
        assert list(staff_agencies(user, on=D(2026, 7, 1))) == []
        event = AuditEvent.objects.get(action="agencies.membership.ended")
        assert event.data["valid_to"] == "2026-06-30"

    def test_a_membership_ends_once_and_not_before_it_starts(self):
        membership = staff_membership_add(
            user=UserFactory(),
            agency=AgencyFactory(),
            role=Role.RECORDS_CLERK,
            valid_from=D(2026, 1, 1),
        )
        with pytest.raises(ApplicationError):
            staff_membership_end(membership=membership, on_date=D(2025, 12, 31))
        staff_membership_end(membership=membership, on_date=D(2026, 2, 1))
        with pytest.raises(ApplicationError):
            staff_membership_end(membership=membership, on_date=D(2026, 3, 1))

    def test_an_ended_role_can_be_given_again_later(self):
        user, agency = UserFactory(), AgencyFactory()
        first = staff_membership_add(
            user=user, agency=agency, role=Role.AGENCY_HEAD, valid_from=D(2025, 7, 1)
        )
        staff_membership_end(membership=first, on_date=D(2025, 12, 31))
        second = staff_membership_add(
            user=user, agency=agency, role=Role.AGENCY_HEAD, valid_from=D(2026, 3, 1)
        )
        assert second.pk != first.pk
        assert list(staff_agencies(user, on=D(2026, 1, 15))) == []
        assert list(staff_agencies(user, on=D(2026, 3, 1))) == [agency]

    def test_staff_agencies_leaves_out_agencies_that_have_closed(self):
        user = UserFactory()
        agency = AgencyFactory(valid_from=D(2025, 7, 1))
        staff_membership_add(
            user=user, agency=agency, role=Role.PROCESSING_OFFICER, valid_from=D(2025, 7, 1)
        )
        agency_succeed(
            old=agency, new=AgencyFactory(valid_from=D(2025, 7, 1)), on_date=D(2026, 1, 1)
        )
        assert list(staff_agencies(user, on=D(2025, 12, 31))) == [agency]
        assert list(staff_agencies(user, on=D(2026, 1, 1))) == []

    def test_an_anonymous_user_has_no_agencies(self):
        from django.contrib.auth.models import AnonymousUser

        assert list(staff_agencies(AnonymousUser())) == []
