"""Shared pieces of the benchmarks: a bounded local load generator and a gunicorn server.

Every request goes to 127.0.0.1 only; every run is bounded in request count and in time.
"""

import contextlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    """One measured target. `__main__` prints these as the summary table."""

    name: str
    connections: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float] = field(repr=False, default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def p99(self) -> float:
        return self.percentile(99)


def load(
    name: str,
    url: str,
    *,
    connections: int = 8,
    requests: int = 1000,
    max_seconds: float = 20.0,
    headers: dict[str, str] | None = None,
    ok_statuses: frozenset[int] | None = None,
) -> Result:
    """GETs `url` `requests` times over `connections` threads, stopping early after `max_seconds`.

    `headers` are sent with every request (a session cookie); a response counts as an error
    when its status is 5xx, or not in `ok_statuses` when that is given."""
    parsed = urllib.parse.urlparse(url)
    host = parsed.hostname or ""
    assert host in {"127.0.0.1", "localhost", "::1"}, "benchmarks only load this machine"
    path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + max_seconds

    def take() -> bool:
        with lock:
            if remaining[0] <= 0 or time.monotonic() > deadline:
                return False
            remaining[0] -= 1
            return True

    def worker() -> None:
        nonlocal errors
        while take():
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(host, parsed.port, timeout=10)
                conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
                response = conn.getresponse()
                response.read()
                ok = (
                    response.status in ok_statuses
                    if ok_statuses is not None
                    else response.status < 500
                )
                conn.close()
            except OSError:
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return Result(name, connections, len(latencies), errors, seconds, latencies)


@dataclass
class Figure:
    """One line of `make bench`'s summary: a measured figure against its target and baseline.

    `ok` is None when the figure has no target (a baseline, a figure shown for reference)."""

    figure: str
    target: str
    measured: float
    unit: str = ""
    baseline: float | None = None
    ok: bool | None = None
    source: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.baseline or self.measured != self.measured:  # no baseline, or NaN
            return None
        return self.measured / self.baseline


def report(figure: Figure) -> Figure:
    """Hands a figure to `python -m bench` (which prints them all in one table at the end).

    The runner sets BENCH_SUMMARY_FILE; each figure is one JSON line appended to it. Run alone,
    a benchmark prints its figures itself and this only records them when asked to."""
    path = os.environ.get("BENCH_SUMMARY_FILE")
    if path:
        import json
        from dataclasses import asdict

        record = asdict(figure)
        record["source"] = record["source"] or os.environ.get("BENCH_MODULE", "")
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return figure


def figures_from_results(
    results: list[Result], targets: dict[str, tuple[str, float]]
) -> list[Figure]:
    """Figures (p95 ms) from load results; `targets` maps a result name to (label, p95 limit)."""
    figures = []
    for r in results:
        label, limit = targets.get(r.name, ("", float("nan")))
        ok = None if limit != limit else (r.p95 < limit and r.errors == 0)
        figures.append(
            Figure(
                figure=f"{r.name} p95 ({r.rps:.0f} req/s, {r.errors} errors)",
                target=label,
                measured=r.p95,
                unit="ms",
                ok=ok,
            )
        )
    return figures


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local server)
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextlib.contextmanager
def gunicorn(
    *, workers: int = 2, env: dict[str, str] | None = None, migrate: bool = True
) -> Iterator[str]:
    """Serves the portal with gunicorn on a spare 127.0.0.1 port, production-like (DEBUG off).

    Without `env` it runs on a throw-away SQLite database with migrations applied (static files
    from the finders, see bench/settings_bench.py); yields the base URL and stops the server.
    """
    with tempfile.TemporaryDirectory() as tmp:
        server_env = {
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", tmp),
            "DJANGO_SECRET_KEY": "bench-only-" + "x" * 40,
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
            **(env or {}),
        }
        python = sys.executable
        quiet: dict[str, Any] = {
            "cwd": ROOT,
            "env": server_env,
            "check": True,
            "stdout": subprocess.DEVNULL,
        }
        if migrate:
            subprocess.run([python, "manage.py", "migrate", "--no-input", "-v0"], **quiet)
        port = free_port()
        server = subprocess.Popen(
            [
                python, "-m", "gunicorn", "portal.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                "--log-level", "warning",
            ],
            cwd=ROOT,
            env=server_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base + "/healthz")
            yield base
        finally:
            server.terminate()
            server.wait(timeout=15)
