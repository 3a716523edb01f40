"""More than one machine (issue 23): the portal keeps no state of its own.

Two gunicorn nodes, each with its own empty MEDIA_ROOT and TMPDIR, two Celery workers on
separate queues and one beat share PostgreSQL (through PgBouncer), Redis and an S3 endpoint
(moto's server); statistics read through a second database alias (the "replica", a read-only
relay to the same server). The first test is a citizen's and an officer's day split across
the nodes; the second stops node A and a worker in the middle of 50 submissions. Production
settings, DEBUG off; all the portal-side work happens in the cluster's processes
(tests/drill/cluster.py).

Run alone: `.venv/bin/python -m pytest tests/drill -m drill` (87 s on the idle 2-core
machine, 7–10 minutes when it is shared: most of it process start-up and the migration).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import threading
from collections import Counter
from datetime import UTC, datetime

import pytest
import requests

from tests.drill import clients
from tests.drill.clients import APPLICANT
from tests.faults.stack import run_driver, wait_for

pytestmark = [pytest.mark.drill, pytest.mark.slow]

TOO_MANY = "Đăng nhập sai quá nhiều lần"


def _assert_private_file_headers(response: requests.Response, *, inline: bool) -> None:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    if inline:
        assert "sandbox" in response.headers["Content-Security-Policy"]
    else:
        assert response.headers["Content-Disposition"].startswith("attachment")


def _nothing_on_local_disks(cluster) -> None:
    for folder in sorted(cluster.root.glob("*/media")):
        written = [str(p.relative_to(folder)) for p in folder.rglob("*")]
        assert written == [], f"{folder.parent.name} wrote to its MEDIA_ROOT: {written}"


def test_a_citizen_and_an_officer_share_nothing_but_the_cluster(cluster):
    try:
        _a_citizen_and_an_officer(cluster)
    except AssertionError as error:
        raise AssertionError(f"{error}\n{cluster.dump_logs(1500)}") from error


def _a_citizen_and_an_officer(cluster) -> None:
    a, b = cluster.nodes["node-a"].base, cluster.nodes["node-b"].base
    seed = cluster.seed
    pdfs = clients.pdfs()

    # --- The citizen signs in on A; the session and the CSRF token hold on B. ---------------
    citizen = requests.Session()
    signed_in = clients.sign_in(citizen, a, seed["citizen"], seed["password"])
    assert signed_in.status_code == 302, signed_in.text[-500:]
    store_on_b = citizen.get(f"{b}/kho-du-lieu/", allow_redirects=False, timeout=30)
    assert store_on_b.status_code == 200
    assert "Nguyễn Thị Diễm Drill" in store_on_b.text

    # Draft, details and both files through A; a token served by A is accepted by B.
    dossier = clients.api(
        citizen, "POST", f"{a}/api/v1/dossiers", json={"procedure_code": seed["procedure"]}
    )
    url = f"/api/v1/dossiers/{dossier['uuid']}"
    clients.api(citizen, "PATCH", f"{b}{url}", json=APPLICANT)
    slots = [c for c in dossier["components"] if c["source"] != "state_holds"]
    for component, pdf in zip(slots, pdfs, strict=True):
        clients.api(
            citizen,
            "POST",
            f"{a}{url}/documents",
            data={"requirement_code": component["requirement_code"]},
            files={"file": ("giay-to.pdf", pdf, "application/pdf")},
        )
    submitted = clients.api(citizen, "POST", f"{a}{url}/submit", json={"declaration": True})
    assert submitted["status"] == "submitted"
    assert submitted["code"]
    uploaded = [c for c in submitted["components"] if c["source"] == "uploaded"]
    assert len(uploaded) == 2

    # The files are in the bucket, byte for byte, and on no node's disk.
    stored = cluster.s3.keys()
    rows = clients.sql(
        cluster,
        "SELECT uuid::text, file, sha256 FROM documents_storeddocument WHERE uuid::text = ANY(%s)",
        [c["document_uuid"] for c in uploaded],
    )
    assert len(rows) == 2
    for _uuid, key, sha in rows:
        assert key in stored
        assert hashlib.sha256(cluster.s3.read(key)).hexdigest() == sha
    _nothing_on_local_disks(cluster)

    # --- The officer: password on A, the TOTP step on B (the half-done sign-in is shared). ---
    officer = requests.Session()
    step = clients.sign_in(officer, a, seed["officer"], seed["password"])
    assert step.status_code == 302
    assert "/2fa/authenticate" in step.headers["Location"]
    mfa_page = officer.get(f"{b}/accounts/2fa/authenticate/", timeout=30)
    assert mfa_page.status_code == 200
    done = officer.post(
        f"{b}/accounts/2fa/authenticate/",
        data={
            "code": clients.totp(seed["totp_secret"]),
            "csrfmiddlewaretoken": clients.form_token(mfa_page),
        },
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 302, done.text[-800:]

    detail = officer.get(f"{b}/office/ho-so/{dossier['uuid']}/", timeout=30)
    assert detail.status_code == 200
    assert submitted["code"] in detail.text
    for component, pdf in zip(uploaded, pdfs, strict=True):
        seen = officer.get(
            f"{b}/office/ho-so/{dossier['uuid']}/thanh-phan/{component['uuid']}/", timeout=30
        )
        assert seen.status_code == 200
        assert seen.content == pdf
        _assert_private_file_headers(seen, inline=True)

    accepted = officer.post(
        f"{b}/office/ho-so/{dossier['uuid']}/tiep-nhan/",
        data={
            "decision": "accept",
            "complete": [c["uuid"] for c in uploaded],
            "expected_status": "submitted",
            "csrfmiddlewaretoken": clients.form_token(detail),
        },
        allow_redirects=False,
        timeout=60,
    )
    assert accepted.status_code == 302, accepted.text[-800:]

    # --- A worker issues and signs Mẫu 01; the citizen downloads it through A. -------------
    def receipt():
        found = clients.sql(
            cluster,
            "SELECT e.data->>'document_uuid' FROM dossiers_dossierevent e "
            "JOIN dossiers_dossier d ON d.id = e.dossier_id "
            "WHERE d.uuid::text = %s AND e.kind = 'form_issued' AND e.data->>'form_code' = '01'",
            dossier["uuid"],
        )
        return found

    issued = wait_for(receipt, 120, f"Mẫu 01 was not issued\n{cluster.dump_logs()}", interval=1)
    assert len(issued) == 1
    document_uuid = issued[0][0]
    [(key, sha, signed_at)] = clients.sql(
        cluster,
        "SELECT file, sha256, signed_at FROM documents_storeddocument WHERE uuid::text = %s",
        document_uuid,
    )
    assert signed_at is not None
    download = citizen.get(f"{a}/kho-du-lieu/{document_uuid}/tai-ve/", timeout=60)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    _assert_private_file_headers(download, inline=False)
    assert hashlib.sha256(download.content).hexdigest() == sha
    assert b"/ByteRange" in download.content  # the centre's PAdES signature
    assert cluster.s3.read(key) == download.content
    # The officer may not fetch the citizen's own store entry, on either node.
    for base in (a, b):
        assert officer.get(f"{base}/kho-du-lieu/{document_uuid}/tai-ve/").status_code == 404

    # --- Rate limits count across nodes: five failures, spread, lock the account on both. ---
    for attempt in range(5):
        intruder = requests.Session()
        failed = clients.sign_in(intruder, (a, b)[attempt % 2], seed["throttled"], "sai-mat-khau")
        assert failed.status_code == 200
        assert TOO_MANY not in failed.text
    for base in (a, b):
        refused = clients.sign_in(requests.Session(), base, seed["throttled"], seed["password"])
        assert refused.status_code in (200, 429)
        assert TOO_MANY in refused.text

    # --- The cache is shared: B answers from what A cached, even after the row changed. -----
    query = {"q": "đăng ký thường trú"}
    host = {"Host": "127.0.0.1"}  # the public name both nodes serve behind the balancer
    first = requests.get(f"{a}/api/v1/procedures", params=query, headers=host, timeout=30)
    assert first.status_code == 200
    assert seed["procedure_name"] in first.text
    clients.sql(
        cluster,
        "UPDATE procedures_procedure SET name = name || ' (sửa trực tiếp)' WHERE code = %s",
        seed["procedure"],
    )
    second = requests.get(f"{b}/api/v1/procedures", params=query, headers=host, timeout=30)
    assert second.status_code == 200
    assert second.content == first.content  # from Redis, written by node A
    clients.sql(
        cluster,
        "UPDATE procedures_procedure SET name = %s WHERE code = %s",
        seed["procedure_name"],
        seed["procedure"],
    )

    # --- Statistics and exports read through the replica alias; nothing else does. ---------
    assert cluster.relay.count() == 0, "something other than statistics read from the replica"
    for path in ("/stats/", "/stats/xuat/csv/", "/stats/xuat/xlsx/"):
        response = requests.get(f"{b}{path}", timeout=60)
        assert response.status_code == 200, (path, response.text[-500:])
    assert cluster.relay.count() >= 1

    _nothing_on_local_disks(cluster)


def _beat_sends(cluster) -> dict[str, list[float]]:
    """When beat sent each periodic task (seconds), from its log."""
    sends: dict[str, list[float]] = {}
    pattern = r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d+): .*Sending due task ([\w.-]+) "
    for line in (cluster.root / "beat" / "logs" / "beat.log").read_text().splitlines():
        if match := re.search(pattern, line):
            stamp = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
            stamp = stamp.timestamp()
            sends.setdefault(match.group(3), []).append(stamp + int(match.group(2)) / 1000)
    return sends


def _task_runs(cluster) -> Counter:
    """How many times each task ran to success, from every worker's log (killed ones too)."""
    runs: Counter = Counter()
    for log in cluster.root.glob("worker-*/logs/worker.log"):
        for line in log.read_text(errors="replace").splitlines():
            if match := re.search(r"Task ([\w.]+)\[[\w-]+\] succeeded", line):
                runs[match.group(1)] += 1
    return runs


def test_node_and_worker_stopped_mid_burst_lose_and_duplicate_nothing(cluster, tmp_path):
    nodes = [cluster.nodes["node-a"].base, cluster.nodes["node-b"].base]
    seed = cluster.seed
    sessions = list(seed["sessions"])
    pdfs = clients.pdfs()
    runs_before = _task_runs(cluster)

    down: set[str] = set()
    done: list[dict] = []
    lock = threading.Lock()
    queue = list(sessions)

    def client() -> None:
        while True:
            with lock:
                if not queue:
                    return
                session = queue.pop()
            outcome = clients.journey(nodes, down, session, seed["procedure"], pdfs)
            with lock:
                done.append(outcome)

    threads = [threading.Thread(target=client) for _ in range(4)]
    for thread in threads:
        thread.start()
    wait_for(lambda: len(done) >= len(sessions) // 3, 120, "the burst did not get going")
    at_kill = len(done)
    cluster.nodes["node-a"].process.kill()  # SIGKILL: no goodbye, requests cut mid-way
    cluster.workers["notifications"].kill()
    # Beat runs from the failure on: a tick a SIGKILLed worker had reserved would wait for the
    # broker's visibility timeout (an hour), so the count below starts after the kill.
    beat = cluster.start_beat()
    for thread in threads:
        thread.join(timeout=240)
    assert not any(t.is_alive() for t in threads)
    assert at_kill < len(sessions)
    # The orchestrator replaces the worker; node A stays down.
    cluster.workers["notifications"] = cluster.start_worker(
        "worker-notifications-2", "notifications,sync"
    )

    # Every citizen has exactly one submitted dossier, complete, with its files in the bucket.
    assert len(done) == len(sessions)
    assert [d for d in done if d.get("gave_up")] == []
    uuids = [d["uuid"] for d in done]
    assert len(set(uuids)) == len(uuids)
    assert any(nodes[0] in d["nodes"] for d in done)  # both nodes served the burst
    assert any(nodes[1] in d["nodes"] for d in done)
    ledger = json.loads(run_driver(cluster.env, "ledger"))
    # The journey of the first test plus this burst: one submitted dossier each, never two.
    assert ledger["submitted"] == len(sessions) + 1
    assert set(uuids) <= set(ledger["submitted_uuids"])
    assert ledger["distinct_codes"] == ledger["submitted"]
    assert ledger["submitted_twice"] == 0
    assert ledger["submitted_without_event"] == 0
    assert ledger["drafts_with_submit_event"] == 0
    assert ledger["submitted_without_notification"] == 0
    assert ledger["dossiers_charged_twice"] == 0
    assert ledger["charges_on_drafts"] == 0
    errors = sum(d["errors"] for d in done)
    assert ledger["submitted_without_charge"] <= errors  # a request cut between commit and charge
    listing = tmp_path / "uuids.txt"
    listing.write_text("\n".join(uuids))
    assert json.loads(run_driver(cluster.env, "audit-submissions", str(listing))) == []

    # Every notification of a submission is delivered once the replacement worker and the
    # sweep have caught up with what the killed worker held.
    def states() -> dict[str, int]:
        rows = clients.sql(
            cluster,
            "SELECT status, count(*) FROM notifications_notification "
            "WHERE event = 'dossier_submitted' GROUP BY 1",
        )
        return dict(rows)

    def delivered() -> bool:
        now = states()
        return bool(now) and not (now.keys() & {"queued", "sending"})

    wait_for(delivered, 150, f"notifications still pending: {states()}", interval=1)
    assert states().keys() <= {"sent", "delivered"}, states()
    e_mails = clients.sql(
        cluster,
        "SELECT uuid::text FROM notifications_notification "
        "WHERE event = 'dossier_submitted' AND channel = 'email'",
    )
    received = Counter(cluster.smtp.received())
    assert [row[0] for row in e_mails if received[row[0]] < 1] == []

    # Beat: every tick of every periodic task is sent once and run once, by one worker, an
    # interval task at its interval (never twice for one tick, whatever the workers went
    # through). Daily (crontab) tasks count too when their hour falls in the drill.
    def periodic() -> list[tuple]:
        return clients.sql(
            cluster,
            "SELECT p.name, p.task, p.total_run_count, i.every FROM "
            "django_celery_beat_periodictask p LEFT JOIN django_celery_beat_intervalschedule i "
            "ON i.id = p.interval_id",
        )

    # Beat writes its counts to the database every few minutes and when it stops: wait on its
    # log, then stop it (SIGTERM: it saves its schedule) and compare.
    interval_tasks = [r[0] for r in periodic() if r[3] is not None]
    assert len(interval_tasks) >= 5

    def every_interval_task_sent() -> bool:
        sent = _beat_sends(cluster)
        return all(sent.get(name) for name in interval_tasks)

    # Generous: beat, started after the kills, may take a while to boot on a loaded machine.
    wait_for(every_interval_task_sent, 300, f"beat did not fire\n{beat.tail()}", interval=1)
    beat.stop()
    fired = [r for r in periodic() if r[2] >= 1]
    assert {r[0] for r in fired} >= set(interval_tasks), (fired, beat.tail())
    sends = _beat_sends(cluster)
    for name, _task, count, every in fired:
        assert len(sends[name]) == count, (name, sends[name], count)
        gaps = [later - earlier for earlier, later in itertools.pairwise(sends[name])]
        assert all(gap >= (every or 0) * 0.9 for gap in gaps), (name, gaps)

    def all_ran() -> bool:
        runs = _task_runs(cluster) - runs_before
        return all(runs[task] >= count for _name, task, count, _every in fired)

    wait_for(all_ran, 90, f"periodic tasks not run: {_task_runs(cluster) - runs_before}", 0.5)
    runs = _task_runs(cluster) - runs_before
    for _name, task, count, _every in fired:
        assert runs[task] == count, (task, runs[task], count)

    # No file on any node's disk (TMPDIR holds only process caches: WeasyPrint's fonts).
    _nothing_on_local_disks(cluster)
