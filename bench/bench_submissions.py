"""Sustained online submissions through the API: gunicorn on PostgreSQL, then a full audit.

    .venv/bin/python -m bench.bench_submissions [--dossiers N] [--concurrency C] [--workers W]

Self-contained: creates its own PostgreSQL database (dropped afterwards), migrates it, seeds one
procedure (two documents to upload, one the state holds) and one signed-in citizen per
dossier, serves the portal with gunicorn on a free 127.0.0.1 port and drives C client threads.
Each dossier is the API journey of a citizen: `POST /api/v1/dossiers`, `PATCH` (applicant,
fields, delivery), two `POST …/documents` with a 200 KB PDF each, `POST …/submit`.

Afterwards it checks in the database that every dossier is submitted with a distinct code, that
each has both components pointing at a stored document, and that every file is in storage with
the expected size and hash. Prints throughput (dossiers/s), p50/p95 per dossier and per request,
and the error count. Target (issue 7) on the 2-core machine: ≥ 20 dossiers/s, 0 errors,
nothing missing. Uploads skip the virus scan (`VIRUS_SCANNER=none`): clamd is measured by the
documents benchmarks, not here.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

from bench.harness import ROOT, free_port, wait_until_up

ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PDF_SIZE = 200 * 1024
CSRF = "b" * 32  # an unmasked CSRF secret: the cookie and the header carry the same value
ID_NUMBER = "072090001234"
PHONE = "0912345678"


def psql(sql: str) -> None:
    subprocess.run(["psql", ADMIN_URL, "-qc", sql], check=True, stdout=subprocess.DEVNULL)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def multipart(fields: dict[str, str], file_name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Client:
    """One citizen's keep-alive connection with their session and CSRF cookies."""

    def __init__(self, base: str, session_key: str) -> None:
        parsed = urlparse(base)
        assert parsed.hostname is not None
        self.conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        self.cookies = f"sessionid={session_key}; csrftoken={CSRF}"
        self.request_ms: list[float] = []

    def call(self, method: str, path: str, body: bytes = b"", content_type: str = "") -> dict:
        headers = {"Cookie": self.cookies, "X-CSRFToken": CSRF, "Host": "127.0.0.1"}
        if content_type:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        self.conn.request(method, path, body=body or None, headers=headers)
        response = self.conn.getresponse()
        payload = response.read()
        self.request_ms.append((time.perf_counter() - started) * 1000)
        if response.status >= 300:
            raise RuntimeError(f"{method} {path} → {response.status}: {payload[:300]!r}")
        return json.loads(payload)

    def json(self, method: str, path: str, data: dict) -> dict:
        return self.call(method, path, json.dumps(data).encode(), "application/json")


def journey(client: Client, procedure_code: str, pdfs: list[bytes]) -> str:
    dossier = client.json("POST", "/api/v1/dossiers", {"procedure_code": procedure_code})
    url = f"/api/v1/dossiers/{dossier['uuid']}"
    client.json(
        "PATCH",
        url,
        {
            "applicant": {
                "full_name": "Nguyễn Văn An",
                "id_number": ID_NUMBER,
                "phone": PHONE,
                "address": "12 Cách Mạng Tháng Tám",
            },
            "fields": {
                "full_name": "Nguyễn Văn An",
                "id_number": ID_NUMBER,
                "new_address": "34 THĐ",
            },
            "result_delivery": "electronic",
        },
    )
    slots = [c for c in dossier["components"] if c["source"] != "state_holds"]
    for component, pdf in zip(slots, pdfs, strict=True):
        body, content_type = multipart(
            {"requirement_code": component["requirement_code"]}, "giay-to.pdf", pdf
        )
        client.call("POST", f"{url}/documents", body, content_type)
    return client.json("POST", f"{url}/submit", {"declaration": True})["uuid"]


def seed(count: int) -> tuple[str, list[str], list[bytes]]:
    """The procedure, `count` citizens with a session each, and the PDFs (in the bench DB)."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from dossiers.tests.submission_helpers import make_citizen, make_world, pdf_bytes

    world = make_world()
    sessions = []
    for _ in range(count):
        user = make_citizen()
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        assert store.session_key is not None
        sessions.append(store.session_key)
    pdfs = [pdf_bytes(f"giay to {n}", pad_to=PDF_SIZE) for n in range(2)]
    return world.procedure.code, sessions, pdfs


def audit(uuids: list[str], pdfs: list[bytes]) -> list[str]:
    """Everything that should exist after the run; returns what is missing or wrong."""
    from django.core.files.storage import default_storage

    from documents.models import StoredDocument
    from dossiers.models import Dossier

    problems: list[str] = []
    dossiers = list(Dossier.objects.filter(uuid__in=uuids).prefetch_related("components"))
    if len(dossiers) != len(uuids):
        problems.append(f"{len(uuids) - len(dossiers)} dossiers missing")
    codes = [d.code for d in dossiers]
    if len(set(codes)) != len(codes) or None in codes:
        problems.append("codes missing or duplicated")
    expected = {hashlib.sha256(p).hexdigest() for p in pdfs}
    pointers: list[uuid.UUID] = []
    for dossier in dossiers:
        if dossier.status != "submitted":
            problems.append(f"{dossier.uuid}: status {dossier.status}")
        uploaded = [c for c in dossier.components.all() if c.source == "uploaded"]
        if len(uploaded) != 2 or any(c.document_uuid is None for c in uploaded):
            problems.append(f"{dossier.uuid}: {len(uploaded)} uploaded components")
        pointers += [c.document_uuid for c in uploaded if c.document_uuid is not None]
    documents = {d.uuid: d for d in StoredDocument.objects.filter(uuid__in=pointers)}
    for pointer in pointers:
        document = documents.get(pointer)
        if document is None:
            problems.append(f"document {pointer} missing")
            continue
        name = document.file.name or ""
        if document.sha256 not in expected or not default_storage.exists(name):
            problems.append(f"document {pointer}: file missing or altered")
            continue
        with default_storage.open(name, "rb") as handle:
            if hashlib.sha256(handle.read()).hexdigest() != document.sha256:
                problems.append(f"document {pointer}: stored bytes differ")
    return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dossiers", type=int, default=int(os.environ.get("BENCH_DOSSIERS", "300"))
    )
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args(argv)
    if shutil.which("psql") is None:
        print("psql is missing: `make machine-bench` installs it", file=sys.stderr)
        return 2
    database = f"bench_submissions_{uuid.uuid4().hex[:8]}"
    psql(f"CREATE DATABASE {database}")
    database_url = ADMIN_URL.rsplit("/", 1)[0] + "/" + database
    media = tempfile.mkdtemp(prefix="bench-media-")
    env = {
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "MEDIA_ROOT": media,
        "VIRUS_SCANNER": "none",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10"),
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench_submissions",
    }
    os.environ.update(
        {
            **env,
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)
    log = Path(media) / "gunicorn.log"
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, check=True
        )
        procedure_code, sessions, pdfs = seed(args.dossiers)
        port = free_port()
        with log.open("w") as errors:
            server = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "portal.wsgi:application",
                    "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
                    "--log-level", "warning",
                ],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )  # fmt: skip
            try:
                base = f"http://127.0.0.1:{port}"
                wait_until_up(base + "/healthz")
                status = run_load(base, procedure_code, sessions, pdfs, args.concurrency)
            finally:
                server.terminate()
                server.wait(timeout=15)
        if status:
            print("server log (tail):\n" + "\n".join(log.read_text().splitlines()[-15:]))
        return status
    finally:
        from django.db import connections

        connections.close_all()
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        shutil.rmtree(media, ignore_errors=True)


def run_load(
    base: str, procedure_code: str, sessions: list[str], pdfs: list[bytes], concurrency: int
) -> int:
    queue = list(sessions)
    lock = threading.Lock()
    done: list[str] = []
    dossier_ms: list[float] = []
    request_ms: list[float] = []
    errors: list[str] = []

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                session = queue.pop()
            client = Client(base, session)
            started = time.perf_counter()
            try:
                uuid_ = journey(client, procedure_code, pdfs)
            except (OSError, RuntimeError, ValueError) as error:
                with lock:
                    errors.append(str(error))
                continue
            finally:
                client.conn.close()
            with lock:
                done.append(uuid_)
                dossier_ms.append((time.perf_counter() - started) * 1000)
                request_ms.extend(client.request_ms)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    problems = audit(done, pdfs)
    rate = len(done) / seconds if seconds else 0.0
    print(f"dossiers submitted   {len(done)} in {seconds:.1f} s with {concurrency} clients")
    print(f"throughput           {rate:.1f} dossiers/s (target ≥ 20)")
    print(
        f"per dossier          p50 {statistics.median(dossier_ms) if dossier_ms else float('nan'):.0f} ms"
        f"  p95 {percentile(dossier_ms, 95):.0f} ms"
    )
    print(f"per request          p95 {percentile(request_ms, 95):.0f} ms")
    print(f"errors               {len(errors)}")
    print("load average         " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    for error in errors[:5]:
        print(f"  {error}")
    print(f"audit                {'all present' if not problems else '; '.join(problems[:5])}")
    from bench.harness import Figure, report

    report(Figure(f"online submissions ({len(done)} dossiers, {concurrency} clients)", "≥ 20/s",
                  rate, "dossiers/s", ok=rate >= 20))  # fmt: skip
    report(Figure("submission journey p95 per request", "", percentile(request_ms, 95), "ms"))
    report(Figure("submission errors", "0", float(len(errors)), ok=not errors))
    report(Figure("submission audit: dossiers or files missing", "0", float(len(problems)),
                  ok=not problems))  # fmt: skip
    return 0 if not errors and not problems and rate >= 20 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
