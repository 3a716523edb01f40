"""Notifications per second, end to end: `notify()` → Redis → a real Celery worker → the Twilio
simulator (served by gunicorn) → row marked sent. Next to it, a no-op Celery task through the same
worker as the baseline.

    .venv/bin/python -m bench.bench_notifications

Self-contained and bounded: it starts its own redis-server on a free port, a scratch PostgreSQL
database (created on the server of DATABASE_URL, default 127.0.0.1:5432, dropped afterwards),
gunicorn for the simulator and a prefork worker; BENCH_NOTIFICATIONS messages (default 1000),
at most BENCH_MAX_SECONDS (default 120) per phase. Exit status 1 when below the target.
"""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

from bench.harness import free_port, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
TARGET_PER_SECOND = 200.0
COUNT = int(os.environ.get("BENCH_NOTIFICATIONS", "1000"))
MAX_SECONDS = float(os.environ.get("BENCH_MAX_SECONDS", "120"))
# Delivery waits on the network and the database, not the CPU: a thread pool keeps many
# deliveries in flight (the recommended pool for the `notifications` queue, docs/notifications.md).
POOL = os.environ.get("BENCH_WORKER_POOL", "threads")
CONCURRENCY = int(os.environ.get("BENCH_WORKER_CONCURRENCY", "16"))
WORKER_PROCESSES = int(os.environ.get("BENCH_WORKER_PROCESSES", "1"))
SIM_WORKERS = os.environ.get("BENCH_SIM_WORKERS", "2")  # gunicorn processes serving the simulator


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("bench_notifications needs redis-server (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(port=port)
        for _ in range(100):
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    import psycopg

    server = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal"))
    name = f"bench_notifications_{os.getpid()}"
    admin = server._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def process(args: list[str], env: dict, log: Path) -> Iterator[subprocess.Popen]:
    with log.open("wb") as handle:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_for_log(log: Path, marker: bytes, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while marker not in log.read_bytes():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{log.name}: {marker!r} not seen in {seconds} s")
        time.sleep(0.2)


def measure_noop(redis_url: str) -> float:
    import redis

    from notifications.tasks import noop

    client = redis.Redis.from_url(redis_url)
    started = time.perf_counter()
    for i in range(COUNT):
        noop.delay(i)
    deadline = time.monotonic() + MAX_SECONDS
    while client.llen("notifications") or client.hlen("unacked"):
        if time.monotonic() > deadline:
            raise RuntimeError("no-op tasks did not drain in time")
        time.sleep(0.01)
    return COUNT / (time.perf_counter() - started)


def bench_users() -> list:
    from accounts.models import CitizenProfile, User

    users = User.objects.bulk_create(
        User(email=f"bench{i}@example.vn", full_name=f"Nguyễn Văn {i}") for i in range(50)
    )
    CitizenProfile.objects.bulk_create(
        CitizenProfile(user=u, phone=f"09123{i:05d}", full_name=u.full_name)
        for i, u in enumerate(users)
    )
    return users


def measure_notifications(users: list, channel: str) -> tuple[float, int]:
    from notifications.constants import EVENTS, Event, NotificationStatus
    from notifications.models import Notification
    from notifications.services import notify

    context = EVENTS[Event.PAYMENT_DUE].sample
    done = (NotificationStatus.SENT, NotificationStatus.DELIVERED)
    started = time.perf_counter()
    ids: list[int] = []
    while len(ids) < COUNT:  # one notify() per 50 recipients, as a queue-wide announcement would
        rows = notify(event=Event.PAYMENT_DUE, recipient=users, context=context, channels=[channel])
        ids += [r.pk for r in rows]
    ids = ids[:COUNT] if len(ids) > COUNT else ids
    deadline = time.monotonic() + MAX_SECONDS
    while (sent := Notification.objects.filter(pk__in=ids, status__in=done).count()) < len(ids):
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    failed = Notification.objects.filter(pk__in=ids).exclude(status__in=done).count()
    return sent / seconds, failed


def main() -> int:
    with (
        tempfile.TemporaryDirectory() as tmp,
        redis_server() as redis_url,
        scratch_database() as db_url,
    ):
        logs = Path(tmp)
        gunicorn_port = free_port()
        sim = f"http://127.0.0.1:{gunicorn_port}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_SECRET_KEY": "bench-only-" + "x" * 40,
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": db_url,
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            # The Twilio simulator stands in for Twilio: with DEBUG off only in demo mode
            # (ADR 0210); its token is generated in this run's own secrets file.
            "DEMO_MODE": "true",
            "SIMULATOR_SECRETS_FILE": str(Path(tmp) / "simulator-secrets.json"),
            "NOTIFICATIONS_SIMULATOR_BASE_URL": sim,
            "NOTIFICATIONS_CALLBACK_BASE_URL": sim,
            "LOG_LEVEL": "WARNING",
        }
        python = sys.executable
        subprocess.run(
            [python, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
        )
        gunicorn_args = [
            python, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{gunicorn_port}",
            "--workers", SIM_WORKERS, "--worker-class", "gthread", "--threads", "4", "--log-level", "warning",
        ]  # fmt: skip
        worker_args = [
            python, "-m", "celery", "-A", "portal", "worker", "-Q", "notifications", f"--pool={POOL}",
            f"--concurrency={CONCURRENCY}", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel=WARNING",
        ]  # fmt: skip
        with contextlib.ExitStack() as stack:
            stack.enter_context(process(gunicorn_args, env, logs / "gunicorn.log"))
            workers = [
                stack.enter_context(
                    process([*worker_args, "-n", f"bench{n}@%h"], env, logs / f"worker{n}.log")
                )
                for n in range(WORKER_PROCESSES)
            ]
            wait_until_up(sim + "/healthz")
            os.environ.update(env)
            import django

            django.setup()
            time.sleep(3)  # the worker forks its children (no readiness line at WARNING)
            if any(w.poll() is not None for w in workers):
                print((logs / "worker0.log").read_text()[-3000:])
                return 1
            noop_rate = measure_noop(redis_url)
            users = bench_users()
            inbox_rate, _inbox_failed = measure_notifications(users, "inbox")
            rate, failed = measure_notifications(users, "sms")
    ratio = rate / noop_rate if noop_rate else 0.0
    ok = rate >= TARGET_PER_SECOND and failed == 0
    rows = [
        ("no-op Celery task (baseline), tasks/s", "—", f"{noop_rate:.0f}", "1.00", "—"),
        (
            "inbox notifications/s (no provider; the outbox alone)",
            "—",
            f"{inbox_rate:.0f}",
            f"{inbox_rate / noop_rate:.2f}",
            "—",
        ),
        (
            "SMS notifications/s (notify → worker → Twilio sim)",
            f"≥ {TARGET_PER_SECOND:.0f}",
            f"{rate:.0f}",
            f"{ratio:.2f}",
            "pass" if ok else "FAIL",
        ),
    ]
    print(
        f"{COUNT} messages each; {WORKER_PROCESSES} worker(s) --pool={POOL} ×{CONCURRENCY}; "
        f"not delivered: {failed}"
    )
    print(f"{'figure':<52} {'target':>8} {'measured':>9} {'ratio':>6} {'pass':>5}")
    for row in rows:
        print(f"{row[0]:<52} {row[1]:>8} {row[2]:>9} {row[3]:>6} {row[4]:>5}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
