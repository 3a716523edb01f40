"""Outbound sync against the National Portal simulator on a live server (real HTTP)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest
import requests
import time_machine

from dossiers.constants import Actor, DossierStatus
from dossiers.models import DossierEvent, DossierEventCursor
from dossiers.services.events import dossier_listeners_sweep
from integrations import services, tasks
from integrations.base import IntegrationError
from integrations.constants import Provider, SyncStatus
from integrations.dvcqg.provider import dvcqg
from integrations.models import (
    SimulatedFault,
    SimulatedPortalDossier,
    SimulatedRequest,
    SyncState,
)
from integrations.tests.helpers import receive, submitted

pytestmark = pytest.mark.django_db(transaction=True)


def state_of(dossier) -> SyncState:
    return SyncState.objects.get(dossier=dossier, provider=Provider.DVCQG)


def test_submission_and_every_transition_reach_the_portal(portal_sim, cast):
    dossier = submitted(cast)
    row = SimulatedPortalDossier.objects.get(code=dossier.code)
    assert row.status_code == 1
    assert [p["TrangThai"] for p in row.progress] == ["1"]

    receive(dossier, cast)
    row.refresh_from_db()
    assert row.status_code == 2
    assert row.pushes == 2
    assert [p["TrangThai"] for p in row.progress] == ["1", "2"]
    state = state_of(dossier)
    assert state.status == SyncStatus.SYNCED
    assert state.synced_event_id == dossier.events.order_by("-id").first().pk
    assert not state.is_behind


def test_portal_down_then_back_retries_with_backoff(portal_sim, cast, settings):
    SimulatedFault.objects.create(service="DongBoHoSoMC", remaining=1, status=503)
    dossier = submitted(cast)
    state = state_of(dossier)
    assert state.status == SyncStatus.RETRYING
    assert state.attempts == 1
    assert "503" in state.last_error
    assert state.next_attempt_at > timezone.now() + dt.timedelta(seconds=25)
    assert not SimulatedPortalDossier.objects.filter(code=dossier.code).exists()

    # Not due yet: the sweep leaves it; once due it is handed back and the push succeeds.
    assert dossier.pk not in services.sync_sweep()
    later = timezone.now() + dt.timedelta(minutes=1)
    assert dossier.pk in services.sync_sweep(now=later)
    SyncState.objects.filter(pk=state.pk).update(next_attempt_at=timezone.now())
    tasks.dvcqg_sweep.delay()
    state.refresh_from_db()
    assert state.status == SyncStatus.SYNCED
    assert state.attempts == 0
    assert SimulatedPortalDossier.objects.get(code=dossier.code).status_code == 1


def test_backoff_doubles_and_is_capped(settings):
    settings.DVCQG_RETRY_BASE_SECONDS = 30
    settings.DVCQG_RETRY_MAX_SECONDS = 100
    assert [services.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 100, 100]


def test_gives_up_after_max_attempts_then_a_supervisor_retries(portal_sim, cast):
    SimulatedFault.objects.create(service="*", remaining=3, status=502)
    dossier = submitted(cast)  # attempt 1
    for _ in range(2):  # attempts 2 and 3 (DVCQG_MAX_ATTEMPTS = 3 in the fixture)
        services.dossier_sync(dossier_id=dossier.pk, force=True)
    state = state_of(dossier)
    assert state.status == SyncStatus.FAILED
    assert state.next_attempt_at is None
    assert dossier.pk not in services.sync_sweep(now=timezone.now() + dt.timedelta(days=1))

    services.sync_retry(state=state, by=cast.staff[Actor.ONESTOP_SUPERVISOR])
    assert services.dossier_sync(dossier_id=dossier.pk).pushed
    assert state_of(dossier).status == SyncStatus.SYNCED


def test_invalid_data_fails_at_once_without_retrying(portal_sim, cast):
    dossier = submitted(cast)
    # A progress line for a dossier the portal never received is refused as invalid data.
    with pytest.raises(IntegrationError, match="error_code=2") as excinfo:
        dvcqg.push_progress(
            [
                {
                    "MaHoSo": "KHONG-CO",
                    "NguoiXuLy": "Hệ thống",
                    "ChucDanh": "",
                    "ThoiDiemXuLy": "20261128080000",
                    "PhongBanXuLy": "",
                    "NoiDungXuLy": "x",
                    "TrangThai": "1",
                    "NgayBatDau": "",
                    "NgayKetThucTheoQuyDinh": "",
                }
            ],
            key="",
        )
    assert excinfo.value.retryable is False
    assert state_of(dossier).status == SyncStatus.SYNCED


def test_same_request_key_is_applied_once(portal_sim, cast):
    dossier = submitted(cast)
    state = state_of(dossier)
    # Forget that it was synced (as if the answer had been lost): the same batch goes again.
    SyncState.objects.filter(pk=state.pk).update(synced_event_id=0, status=SyncStatus.PENDING)
    assert services.dossier_sync(dossier_id=dossier.pk).pushed
    row = SimulatedPortalDossier.objects.get(code=dossier.code)
    assert row.pushes == 1
    assert len(row.progress) == 1
    assert SimulatedRequest.objects.filter(request_key__startswith=f"{dossier.code}:").count() == 2


def test_the_event_sweep_hands_over_events_from_while_the_portal_was_off(
    portal_sim, cast, settings
):
    settings.DVCQG_ENABLED = False  # neither mark nor push: the listener waits
    dossier = receive(submitted(cast), cast)
    assert not SyncState.objects.filter(dossier=dossier).exists()
    settings.DVCQG_ENABLED = True
    later = timezone.now() + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        handed = dossier_listeners_sweep()
    assert handed["integrations"] == DossierEvent.objects.filter(dossier=dossier).count()
    assert SimulatedPortalDossier.objects.get(code=dossier.code).status_code == 2
    assert state_of(dossier).status == SyncStatus.SYNCED
    cursor = DossierEventCursor.objects.get(listener="integrations")
    assert cursor.last_event_id == DossierEvent.objects.order_by("-id").first().pk


def test_the_after_commit_listener_writes_nothing_when_the_transaction_marked(portal_sim, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from integrations import hooks

    dossier = receive(submitted(cast), cast)
    last = dossier.events.order_by("-id").first()
    assert state_of(dossier).target_event_id == last.pk  # the event's transaction marked it
    with CaptureQueriesContext(connection) as seen:
        hooks.on_dossier_event(last.pk)
    statements = [q["sql"].split()[0].upper() for q in seen.captured_queries]
    assert statements == ["SELECT"]  # no transaction, no write, nothing queued: up to date

    # A dossier not marked up to the event (an event handed over by the sweep) is still marked
    # and pushed.
    SyncState.objects.filter(dossier=dossier).update(target_event_id=last.pk - 1)
    hooks.on_dossier_event(last.pk)
    state = state_of(dossier)
    assert state.target_event_id == last.pk
    assert state.synced_event_id == last.pk
    assert state.status == SyncStatus.SYNCED


def test_no_transaction_is_open_while_the_portal_is_called(portal_sim, cast, monkeypatch):
    from django.db import connection

    seen: list[bool] = []
    real = dvcqg.push_dossiers

    def watching(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(dvcqg, "push_dossiers", watching)
    submitted(cast)
    assert seen == [False]


def test_expired_session_signs_in_again(portal_sim, cast):
    from django.core.cache import cache

    cache.set("integrations:dvcqg:session", "forged-or-expired", 60)
    dossier = submitted(cast)
    assert state_of(dossier).status == SyncStatus.SYNCED
    assert cache.get("integrations:dvcqg:session") != "forged-or-expired"


def test_simulator_refuses_wrong_credentials_and_is_off_by_default(portal_sim, settings):
    answer = requests.post(
        f"{portal_sim}/auth", json={"username": "x", "password": "y"}, timeout=5
    ).json()
    assert answer["error_code"] != 0
    settings.DVCQG_SIMULATOR_ENABLED = False
    assert requests.post(f"{portal_sim}/auth", json={}, timeout=5).status_code == 404


def test_disabled_provider_does_nothing(settings, cast):
    settings.DVCQG_ENABLED = False
    dossier = submitted(cast)
    assert services.dossier_sync(dossier_id=dossier.pk).status == "disabled"
    assert not SyncState.objects.exists()


def test_withdrawal_reaches_the_portal_as_code_7(portal_sim, cast):
    from dossiers.services import dossier_transition

    dossier = submitted(cast)
    dossier_transition(
        dossier=dossier,
        to=DossierStatus.WITHDRAWAL_REQUESTED,
        by=cast.citizen,
        role=Actor.CITIZEN,
        note="Tôi muốn rút hồ sơ",
    )
    row = SimulatedPortalDossier.objects.get(code=dossier.code)
    assert row.status_code == 7
    assert "Tôi muốn rút hồ sơ" in row.progress[-1]["NoiDungXuLy"]
