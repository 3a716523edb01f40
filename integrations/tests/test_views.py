"""Who sees what: the failures list, the retry, the officer's panel, the simulator consoles."""

from __future__ import annotations

import datetime as dt

from django.test import RequestFactory
from django.utils import timezone

import pytest

from accounts.constants import Role
from accounts.tests.factories import CitizenFactory, StaffFactory, login_with_mfa
from agencies.tests.factories import AgencyFactory
from dossiers.constants import Actor
from dossiers.tests.factories import add_membership
from integrations import selectors
from integrations.constants import Provider, SyncStatus
from integrations.models import SyncState
from integrations.panels import office_integrations_panel
from integrations.tests.conftest import enable_dvcqg
from integrations.tests.helpers import submitted

pytestmark = pytest.mark.django_db

FAILURES = "/tich-hop/dong-bo/loi/"


@pytest.fixture
def failed(cast, settings):
    settings.DVCQG_ENABLED = False  # no pushes while building the dossier
    dossier = submitted(cast)
    return SyncState.objects.create(
        dossier=dossier,
        provider=Provider.DVCQG,
        status=SyncStatus.FAILED,
        attempts=12,
        target_event_id=dossier.events.last().pk,
        last_error="DVCQG HTTP 503",
    )


def test_failures_page_access_matrix(client, cast, failed):
    assert client.get(FAILURES).status_code == 302  # anonymous: to the sign-in page

    client.force_login(CitizenFactory())
    assert client.get(FAILURES).status_code == 404

    login_with_mfa(client, cast.staff[Actor.PROCESSING_OFFICER])
    assert client.get(FAILURES).status_code == 404  # not a supervisor

    other = StaffFactory(roles=[Role.ONESTOP_SUPERVISOR])
    add_membership(other, AgencyFactory(), Role.ONESTOP_SUPERVISOR)
    login_with_mfa(client, other)
    response = client.get(FAILURES)
    assert response.status_code == 200
    assert failed.dossier.code not in response.content.decode()
    assert client.post(f"/tich-hop/dong-bo/{failed.dossier.uuid}/thu-lai/").status_code == 404

    login_with_mfa(client, cast.staff[Actor.ONESTOP_SUPERVISOR])
    response = client.get(FAILURES)
    assert response.status_code == 200
    assert failed.dossier.code in response.content.decode()
    assert "DVCQG HTTP 503" in response.content.decode()


def test_supervisor_retry_puts_the_dossier_back_in_the_queue(client, cast, failed, settings):
    settings.DVCQG_ENABLED = False  # the queued push is a no-op here; test_sync covers pushes
    login_with_mfa(client, cast.staff[Actor.ONESTOP_SUPERVISOR])
    response = client.post(f"/tich-hop/dong-bo/{failed.dossier.uuid}/thu-lai/")
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (SyncStatus.PENDING, 0)
    assert client.get(f"/tich-hop/dong-bo/{failed.dossier.uuid}/thu-lai/").status_code == 405


def test_officer_panel_shows_the_sync_state(cast, failed, settings):
    settings.DVCQG_ENABLED = True
    request = RequestFactory().get("/office/")
    request.user = cast.staff[Actor.ONESTOP_SUPERVISOR]
    html = office_integrations_panel(request=request, dossier=failed.dossier)
    assert "Đồng bộ thất bại" in html
    assert "DVCQG HTTP 503" in html
    assert f"/tich-hop/dong-bo/{failed.dossier.uuid}/thu-lai/" in html  # supervisors may retry

    request.user = cast.staff[Actor.PROCESSING_OFFICER]
    html = office_integrations_panel(request=request, dossier=failed.dossier)
    assert "Đồng bộ thất bại" in html
    assert "thu-lai" not in html


def test_panel_is_registered_on_the_officer_page():
    from dossiers.hooks import office_panels

    assert "integrations" in office_panels


def _system_admin(client):
    from accounts.tests.factories import UserFactory

    login_with_mfa(client, UserFactory(is_staff=True, is_superuser=True))


def test_simulator_consoles_are_the_system_administrators_and_off_by_default(
    client, cast, settings
):
    settings.DVCQG_SIMULATOR_ENABLED = False
    settings.VNPOST_SIMULATOR_ENABLED = False
    _system_admin(client)
    assert client.get("/tich-hop/mo-phong/dvcqg/").status_code == 404
    assert client.get("/tich-hop/mo-phong/vnpost/").status_code == 404
    settings.DVCQG_SIMULATOR_ENABLED = True
    settings.VNPOST_SIMULATOR_ENABLED = True
    assert client.get("/tich-hop/mo-phong/dvcqg/").status_code == 200
    assert client.get("/tich-hop/mo-phong/vnpost/").status_code == 200
    login_with_mfa(client, cast.staff[Actor.RECEPTION_OFFICER])  # an agency's staff: no
    assert client.get("/tich-hop/mo-phong/dvcqg/").status_code == 404
    assert client.get("/tich-hop/mo-phong/vnpost/").status_code == 404
    client.force_login(CitizenFactory())
    assert client.get("/tich-hop/mo-phong/dvcqg/").status_code == 404
    assert client.get("/tich-hop/mo-phong/vnpost/").status_code == 404


def test_sync_rate_counts_received_dossiers_and_their_sync(cast, settings):
    settings.DVCQG_ENABLED = False
    start = timezone.now() - dt.timedelta(hours=1)
    end = timezone.now() + dt.timedelta(hours=1)
    empty = selectors.sync_rate(start=start, end=start)
    assert (empty.received, empty.rate) == (0, None)  # N/A, never 100%

    one, two, three = submitted(cast), submitted(cast), submitted(cast)
    now = timezone.now()
    SyncState.objects.create(
        dossier=one, provider=Provider.DVCQG, status=SyncStatus.SYNCED, first_synced_at=now
    )
    SyncState.objects.create(
        dossier=two, provider=Provider.DVCQG, status=SyncStatus.RETRYING, first_synced_at=now
    )
    SyncState.objects.create(dossier=three, provider=Provider.DVCQG, status=SyncStatus.FAILED)
    rate = selectors.sync_rate(start=start, end=end)
    assert (rate.received, rate.synced, rate.up_to_date) == (3, 2, 1)
    assert rate.rate == pytest.approx(2 / 3)
    other = selectors.sync_rate(start=start, end=end, agency_ids=[AgencyFactory().pk])
    assert other.received == 0


def test_simulator_console_submits_a_portal_dossier(client, cast, settings):
    enable_dvcqg(settings, "http://127.0.0.1:9")
    from procedures.tests.factories import import_records, national_record

    import_records(national_record("2.000009", "Thủ tục mẫu", co_nop_truc_tuyen=True))
    _system_admin(client)
    bad = client.post("/tich-hop/mo-phong/dvcqg/", {"procedure_code": "2.000009", "id_number": "1"})
    assert bad.status_code == 400
    response = client.post(
        "/tich-hop/mo-phong/dvcqg/",
        {"procedure_code": "2.000009", "full_name": "Phạm Văn An", "id_number": "072090000011"},
    )
    assert response.status_code == 302
    from integrations.models import SimulatedPortalDossier

    row = SimulatedPortalDossier.objects.get(submitted_on_portal=True)
    assert row.data["ChuHoSo"] == "Phạm Văn An"
    assert row.taken_at is None


def test_officer_dossier_page_carries_the_panel(client, cast, failed, settings):
    settings.DVCQG_ENABLED = True
    login_with_mfa(client, cast.staff[Actor.RECEPTION_OFFICER])
    response = client.get(f"/office/ho-so/{failed.dossier.uuid}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Liên thông, bưu chính" in html
    assert "Đồng bộ thất bại" in html


def test_panel_offers_postal_collection_to_reception_only(cast, settings):
    from dossiers.constants import Channel
    from dossiers.services import dossier_submit
    from dossiers.tests.factories import make_draft

    settings.DVCQG_ENABLED = False
    settings.VNPOST_ENABLED = True
    dossier = make_draft(cast, channel=Channel.POSTAL)
    dossier_submit(
        dossier=dossier, by=cast.staff[Actor.RECEPTION_OFFICER], role=Actor.RECEPTION_OFFICER
    )
    request = RequestFactory().get("/office/")
    request.user = cast.staff[Actor.RECEPTION_OFFICER]
    html = office_integrations_panel(request=request, dossier=dossier)
    assert f"/tich-hop/buu-chinh/{dossier.uuid}/thu-gom/" in html
    request.user = cast.staff[Actor.PROCESSING_OFFICER]
    assert office_integrations_panel(request=request, dossier=dossier) is None
    settings.VNPOST_ENABLED = False
    request.user = cast.staff[Actor.RECEPTION_OFFICER]
    assert office_integrations_panel(request=request, dossier=dossier) is None


def test_the_panel_says_in_words_what_went_wrong_and_never_shows_a_past_retry_time():
    import datetime as dt

    from django.utils import timezone

    from integrations.panels import readable_sync_error

    raw = "DVCQG unreachable: ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=9)"
    assert readable_sync_error(raw) == (
        "Không kết nối được Cổng Dịch vụ công quốc gia; hệ thống sẽ tự gửi lại."
    )
    assert "HTTP" not in readable_sync_error("DVCQG HTTP 400 invalid payload")
    assert readable_sync_error("") == ""
    # The template shows "đang chờ lượt gửi lại" for a retry time already past.
    from django.template.loader import render_to_string

    class State:
        status, synced_at, attempts, last_error = "retrying", None, 2, raw
        next_attempt_at = timezone.now() - dt.timedelta(hours=1)

        def get_status_display(self):
            return "Đang thử lại"

    html = render_to_string(
        "integrations/_panel.html",
        {"state": State(), "retry_pending": True, "error_text": readable_sync_error(raw)},
    )
    assert "đang chờ lượt gửi lại" in html
    assert "Không kết nối được Cổng Dịch vụ công quốc gia" in html
