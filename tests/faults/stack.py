"""Private PostgreSQL and Redis servers, gunicorn and Celery workers for the fault tests.

Everything here runs on 127.0.0.1 at spare ports in a temporary folder, so a test may kill or
restart it without touching the shared PostgreSQL/Redis other people (and the rest of the suite)
use. Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("FAULTS_PG_BIN", "/usr/lib/postgresql/15/bin"))


class FaultSetupError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], Any], timeout: float, message: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s: {message}")


def find_pg_bin() -> Path:
    if (PG_BIN / "initdb").exists():
        return PG_BIN
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not versions:
        raise FaultSetupError("initdb not found (apt-get install postgresql)")
    return versions[-1].parent


class PostgresServer:
    """A throw-away cluster (`initdb` + `pg_ctl`) owned by the `postgres` user when run as root."""

    def __init__(self, base: Path) -> None:
        self.bin = find_pg_bin()
        self.base = base
        self.data = base / "pgdata"
        self.socket_dir = base / "pgsock"
        self.log = base / "postgres.log"
        self.port = free_port()
        self.as_user: str | None = None
        if os.geteuid() == 0:
            self.as_user = "postgres"

    # Every server command runs as the cluster's owner (PostgreSQL refuses root).
    def _cmd(self, args: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
        if self.as_user:
            args = ["runuser", "-u", self.as_user, "--", *args]
        return subprocess.run(args, check=True, capture_output=True, timeout=120, **kwargs)

    @property
    def admin_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def init(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if self.as_user:
            entry = pwd.getpwnam(self.as_user)
            for path in (self.base, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self._cmd(
            [
                str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
            ]
        )  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.socket_dir}'\n"
                "fsync = on\nshared_buffers = 32MB\nmax_connections = 60\n"
            )

    def start(self) -> None:
        self._cmd(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
             "-t", "60", "start"]
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self._cmd([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def restart(self, mode: str = "fast") -> None:
        """Stops the server (`fast`: every connection is cut, open transactions roll back)."""
        self.stop(mode)
        self.start()

    def psql(self, sql: str, database: str = "postgres") -> str:
        out = subprocess.run(
            ["psql", self.url(database), "-v", "ON_ERROR_STOP=1", "-Atqc", sql],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return out.stdout.strip()


class RedisServer:
    """redis-server without persistence: a kill loses everything queued in it."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise FaultSetupError("redis-server is not installed (apt-get install redis-server)")
        self.binary = binary
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.answers, 15, f"redis-server on port {self.port} did not answer")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), 0.3) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def portal_env(database_url: str, redis_url: str, media: Path, **extra: str) -> dict[str, str]:
    """The environment of a production-like portal process (DEBUG off) on the private services."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(media)),
        "LANG": "C.UTF-8",
        # Production settings less the virus-scan check (bench/settings_bench_submissions.py).
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench_submissions",
        "DJANGO_SECRET_KEY": "faults-only-" + "x" * 40,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(media),
        "VIRUS_SCANNER": "none",
        "SITE_URL": "http://127.0.0.1:9",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def run_driver(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    """`python -m tests.faults.driver ARGS` in the portal environment; returns its stdout."""
    out = subprocess.run(
        [sys.executable, "-m", "tests.faults.driver", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if out.returncode:
        raise AssertionError(f"driver {args} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return out.stdout


class Process:
    """A long-running child (gunicorn, a Celery worker) with its output in a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args = args
        self.env = env
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> Process:
        handle = self.log.open("ab")
        self.proc = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        return self

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole process group: no cleanup, no acknowledgement, no goodbye."""
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if not self.alive():
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.kill()


def celery_worker(env: dict[str, str], log_dir: Path, *, queues: str, concurrency: int) -> Process:
    name = f"faults-{uuid.uuid4().hex[:6]}@%h"
    args = [
        sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", queues,
        "--pool=threads", f"--concurrency={concurrency}", "--without-gossip",
        "--without-mingle", "--without-heartbeat", "--loglevel=INFO", "-n", name,
    ]  # fmt: skip
    worker = Process(args, env, log_dir / f"worker-{uuid.uuid4().hex[:6]}.log").start()
    wait_for(
        lambda: (b" ready." in worker.log.read_bytes()) or not worker.alive(),
        90,
        "the Celery worker did not start",
    )
    if not worker.alive():
        raise AssertionError(f"the Celery worker exited: {worker.tail()}")
    return worker


def gunicorn(env: dict[str, str], log_dir: Path, *, workers: int = 2) -> tuple[Process, str]:
    port = free_port()
    args = [
        sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind",
        f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning",
        "--timeout", "60",
    ]  # fmt: skip
    server = Process(args, env, log_dir / "gunicorn.log").start()
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if not server.alive():
            raise AssertionError(f"gunicorn exited: {server.tail()}")
        try:
            with socket.create_connection(("127.0.0.1", port), 0.3):
                return True
        except OSError:
            return False

    wait_for(up, 60, "gunicorn did not listen")
    return server, base


@contextlib.contextmanager
def stopping(*processes: Process) -> Iterator[None]:
    try:
        yield
    finally:
        for process in processes:
            process.stop()
