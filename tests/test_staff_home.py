"""The staff home ("Việc của tôi", issue #20): every staff role lands on its work after sign-in,
sees counts and what is overdue, and every door it is shown opens (no link answers 403)."""

import datetime as dt
import re

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.adapters import AccountAdapter
from accounts.constants import Role
from accounts.tests.factories import UserFactory, login_with_mfa
from agencies.tests.factories import AgencyFactory
from dossiers.constants import DossierStatus
from dossiers.services import dossier_submit
from dossiers.tests.factories import add_membership, make_cast, make_draft, place_in

pytestmark = pytest.mark.django_db

S = DossierStatus


def _landing(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return AccountAdapter(request).get_login_redirect_url(request)


def _doors(html: str) -> list[str]:
    """The links of the home's door cards and queue list."""
    return re.findall(r'<a class="card[^"]*"\s+href="([^"]+)"', html) + re.findall(
        r'<li class="list-group-item[^>]*>\s*<a href="([^"]+)"', html
    )


def test_staff_land_on_their_work_and_citizens_on_their_own_page():
    cast = make_cast()
    operator = UserFactory(roles=[Role.HELPDESK_OFFICER])
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN], is_staff=True, is_superuser=True)
    for user in (*cast.staff.values(), operator, admin):
        assert _landing(user) == reverse("portal:work")
    assert _landing(cast.citizen) == reverse("portal:my_page")


def test_a_citizen_has_no_staff_home(client):
    cast = make_cast()
    client.force_login(cast.citizen)
    response = client.get(reverse("portal:work"))
    assert response.status_code == 302
    assert response.url == reverse("portal:my_page")


def test_the_reception_officer_sees_queues_counts_and_the_overdue_dossier(client):
    cast = make_cast()
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen)
    late = make_draft(cast)
    dossier_submit(dossier=late, by=cast.citizen)
    place_in(late, S.RECEIVED, due_at=timezone.now() - dt.timedelta(days=2))
    officer = cast.staff[Role.RECEPTION_OFFICER]
    login_with_mfa(client, officer)

    html = client.get(reverse("portal:work")).content.decode()

    assert reverse("office:queue", args=["tiep-nhan"]) in html
    assert reverse("office:counter") in html
    assert "1 hồ sơ quá hạn" in html
    assert late.code in html  # listed under "Quá hạn" with a link to its page
    assert reverse("office:detail", kwargs={"uuid": late.uuid}) in html
    # The header shows both doors to an office officer.
    assert 'href="/viec-cua-toi/"' in html
    assert 'href="/office/"' in html


def test_the_1022_operator_gets_the_helpdesk_and_no_office_door(client):
    operator = UserFactory(roles=[Role.HELPDESK_OFFICER])
    login_with_mfa(client, operator)
    html = client.get(reverse("portal:work")).content.decode()
    assert reverse("helpdesk:queue") in html
    assert reverse("helpdesk:question_queue") in html
    assert 'href="/office/"' not in html  # the office would answer 403


def test_the_administrator_gets_the_admin_site_and_the_statistics(client):
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN], is_staff=True, is_superuser=True)
    login_with_mfa(client, admin)
    html = client.get(reverse("portal:work")).content.decode()
    assert reverse("admin:index") in html
    assert reverse("metrics_office:dashboard") in html
    assert 'href="/office/"' not in html


@pytest.mark.parametrize(
    "role",
    [
        Role.RECEPTION_OFFICER,
        Role.PROCESSING_OFFICER,
        Role.AGENCY_HEAD,
        Role.RECORDS_CLERK,
        Role.ONESTOP_SUPERVISOR,
        Role.HELPDESK_OFFICER,
        Role.SYSTEM_ADMIN,
    ],
)
def test_every_door_shown_opens(client, role):
    user = UserFactory(roles=[role], is_staff=role == Role.SYSTEM_ADMIN)
    if role != Role.HELPDESK_OFFICER and role != Role.SYSTEM_ADMIN:
        add_membership(user, AgencyFactory(), role)
    login_with_mfa(client, user)
    html = client.get(reverse("portal:work")).content.decode()
    doors = _doors(html)
    assert doors, f"{role} has nowhere to go"
    for url in doors:
        response = client.get(url)
        assert response.status_code == 200, (role, url, response.status_code)


def test_the_supervisor_home_links_the_national_sync_failures(client, settings):
    """Issue #26: the list of dossiers the National Portal has not taken had no link."""
    from integrations.constants import Provider, SyncStatus
    from integrations.models import SyncState

    settings.DVCQG_ENABLED = False
    cast = make_cast()
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen)
    SyncState.objects.update_or_create(
        dossier=dossier, provider=Provider.DVCQG, defaults={"status": SyncStatus.FAILED}
    )
    supervisor = cast.staff[Role.ONESTOP_SUPERVISOR]
    login_with_mfa(client, supervisor)
    page = client.get(reverse("portal:work")).content.decode()
    failures = reverse("integrations:sync_failures")
    assert failures in _doors(page)
    assert "Đang chờ: 1" in page.split('id="door-sync_failures"')[1].split("</li>")[0]
    assert client.get(failures).status_code == 200
    # a processing officer has no such door (the page would answer 404)
    login_with_mfa(client, cast.staff[Role.PROCESSING_OFFICER])
    assert failures not in client.get(reverse("portal:work")).content.decode()


def test_the_head_sees_the_extension_proposals_waiting(client):
    from dossiers import services as svc

    cast = make_cast()
    due = timezone.now() + dt.timedelta(days=10)
    dossier = place_in(make_draft(cast), S.APPRAISING, due_at=due, due_at_original=due)
    svc.extension_propose(
        dossier=dossier,
        by=cast.staff[Role.PROCESSING_OFFICER],
        new_due_at=due + dt.timedelta(days=5),
        reason="Chờ xác minh.",
    )
    login_with_mfa(client, cast.staff[Role.AGENCY_HEAD])
    html = client.get(reverse("portal:work")).content.decode()
    waiting = html[html.index("Đề xuất gia hạn chờ tôi phê duyệt") :]
    assert dossier.code in waiting[: waiting.index("</section>")]
