"""The multi-node drill's figures (issue 23): what one web worker and one Celery worker process
carry when the portal runs as a cluster, for the sizing table of docs/deployment.md.

    .venv/bin/python -m bench.bench_drill [--dossiers N]     (or `make bench`, `python -m bench drill`)

The cluster of tests/drill/ (tests/drill/cluster.py): two gunicorn nodes with ONE web worker
each, sharing PostgreSQL (a database of its own, dropped afterwards), a private Redis and moto's
S3; production settings. Measured in turn, so each figure has the machine to itself:

1. baseline: `GET /healthz` on both nodes (4 clients, 5 s) — requests/s per web worker;
2. N online submissions through the API over both nodes (4 clients; 6 requests each: create,
   read, details, two 200 KB PDFs, submit) — requests/s per web worker and dossiers/s; no
   worker runs yet, so the notifications wait in the outbox;
3. one notifications worker process (2 threads) started: notifications delivered per second
   (e-mail to a local SMTP sink, and the inbox), until the outbox is empty;
4. an officer (password + TOTP) accepts the N dossiers through node B with no documents worker;
   then one worker process (2 threads) issues Mẫu 01 for each: rendered by WeasyPrint, signed
   (PAdES, pyHanko), stored in S3 — forms signed per second per worker process.

Uploads are not virus-scanned here (as in bench_submissions): clamd is measured by the documents
benchmarks. The figures are per process on this 2-core machine shared with the load generator.
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
import time

import requests

from bench.harness import Figure
from bench.harness import report as record
from tests.drill import clients
from tests.drill.cluster import drill_cluster
from tests.faults.stack import wait_for

WEB_WORKERS = 2  # one per node


def report(figure: Figure) -> None:
    """Printed as it is measured, and handed to `python -m bench`'s summary."""
    ratio = f"  ({figure.ratio:.2f} × baseline)" if figure.ratio is not None else ""
    print(f"{figure.figure:<70} {figure.measured:>10.1f} {figure.unit}{ratio}", flush=True)
    record(figure)


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("nan")


def healthz_rate(nodes: list[str], seconds: float = 5.0) -> float:
    count = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(base: str) -> None:
        nonlocal count
        http = requests.Session()
        while time.monotonic() < stop:
            if http.get(f"{base}/healthz", timeout=10).status_code == 200:
                with lock:
                    count += 1

    threads = [threading.Thread(target=client, args=(nodes[n % 2],)) for n in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return _rate(count, time.monotonic() - started)


def submit_all(nodes: list[str], sessions: list[str], procedure: str) -> tuple[list[dict], float]:
    files = clients.pdfs()
    queue = list(sessions)
    done: list[dict] = []
    lock = threading.Lock()

    def client() -> None:
        while True:
            with lock:
                if not queue:
                    return
                session = queue.pop()
            outcome = clients.journey(nodes, set(), session, procedure, files)
            with lock:
                done.append(outcome)

    threads = [threading.Thread(target=client) for _ in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done, time.monotonic() - started


def outbox_pending(cluster) -> int:
    rows = clients.sql(
        cluster,
        "SELECT count(*) FROM notifications_notification WHERE status IN ('queued', 'sending')",
    )
    return rows[0][0]


def officer_session(cluster, base: str) -> requests.Session:
    seed = cluster.seed
    officer = requests.Session()
    step = clients.sign_in(officer, base, seed["officer"], seed["password"])
    assert step.status_code == 302, step.status_code
    page = officer.get(f"{base}/accounts/2fa/authenticate/", timeout=30)
    done = officer.post(
        f"{base}/accounts/2fa/authenticate/",
        data={
            "code": clients.totp(seed["totp_secret"]),
            "csrfmiddlewaretoken": clients.form_token(page),
        },
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 302, done.status_code
    return officer


def forms_issued(cluster) -> int:
    rows = clients.sql(
        cluster,
        "SELECT count(*) FROM dossiers_dossierevent "
        "WHERE kind = 'form_issued' AND data->>'form_code' = '01'",
    )
    return rows[0][0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dossiers", type=int, default=int(os.environ.get("BENCH_DRILL_DOSSIERS", "60"))
    )
    args = parser.parse_args(argv)
    # Django only for the test helpers this process imports (the PDFs, the TOTP arithmetic);
    # the portal itself runs in the cluster's processes.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings_test")
    import django

    django.setup()
    for name in ("werkzeug", "mail.log"):  # moto and the SMTP sink log every request
        logging.getLogger(name).setLevel(logging.WARNING)
    shared = os.environ.get(
        "BENCH_POSTGRES_URL",
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    with drill_cluster(
        citizens=args.dossiers, shared_database_url=shared, web_workers=1, start_workers=False
    ) as cluster:
        nodes = [cluster.nodes["node-a"].base, cluster.nodes["node-b"].base]
        baseline = healthz_rate(nodes) / WEB_WORKERS
        report(Figure("GET /healthz per web worker (baseline)", "", baseline, "req/s"))

        done, seconds = submit_all(nodes, cluster.seed["sessions"], cluster.seed["procedure"])
        errors = sum(d["errors"] for d in done)
        complete = [d for d in done if not d.get("gave_up")]
        requests_made = 6 * len(complete) + errors
        per_web_worker = _rate(requests_made, seconds) / WEB_WORKERS
        report(Figure("submission API requests per web worker", "", per_web_worker, "req/s",
                      baseline=baseline))  # fmt: skip
        report(Figure(f"dossiers submitted over 2 nodes ({len(complete)})", "",
                      _rate(len(complete), seconds), "dossiers/s"))  # fmt: skip
        report(Figure("submission errors", "0", float(errors + len(done) - len(complete)),
                      ok=errors == 0 and len(complete) == args.dossiers))  # fmt: skip

        pending = outbox_pending(cluster)
        started = time.monotonic()
        cluster.start_worker("worker-notifications", "notifications,sync")
        boot = time.monotonic() - started
        started = time.monotonic()
        wait_for(lambda: outbox_pending(cluster) == 0, 600, "the outbox did not empty", 0.2)
        report(Figure(f"notifications delivered per worker process ({pending})", "",
                      _rate(pending, time.monotonic() - started), "/s"))  # fmt: skip

        officer = officer_session(cluster, nodes[1])
        token = officer.cookies["csrftoken"]
        for outcome in complete:
            accepted = officer.post(
                f"{nodes[1]}/office/ho-so/{outcome['uuid']}/tiep-nhan/",
                data={
                    "decision": "accept",
                    "complete": outcome["uploaded"],
                    "expected_status": "submitted",
                    "csrfmiddlewaretoken": token,
                },
                allow_redirects=False,
                timeout=60,
            )
            assert accepted.status_code == 302, accepted.text[-500:]
        cluster.start_worker("worker-main", "default,documents")
        started = time.monotonic()
        wait_for(lambda: forms_issued(cluster) >= len(complete), 900, "Mẫu 01 not all issued", 0.5)
        forms = _rate(len(complete), time.monotonic() - started)
        report(Figure(f"Mẫu 01 rendered, signed, stored in S3 per worker process ({len(complete)})",
                      "", forms, "forms/s"))  # fmt: skip
        on_disk = list(cluster.root.glob("*/media/**/*"))
        report(Figure("files written to the nodes' MEDIA_ROOT", "0", float(len(on_disk)),
                      ok=not on_disk))  # fmt: skip
        print(f"worker boot {boot:.1f} s; load average " + " ".join(
            f"{x:.1f}" for x in os.getloadavg()))  # fmt: skip
    return 0 if errors == 0 and len(complete) == args.dossiers else 1


if __name__ == "__main__":
    raise SystemExit(main())
