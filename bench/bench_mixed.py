"""The mixed load scenario: catalogue browsing, submissions, staff actions and lookups together
at a fixed rate for 60 s (locust, headless), printing the error rate and latencies.

    .venv/bin/python -m bench.bench_mixed [--users U] [--rate R] [--seconds S]

Self-contained: creates its own PostgreSQL database (dropped afterwards), migrates it, imports the
shipped catalogue, seeds a procedure open for online submission with one signed-in citizen per
possible submission, a reception officer signed in with MFA and 30 submitted dossiers (for the
lookups and the officer's pages); serves the portal with gunicorn (3 workers) on a free
127.0.0.1 port; runs `locust -f bench/locustfile.py` with U users each starting R tasks per
second (default 10 × 1 = 10 tasks/s ≈ 25 requests/s) for S seconds (default 60).

Targets: error rate 0 %; p95 of every request kind < 500 ms, except the upload (< 1,000 ms); the
whole mix's p95 < 300 ms. Background tasks go to an in-memory broker (no worker: the scenario
measures the web tier); the public lookup's rate limit is lifted (all the load comes from one
address). Needs locust (dev dependency).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from bench.harness import ROOT, Figure, report

ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
CATALOGUE = ROOT / "procedures" / "data" / "tthc_tinh_xa.jsonl.gz"
PROCEDURE_CODE = "9.999901"  # the submission procedure, outside the imported catalogue's codes
TARGET_P95_MS = 500.0
TARGET_UPLOAD_P95_MS = 1000.0
TARGET_ALL_P95_MS = 300.0
QUERIES = ["dang ky thuong tru", "khai sinh", "hộ tịch", "giay phep xay dung", "chứng thực",
           "ket hon", "dat dai", "1.001193", "doanh nghiep", "tam tru"]  # fmt: skip


def psql(sql: str) -> None:
    subprocess.run(["psql", ADMIN_URL, "-qc", sql], check=True, stdout=subprocess.DEVNULL)


def server_env(database_url: str, media: str) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", media),
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench_submissions",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": media,
        "VIRUS_SCANNER": "none",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6"),
        "CELERY_BROKER_URL": "memory://",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DOSSIER_LOOKUP_LIMIT": "100000000",
        "CACHE_KEY_PREFIX": f"bench-mixed-{uuid.uuid4().hex[:6]}",
    }


def seed(citizens: int, data_file: Path) -> None:
    """Runs in a child process whose Django points at the bench database."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import reverse

    from accounts.constants import Role
    from bench.bench_backoffice import _give_staff_what_the_pages_need, _mfa_session
    from bench.bench_submissions import PDF_SIZE
    from dossiers import services as svc
    from dossiers.tests import submission_helpers as helpers
    from dossiers.tests.factories import add_membership
    from procedures.models import Procedure

    helpers.PROCEDURE_CODE = PROCEDURE_CODE
    world = helpers.make_world()
    # The reception officer also processes at the department: the queue page has work.
    add_membership(world.reception_officer, world.department, Role.PROCESSING_OFFICER)
    _give_staff_what_the_pages_need({"officer": world.reception_officer})
    lookups, dossier_paths = [], []
    for _ in range(30):
        citizen = helpers.make_citizen()
        draft = svc.dossier_start(procedure=world.procedure, user=citizen)
        helpers.fill_draft(draft, citizen)
        svc.dossier_submit_online(dossier=draft, by=citizen, declaration=True)
        draft.refresh_from_db()
        lookups.append((draft.code, helpers.PHONE[-4:]))
        dossier_paths.append(reverse("office:detail", kwargs={"uuid": draft.uuid}))
    sessions = []
    for _ in range(citizens):
        user = helpers.make_citizen()
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    procedures = list(
        Procedure.objects.exclude(code=PROCEDURE_CODE)
        .order_by("code")
        .values_list("code", flat=True)[:200]
    )
    data = {
        "procedure_code": PROCEDURE_CODE,
        "citizen_sessions": sessions,
        "staff_session": _mfa_session(world.reception_officer),
        "staff_queue_path": reverse("office:queue", kwargs={"queue": "tiep-nhan"}),
        "staff_dossier_paths": dossier_paths,
        "lookups": lookups,
        "lookup_path": reverse("dossiers:lookup"),
        "catalogue_path": reverse("procedures:list"),
        "procedure_paths": [reverse("procedures:detail", kwargs={"code": c}) for c in procedures],
        "queries": QUERIES,
        "draft_patch": {
            "applicant": {
                "full_name": "Nguyễn Văn An",
                "id_number": helpers.ID_NUMBER,
                "phone": helpers.PHONE,
                "address": "12 Cách Mạng Tháng Tám",
            },
            "fields": {
                "full_name": "Nguyễn Văn An",
                "id_number": helpers.ID_NUMBER,
                "new_address": "34 THĐ",
            },
            "result_delivery": "electronic",
        },
        "pdfs_hex": [helpers.pdf_bytes(f"giay to {n}", pad_to=PDF_SIZE).hex() for n in range(2)],
    }
    data_file.write_text(json.dumps(data), encoding="utf-8")


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_MIXED_USERS", "10")))
    parser.add_argument(
        "--rate", type=float, default=float(os.environ.get("BENCH_MIXED_RATE", "1"))
    )
    parser.add_argument(
        "--seconds", type=int, default=int(os.environ.get("BENCH_MIXED_SECONDS", "60"))
    )
    parser.add_argument("--_seed", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._seed:
        seed(int(args._seed[0]), Path(args._seed[1]))
        return 0
    if shutil.which("psql") is None:
        print("psql is missing: `make machine-bench` installs it", file=sys.stderr)
        return 2
    database = f"bench_mixed_{uuid.uuid4().hex[:8]}"
    psql(f"CREATE DATABASE {database}")
    database_url = ADMIN_URL.rsplit("/", 1)[0] + "/" + database
    tmp = Path(tempfile.mkdtemp(prefix="bench-mixed-"))
    media = tmp / "media"
    env = server_env(database_url, str(media))
    quiet: dict[str, Any] = {"cwd": ROOT, "env": env, "check": True, "stdout": subprocess.DEVNULL}
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], **quiet)
        subprocess.run([sys.executable, "manage.py", "import_procedures", str(CATALOGUE)], **quiet)
        # Submissions at most one per task slot: users × rate × seconds / 10 (weight 1 of 10).
        citizens = int(args.users * args.rate * args.seconds / 10 * 1.5) + 10
        data_file = tmp / "data.json"
        subprocess.run(
            [sys.executable, "-m", "bench.bench_mixed", "--_seed", str(citizens), str(data_file)],
            **quiet,
        )
        from bench.harness import free_port, wait_until_up

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with (tmp / "gunicorn.log").open("wb") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind",
                 f"127.0.0.1:{port}", "--workers", "3", "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            try:
                wait_until_up(base + "/healthz")
                prefix = tmp / "locust"
                subprocess.run(
                    [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
                     "--headless", "-u", str(args.users), "-r", str(args.users),
                     "-t", f"{args.seconds}s", "--host", base, "--csv", str(prefix),
                     "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"],
                    cwd=ROOT,
                    env={**os.environ, "BENCH_MIXED_DATA": str(data_file),
                         "BENCH_MIXED_RATE": str(args.rate)},
                    check=False,
                    timeout=args.seconds + 120,
                )  # fmt: skip
            finally:
                server.terminate()
                server.wait(timeout=20)
        return summarise(read_stats(prefix), args)
    finally:
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)


def summarise(rows: list[dict], args) -> int:
    offered = args.users * args.rate
    print(f"\nmixed load: {args.users} users × {args.rate} task/s for {args.seconds} s")
    print(
        f"{'request':<32} {'count':>6} {'fails':>6} {'err %':>6} {'p50 ms':>7} {'p95 ms':>7} {'req/s':>6}"
    )
    figures: list[Figure] = []
    ok = True
    for row in rows:
        count, fails = int(row["Request Count"]), int(row["Failure Count"])
        p50, p95 = float(row["50%"] or "nan"), float(row["95%"] or "nan")
        rate = float(row["Requests/s"] or 0)
        error_rate = 100.0 * fails / count if count else 0.0
        name = row["Name"]
        print(
            f"{name:<32} {count:>6} {fails:>6} {error_rate:>6.2f} {p50:>7.0f} {p95:>7.0f} {rate:>6.1f}"
        )
        if name == "Aggregated":
            figures.append(
                Figure(f"mixed load error rate ({count} requests, {rate:.1f} req/s offered "
                       f"{offered:.0f} task/s)", "0 %", error_rate, "%", ok=fails == 0)
            )  # fmt: skip
            figures.append(
                Figure("mixed load p95, all requests", f"< {TARGET_ALL_P95_MS:.0f} ms", p95,
                       "ms", ok=p95 < TARGET_ALL_P95_MS)
            )  # fmt: skip
            ok = ok and fails == 0 and p95 < TARGET_ALL_P95_MS
            continue
        limit = TARGET_UPLOAD_P95_MS if "upload" in name else TARGET_P95_MS
        figures.append(
            Figure(f"mixed: {name} p95 ({count} req, {fails} failed)", f"< {limit:.0f} ms",
                   p95, "ms", ok=p95 < limit and fails == 0)
        )  # fmt: skip
        ok = ok and p95 < limit and fails == 0
    for figure in figures:
        report(figure)
    return 0 if ok and rows else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
