"""The online submission profiled in process: queries and CPU per request (issue 22).

    DATABASE_URL=… REDIS_URL=… .venv/bin/python -m bench.profile_submissions \
        [--dossiers 20] [--trace STEP] [--profile out.prof]

With the settings of `bench.bench_submissions` (DEBUG off, no virus scan, tasks queued to the
configured broker), on a fresh database beside DATABASE_URL's (migrated, dropped at the end), it runs the bench's journey through Django's test client — the whole middleware
stack, a real session per citizen: create, `PATCH`, two 200 KB uploads, submit. For each step:
queries (`CaptureQueriesContext`, after-commit work included) and this process's CPU time
(`time.process_time`, PostgreSQL's own work is not in it), medians over the journeys, then the
totals per dossier. `--trace STEP` prints the queries of the last run of that step grouped by
shape, with where they came from; `--profile` writes cProfile of the last five journeys.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import statistics
import sys
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from bench.profile_office import _shape

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("create", "patch", "upload", "submit")


def _setup() -> tuple[str, str]:
    """A fresh database beside DATABASE_URL's (the factories' sequences start again each run)."""
    import subprocess
    import uuid

    name = f"profile_submissions_{uuid.uuid4().hex[:8]}"
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    subprocess.run(["psql", server + "/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    os.environ["DATABASE_URL"] = f"{server}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench_submissions")
    os.environ.update(
        {
            "DJANGO_DEBUG": "false",
            "VIRUS_SCANNER": "none",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)
    if "MEDIA_ROOT" not in os.environ:
        import tempfile

        os.environ["MEDIA_ROOT"] = os.environ.get("TEST_MEDIA_ROOT") or tempfile.mkdtemp()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    return f"{server}/postgres", name


def _drop(admin: str, name: str) -> None:
    import subprocess

    from django.db import connections

    connections.close_all()
    subprocess.run(
        ["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True
    )


def _origin() -> str:
    """The three innermost frames of the project's own code that led to the query."""
    frames = []
    for frame in reversed(traceback.extract_stack()[:-1]):
        path = frame.filename
        if str(ROOT) in path and "/bench/" not in path and ".venv" not in path:
            frames.append(f"{Path(path).relative_to(ROOT)}:{frame.lineno} {frame.name}")
            if len(frames) == 3:
                break
    return " < ".join(frames) or "?"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=20)
    parser.add_argument("--trace", choices=(*STEPS, "all"), default=None)
    parser.add_argument("--profile", default="")
    args = parser.parse_args(argv)
    admin, name = _setup()
    try:
        return _run(args)
    finally:
        _drop(admin, name)


def _run(args: argparse.Namespace) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.bench_submissions import PDF_SIZE, multipart
    from dossiers.tests.submission_helpers import make_citizen, make_world, pdf_bytes

    world = make_world()
    pdfs = [pdf_bytes(f"giay to {n}", pad_to=PDF_SIZE) for n in range(2)]
    queries: dict[str, list[int]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    last: dict[str, list[tuple[str, str]]] = {}
    profiler = cProfile.Profile() if args.profile else None

    def call(client: Client, step: str, method: str, path: str, **kwargs: Any) -> dict:
        traced: list[tuple[str, str]] = []

        def where(execute, sql, params, many, context):
            if args.trace in (step, "all"):
                traced.append((sql, _origin()))
            return execute(sql, params, many, context)

        started = time.process_time()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(where):
            response = getattr(client, method)(path, **kwargs)
        cpu[step].append((time.process_time() - started) * 1000)
        queries[step].append(len(captured.captured_queries))
        last[step] = traced  # BEGIN and COMMIT are counted above but not traced here
        assert response.status_code < 300, (step, response.status_code, response.content[:300])
        return response.json()

    client = Client()  # one handler, its middleware loaded once, as in a gunicorn worker
    for number in range(args.dossiers):
        client.logout()
        client.force_login(make_citizen())
        if profiler and number >= args.dossiers - 5:
            profiler.enable()
        data = call(
            client,
            "create",
            "post",
            "/api/v1/dossiers",
            data={"procedure_code": world.procedure.code},
            content_type="application/json",
        )
        url = f"/api/v1/dossiers/{data['uuid']}"
        patch = {
            "applicant": {
                "full_name": "Nguyễn Văn An",
                "id_number": "072090001234",
                "phone": "0912345678",
                "address": "12 Cách Mạng Tháng Tám",
            },
            "fields": {
                "full_name": "Nguyễn Văn An",
                "id_number": "072090001234",
                "new_address": "34 THĐ",
            },
            "result_delivery": "electronic",
        }
        call(client, "patch", "patch", url, data=json.dumps(patch), content_type="application/json")
        slots = [c for c in data["components"] if c["source"] != "state_holds"]
        for component, pdf in zip(slots, pdfs, strict=True):
            body, content_type = multipart(
                {"requirement_code": component["requirement_code"]}, "giay-to.pdf", pdf
            )
            call(client, "upload", "post", f"{url}/documents", data=body, content_type=content_type)
        call(
            client,
            "submit",
            "post",
            f"{url}/submit",
            data={"declaration": True},
            content_type="application/json",
        )
        if profiler:
            profiler.disable()

    skip = min(2, args.dossiers - 1)  # the first journeys warm caches and imports
    print(f"{'step':<8} {'queries':>8} {'CPU median ms':>14}")
    total_q = total_cpu = 0.0
    for step in STEPS:
        per = 2 if step == "upload" else 1
        q = statistics.median(queries[step][skip * per :])
        c = statistics.median(cpu[step][skip * per :])
        total_q += q * per
        total_cpu += c * per
        print(f"{step:<8} {q:>8.0f} {c:>14.1f}")
    print(
        f"per dossier: {total_q:.0f} queries, {total_cpu:.0f} ms CPU (load {os.getloadavg()[0]:.1f})"
    )
    for step in STEPS if args.trace == "all" else [args.trace] if args.trace else []:
        print(f"\n== {step}: the last run's queries by shape, and where they came from")
        shapes = Counter(_shape(sql) for sql, _ in last[step])
        origins: dict[str, set[str]] = defaultdict(set)
        for sql, origin in last[step]:
            origins[_shape(sql)].add(origin)
        for shape, count in shapes.most_common():
            print(f"{count:>3} × {shape[:150]}\n      ← {'; '.join(sorted(origins[shape]))}")
    if profiler:
        profiler.dump_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
