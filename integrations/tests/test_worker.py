"""The sync with a real Celery worker (subprocess, `-Q sync`) on a private redis-server, the
National Portal simulator on the live server failing twice: the worker retries with back-off
(re-queued by the periodic sweep) until the portal has the dossier, exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from integrations import tasks
from integrations.constants import Provider, SyncStatus
from integrations.models import SimulatedFault, SimulatedPortalDossier, SyncState
from integrations.tests.conftest import SIM_PATH
from integrations.tests.helpers import receive, submitted
from notifications.tests.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sync_worker(django_db_setup, celery_broker, portal_sim, live_server, tmp_path, settings):
    from django.db import connection

    settings.DVCQG_RETRY_BASE_SECONDS = 1
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_SECRET_KEY": "worker-test-secret",
        "DJANGO_DEBUG": "false",
        "DEMO_MODE": "true",  # the simulator may play the portal (never in production)
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": celery_broker.url,
        "CELERY_BROKER_URL": celery_broker.url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "SITE_URL": live_server.url,
        "DVCQG_ENABLED": "true",
        "DVCQG_SIMULATOR_ENABLED": "true",
        "DVCQG_PASSWORD": settings.DVCQG_PASSWORD,  # the one the live server's simulator knows
        "DVCQG_ADAPTER_URL": live_server.url + SIM_PATH,
        "DVCQG_RETRY_BASE_SECONDS": "1",
        "DVCQG_MAX_ATTEMPTS": "10",
        "MEDIA_ROOT": os.environ.get("TEST_MEDIA_ROOT", "/tmp/portal-test-media"),
        "LOG_LEVEL": "INFO",
    }
    log = tmp_path / "sync-worker.log"
    handle = log.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            "sync",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            "-n",
            f"sync-test-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )

    def ready() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"the sync worker exited: {log.read_text()[-3000:]}")
        return b" ready." in log.read_bytes()

    wait_for(ready, 60, f"the sync worker did not start; log: {log}")
    yield proc
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def test_worker_retries_with_backoff_until_the_portal_has_the_dossier(sync_worker, cast):
    SimulatedFault.objects.create(service="DongBoHoSoMC", remaining=2, status=503)
    dossier = submitted(cast)  # the listener queues the push on the `sync` queue

    def state() -> SyncState | None:
        return SyncState.objects.filter(dossier=dossier, provider=Provider.DVCQG).first()

    wait_for(lambda: state() and state().attempts >= 1, 30, "the worker never tried")
    assert state().status == SyncStatus.RETRYING

    def synced() -> bool:
        tasks.dvcqg_sweep.delay()  # what beat does every DVCQG_SWEEP_SECONDS
        time.sleep(0.5)
        current = state()
        return current is not None and current.status == SyncStatus.SYNCED

    wait_for(synced, 60, "the worker never got the dossier through")
    assert SimulatedFault.objects.get().remaining == 0
    row = SimulatedPortalDossier.objects.get(code=dossier.code)
    assert row.pushes == 1
    assert row.status_code == 1

    # The next transition goes through the worker at once.
    receive(dossier, cast)
    wait_for(
        lambda: SimulatedPortalDossier.objects.get(code=dossier.code).status_code == 2,
        30,
        "the reception never reached the portal",
    )
    assert SimulatedPortalDossier.objects.get(code=dossier.code).pushes == 2
