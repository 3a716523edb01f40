"""Officer actions on the embedded default (`make run`) while two citizens submit at the same time.

    .venv/bin/python -m bench.bench_embedded

The stack is `python -m portal.embedded` (runserver, Celery worker and beat on the file broker)
over a fresh SQLite file with the demo data (tests/embedded/stack.py). The reception officer, in
Chromium, accepts BENCH_EMBEDDED_DOSSIERS dossiers one after the other; each is four timed
actions, one page load each (the workspace, the "Chờ tiếp nhận" queue, the dossier page, the
acceptance with Mẫu 01), from the click to the loaded page; beside it, the time until the
server's answer was received (Navigation Timing's responseEnd, the acceptance's redirect
included). Meanwhile two citizens, in their own browsers, submit "Đăng ký thường trú"
over and over (one with two uploads, one with a document from the data store). Baseline: GET
/healthz on the same server in the same run. Target (issue 17): officer actions p95 < 1 s.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from bench.harness import Figure, report

DOSSIERS = int(os.environ.get("BENCH_EMBEDDED_DOSSIERS", "8"))
TARGET_MS = 1000.0


def _p95(values_ms: list[float]) -> float:
    if len(values_ms) < 2:
        return values_ms[0] if values_ms else float("nan")
    return statistics.quantiles(values_ms, n=20, method="inclusive")[18]


def _baseline_ms(url: str, count: int = 30) -> float:
    timings = []
    for _ in range(count):
        started = time.monotonic()
        with urllib.request.urlopen(url + "/healthz", timeout=30) as response:  # noqa: S310
            response.read()
        timings.append((time.monotonic() - started) * 1000)
    return _p95(timings)


def _citizen_loop(stop: threading.Event, journey, uploads: list[Path]):
    """A journey body that signs in once and submits until told to stop."""
    from tests.embedded import journeys

    def body(page, outcome, base):
        journeys.sign_in(page, base, journey["email"])
        count = 0
        while not stop.is_set():
            journeys.submit_residence(
                page, base, outcome, uploads=uploads, from_store=journey["from_store"]
            )
            count += 1
        return count

    return body


def main() -> list[Figure]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings_test")
    django.setup()
    from documents.tests.helpers import make_pdf
    from tests.embedded import journeys
    from tests.embedded.stack import SECOND_CITIZEN, EmbeddedStack, add_submitted_dossiers

    folder = Path(tempfile.mkdtemp(prefix="bench-embedded-"))
    stack = EmbeddedStack(folder)
    started = time.monotonic()
    stack.prepare()
    add_submitted_dossiers(stack, DOSSIERS)
    print(f"embedded stack prepared in {time.monotonic() - started:.0f} s ({folder})", flush=True)
    uploads = []
    for name in ("to-khai.pdf", "hop-dong.pdf"):
        path = folder / name
        path.write_bytes(make_pdf(f"Giấy tờ {name}"))
        uploads.append(path)
    stack.start()
    try:
        baseline = _baseline_ms(stack.url)
        stop = threading.Event()
        citizens = [
            journeys.run_in_thread(
                "citizen uploading",
                _citizen_loop(stop, {"email": journeys.DEMO_CITIZEN, "from_store": False}, uploads),
                stack.url,
            ),
            journeys.run_in_thread(
                "citizen from the data store",
                _citizen_loop(stop, {"email": SECOND_CITIZEN, "from_store": True}, uploads[:1]),
                stack.url,
            ),
        ]
        time.sleep(5)  # the citizens are signed in and working
        officer_thread, officer = journeys.run_in_thread(
            "officer", journeys.officer_accepting, stack.url, DOSSIERS
        )
        officer_thread.join(timeout=1800)
        stop.set()
        for thread, _outcome in citizens:
            thread.join(timeout=300)
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)
    timings_ms = [seconds * 1000 for seconds in officer.timings]
    answers_ms = [seconds * 1000 for seconds in officer.answers if seconds >= 0]
    accepts_ms = timings_ms[3::4]
    submitted = sum(int(outcome.result or 0) for _thread, outcome in citizens)
    faults = officer.faults + [f for _thread, outcome in citizens for f in outcome.faults]
    errors = [o.error for o in [officer] + [outcome for _t, outcome in citizens] if o.error]
    print(
        f"officer: {len(timings_ms)} actions, {len(accepts_ms)} acceptances; citizens submitted"
        f" {submitted} dossiers meanwhile; faults: {faults or 'none'}; errors: {errors or 'none'}",
        flush=True,
    )
    print(
        "officer actions, ms (workspace, queue, dossier, accept per dossier): "
        + ", ".join(f"{value:.0f}" for value in timings_ms),
        flush=True,
    )
    print(
        "server's answer received, ms (same order): "
        + ", ".join(f"{value:.0f}" for value in answers_ms),
        flush=True,
    )
    p95 = _p95(timings_ms)
    figures = [
        Figure(
            "embedded default: officer actions p95 (workspace, queue, dossier, accept)",
            "< 1000 ms",
            p95,
            "ms",
            baseline=baseline,
            ok=bool(timings_ms) and p95 < TARGET_MS and not faults and not errors,
        ),
        Figure(
            "embedded default: acceptance (Mẫu 01) p95",
            "< 1000 ms",
            _p95(accepts_ms),
            "ms",
            baseline=baseline,
            ok=bool(accepts_ms) and _p95(accepts_ms) < TARGET_MS,
        ),
        Figure(
            "embedded default: officer actions, server's answer received p95",
            "",
            _p95(answers_ms),
            "ms",
            baseline=baseline,
        ),
        Figure("embedded default: GET /healthz p95 (baseline)", "", baseline, "ms"),
    ]
    for figure in figures:
        report(figure)
    return figures


if __name__ == "__main__":
    for figure in main():
        print(f"{figure.figure}: {figure.measured:.0f} {figure.unit} (target {figure.target})")
