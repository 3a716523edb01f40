import datetime as dt
from io import StringIO

from django.urls import reverse

import pytest

from accounts.constants import Role
from accounts.tests.factories import UserFactory, login_with_mfa
from agencies import demo
from agencies.constants import CalendarDayKind, CalendarOrigin
from agencies.models import Agency, CalendarOverride, StaffMembership
from agencies.seeding import seed_agencies
from common.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    login_with_mfa(client, admin)
    return client


class TestDemo:
    def test_demo_staff_are_attached_to_their_agencies_when_they_exist(self):
        for email, _role, _code in demo.DEMO_MEMBERSHIPS:
            UserFactory(email=email)
        out = StringIO()
        demo.seed(out)
        demo.seed(out)  # idempotent
        memberships = StaffMembership.objects.select_related("user", "agency")
        got = {(m.user.email, m.role, m.agency.code) for m in memberships}
        assert got == {(e, r.value, c) for e, r, c in demo.DEMO_MEMBERSHIPS}
        head = memberships.get(role=Role.AGENCY_HEAD, agency__code=demo.JUSTICE)
        assert head.agency.name == "Sở Tư pháp"
        ward = memberships.get(role=Role.RECEPTION_OFFICER, agency__code=demo.DEMO_WARD)
        assert ward.agency.commune_code == demo.DEMO_WARD_COMMUNE_CODE
        assert head.user.groups.filter(name=Role.AGENCY_HEAD).exists()
        assert f"demo staff attached: {len(demo.DEMO_MEMBERSHIPS)}" in out.getvalue()

    def test_missing_demo_users_are_skipped(self):
        UserFactory(email="tiepnhan@demo.tayninh.gov.vn")
        out = StringIO()
        assert demo.seed(out) == []
        # the reception officer's two desks: the province centre and the demo citizen's ward
        assert StaffMembership.objects.count() == 2
        assert Agency.objects.filter(commune_code__gt="").count() == 96
        assert CalendarOverride.objects.filter(date=dt.date(2026, 8, 22)).exists()


class TestAdmin:
    def test_the_changelists_open(self, admin_client):
        seed_agencies()
        for model in ("agency", "staffmembership", "calendaroverride"):
            response = admin_client.get(reverse(f"admin:agencies_{model}_changelist"))
            assert response.status_code == 200, model
        response = admin_client.get(reverse("admin:agencies_agency_changelist"), {"q": "Tư pháp"})
        assert "Sở Tư pháp" in response.content.decode()

    def test_an_override_added_in_the_admin_is_manual_and_audited(self, admin_client):
        response = admin_client.post(
            reverse("admin:agencies_calendaroverride_add"),
            {
                "date": "2026-12-31",
                "kind": CalendarDayKind.HOLIDAY,
                "name": "Nghỉ cuối năm (thử nghiệm)",
                "source_document": "Thông báo thử nghiệm",
            },
        )
        assert response.status_code == 302
        row = CalendarOverride.objects.get(date=dt.date(2026, 12, 31))
        assert row.origin == CalendarOrigin.MANUAL
        assert AuditEvent.objects.filter(
            action="agencies.calendar.created", object_id=str(row.uuid)
        ).exists()

    def test_the_calendar_refuses_impossible_days_with_a_message(self, admin_client):
        url = reverse("admin:agencies_calendaroverride_add")
        wednesday = {"date": "2026-12-09", "name": "Làm bù (nhầm)", "source_document": "x"}
        response = admin_client.post(url, {**wednesday, "kind": CalendarDayKind.WORKING_DAY})
        assert response.status_code == 200
        assert "Ngày làm bù phải là thứ Bảy hoặc Chủ nhật: 09/12/2026 là Thứ Tư" in (
            response.content.decode()
        )
        sunday = {"date": "2026-12-13", "name": "Lễ (thử)", "kind": CalendarDayKind.HOLIDAY}
        response = admin_client.post(url, sunday)
        assert response.status_code == 200
        assert "13/12/2026 là Chủ nhật, vốn đã là ngày nghỉ" in response.content.decode()
        assert not CalendarOverride.objects.exists()
        # Confirmed, the weekend holiday is kept; a make-up Saturday is accepted as it is.
        assert admin_client.post(url, {**sunday, "confirm_weekend": "on"}).status_code == 302
        saturday = {**wednesday, "date": "2026-12-12", "kind": CalendarDayKind.WORKING_DAY}
        assert admin_client.post(url, saturday).status_code == 302
        assert CalendarOverride.objects.count() == 2

    def test_the_user_page_names_roles_in_vietnamese_and_lists_assignments(self, admin_client):
        seed_agencies()
        user = UserFactory()
        justice = Agency.objects.get(code="000.00.03.H59")
        admin_client.post(
            reverse("admin:agencies_staffmembership_add"),
            {
                "user": user.pk,
                "agency": justice.pk,
                "role": Role.AGENCY_HEAD,
                "valid_from": "2026-01-01",
            },
        )
        page = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk]))
        html = page.content.decode()
        assert "Lãnh đạo cơ quan" in html
        assert justice.name in html
        assert 'name="groups"' not in html  # roles come with an assignment, set in one place
        assert "agency_head" not in html

    def test_the_admin_speaks_vietnamese(self, admin_client):
        page = admin_client.get(reverse("admin:index")).content.decode()
        assert "Model name" not in page
        assert "Add link" not in page
        response = admin_client.post(reverse("admin:agencies_calendaroverride_add"), {})
        assert "Vui lòng sửa các lỗi dưới đây." in response.content.decode()
        assert "Please correct" not in response.content.decode()

    def test_a_membership_added_in_the_admin_goes_through_the_service(self, admin_client):
        seed_agencies()
        user = UserFactory()
        justice = Agency.objects.get(code="000.00.03.H59")
        response = admin_client.post(
            reverse("admin:agencies_staffmembership_add"),
            {
                "user": user.pk,
                "agency": justice.pk,
                "role": Role.PROCESSING_OFFICER,
                "valid_from": "2026-01-01",
            },
        )
        assert response.status_code == 302
        assert StaffMembership.objects.filter(user=user, agency=justice).exists()
        assert user.groups.filter(name=Role.PROCESSING_OFFICER).exists()
        assert AuditEvent.objects.filter(action="agencies.membership.added").exists()

    def test_a_citizen_role_is_refused_on_the_form_with_a_message(self, admin_client):
        seed_agencies()
        user = UserFactory()
        justice = Agency.objects.get(code="000.00.03.H59")
        response = admin_client.post(
            reverse("admin:agencies_staffmembership_add"),
            {
                "user": user.pk,
                "agency": justice.pk,
                "role": Role.CITIZEN,
                "valid_from": "2026-01-01",
            },
        )
        assert response.status_code == 200
        assert "Vai trò này không phải vai trò cán bộ." in response.content.decode()
        assert not StaffMembership.objects.exists()

    def test_the_end_today_action_ends_memberships(self, admin_client):
        seed_agencies()
        user = UserFactory()
        justice = Agency.objects.get(code="000.00.03.H59")
        from agencies.services import staff_membership_add

        membership = staff_membership_add(
            user=user, agency=justice, role=Role.RECORDS_CLERK, valid_from=dt.date(2026, 1, 1)
        )
        response = admin_client.post(
            reverse("admin:agencies_staffmembership_changelist"),
            {"action": "end_today", "_selected_action": [membership.pk]},
        )
        assert response.status_code == 302
        membership.refresh_from_db()
        assert membership.valid_to is not None
