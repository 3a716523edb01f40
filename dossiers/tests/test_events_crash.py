"""Two phases of a dossier event (ADR 0180): a process killed right after a transition commits,
before any listener ran, loses nothing. The participants' rows (the citizen's notice, the charge,
the national-sync mark) committed with the transition; one sweep after the restart does the
listeners' network work (the push to the National Portal simulator). Everything exactly once.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection
from django.utils import timezone

import pytest
import time_machine

from dossiers.constants import Channel, DossierStatus
from dossiers.models import Dossier
from dossiers.services.events import dossier_listeners_sweep
from dossiers.tests.crash_after_commit import CRASH_EXIT_CODE
from dossiers.tests.factories import make_cast, make_draft
from integrations.constants import SyncStatus
from integrations.models import SimulatedRequest, SyncState
from integrations.tests.conftest import SIM_PATH, enable_dvcqg
from notifications.models import Notification
from payments.models import Charge
from procedures.models import FeeRule, Procedure, ProcedureField

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _fee_bearing_draft():
    field, _ = ProcedureField.objects.get_or_create(code="cu-tru", defaults={"name": "Cư trú"})
    procedure = Procedure.objects.create(code="1.001234", name="Đăng ký thường trú", field=field)
    FeeRule.objects.create(procedure=procedure, name="Lệ phí", amount_vnd=20_000)
    cast = make_cast()
    return cast, make_draft(cast, procedure_code=procedure.code, channel=Channel.ONLINE)


def _crash_while_submitting(draft: Dossier, citizen_pk: int, portal: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        # The subprocess only needs the sync switched on (its participant marks the dossier);
        # it never reaches the portal, which the test's live server serves.
        "DVCQG_ENABLED": "true",
        "DVCQG_SIMULATOR_ENABLED": "false",
        "DVCQG_ADAPTER_URL": portal,
        "DVCQG_USERNAME": "dvcqg-simulator",
        "DVCQG_PASSWORD": "simulator-only-password",
        "DVCQG_AGENCY_CODE": "000.00.00.H53",
    }
    done = subprocess.run(
        [sys.executable, "-m", "dossiers.tests.crash_after_commit", str(draft.pk), str(citizen_pk)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == CRASH_EXIT_CODE, done.stderr[-3000:]


def _pushes(code: str, service: str) -> int:
    return SimulatedRequest.objects.filter(
        service=service, request_key__startswith=f"{code}:"
    ).count()


def test_a_crash_after_commit_delays_the_listeners_work_and_loses_nothing(settings, live_server):
    enable_dvcqg(settings, live_server.url)
    cast, draft = _fee_bearing_draft()

    _crash_while_submitting(draft, cast.citizen.pk, live_server.url + SIM_PATH)

    # The transition committed, and with it every participant's row.
    dossier = Dossier.objects.get(pk=draft.pk)
    assert dossier.status == DossierStatus.SUBMITTED
    notices = Notification.objects.filter(recipient=cast.citizen, event="dossier_submitted")
    channels = list(notices.values_list("channel", flat=True))
    assert channels
    assert len(channels) == len(set(channels))
    [charge] = Charge.objects.filter(dossier=dossier)
    assert charge.amount_vnd > 0
    state = SyncState.objects.get(dossier=dossier)
    assert state.is_behind
    # The listeners died with the process: the National Portal has heard nothing.
    assert _pushes(dossier.code, "DongBoHoSoMC") == 0

    # The restart: one sweep, once the grace for in-flight transactions has passed.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5), tick=False):
        handed = dossier_listeners_sweep()
    assert handed["integrations"] >= 1

    state.refresh_from_db()
    assert state.status == SyncStatus.SYNCED
    assert not state.is_behind
    assert _pushes(dossier.code, "DongBoHoSoMC") == 1

    # A second sweep finds nothing left, and nothing was written twice.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10), tick=False):
        assert sum(dossier_listeners_sweep().values()) == 0
    assert _pushes(dossier.code, "DongBoHoSoMC") == 1
    assert sorted(notices.values_list("channel", flat=True)) == sorted(channels)
    assert Charge.objects.filter(dossier=dossier).count() == 1
