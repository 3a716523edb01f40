"""Notifications per second, end to end: `notify()` → Redis → real Celery workers → the Twilio
simulator (served by gunicorn) → row marked sent. Next to it, a no-op Celery task through the same
workers as the baseline.

    .venv/bin/python -m bench.bench_notifications      # or: python -m bench notifications

Self-contained and bounded: it starts its own redis-server on a free port, a scratch PostgreSQL
database (created on the server of DATABASE_URL, default 127.0.0.1:5432, dropped afterwards),
gunicorn for the simulator and the notifications worker as docs/deployment.md runs it (ADR 0345:
`--pool=threads` ×16; BENCH_WORKER_PROCESSES, BENCH_WORKER_POOL and BENCH_WORKER_CONCURRENCY try
other layouts); BENCH_NOTIFICATIONS messages (default 1000), at most
BENCH_MAX_SECONDS (default 120) per phase. Beside the rates it gives the CPU time each part used
per message (workers, simulator, PostgreSQL backends, redis-server), read from /proc: on a
shared machine a rate moves with the load, the CPU per message much less. Its figures go to
`make bench`'s table (`bench.harness.report`), the no-op task as the baseline. Exit status 1
when below the target.
"""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import psutil

from bench.harness import Figure, free_port, report, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
TARGET_PER_SECOND = 200.0
COUNT = int(os.environ.get("BENCH_NOTIFICATIONS", "1000"))
MAX_SECONDS = float(os.environ.get("BENCH_MAX_SECONDS", "120"))
# The notifications queue's worker in production (docs/deployment.md, ADR 0345): delivery waits
# on the network, so one process keeps 16 deliveries in flight on threads; another process is
# added when that one's core is busy (BENCH_WORKER_PROCESSES tries it; prefork measured worse).
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


class CpuMeter:
    """CPU seconds (user + system) the bench's parts used between two readings, from /proc.

    A part is a list of processes found when read (a worker and its pool's children, gunicorn
    and its workers, the PostgreSQL backends of the scratch database, redis-server); a process
    that starts between two readings counts from zero."""

    def __init__(self, parts: dict[str, Callable[[], list[int]]]) -> None:
        self.parts = parts

    def read(self) -> dict[str, dict[int, float]]:
        reading: dict[str, dict[int, float]] = {}
        for name, pids in self.parts.items():
            reading[name] = {}
            for pid in pids():
                with contextlib.suppress(psutil.Error):
                    times = psutil.Process(pid).cpu_times()
                    reading[name][pid] = times.user + times.system
        reading["bench process (notify, polling)"] = {0: time.process_time()}
        return reading

    @staticmethod
    def used(before: dict, after: dict) -> dict[str, float]:
        return {
            name: sum(cpu - before.get(name, {}).get(pid, 0.0) for pid, cpu in pids.items())
            for name, pids in after.items()
        }


def with_children(*pids: int) -> list[int]:
    found = []
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            found += [pid, *(c.pid for c in psutil.Process(pid).children(recursive=True))]
    return found


def database_backends() -> list[int]:
    """The PostgreSQL backends serving the scratch database (on this machine only)."""
    from django.db import connection

    if connection.settings_dict["HOST"] not in ("127.0.0.1", "localhost", "", "::1"):
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        return [row[0] for row in cursor.fetchall()]


def redis_pid(redis_url: str) -> int:
    import redis

    return int(redis.Redis.from_url(redis_url).info("server")["process_id"])


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


def bench_env(tmp: str, db_url: str, redis_url: str, sim: str) -> dict[str, str]:
    return {
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


def run_phases(redis_url: str, meter: CpuMeter) -> dict[str, tuple[float, int, dict[str, float]]]:
    """Each phase's rate, messages not delivered and CPU seconds per message by part."""
    results = {}
    before = meter.read()
    noop_rate = measure_noop(redis_url)
    after = meter.read()
    results["noop"] = (noop_rate, 0, per_message(meter.used(before, after)))
    users = bench_users()
    for channel in ("inbox", "sms"):
        before = meter.read()
        rate, failed = measure_notifications(users, channel)
        after = meter.read()
        results[channel] = (rate, failed, per_message(meter.used(before, after)))
    return results


def per_message(used: dict[str, float]) -> dict[str, float]:
    return {name: seconds / COUNT for name, seconds in used.items()}


def main() -> int:
    load_before = os.getloadavg()
    with (
        tempfile.TemporaryDirectory() as tmp,
        redis_server() as redis_url,
        scratch_database() as db_url,
    ):
        logs = Path(tmp)
        gunicorn_port = free_port()
        sim = f"http://127.0.0.1:{gunicorn_port}"
        env = bench_env(tmp, db_url, redis_url, sim)
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
            gunicorn = stack.enter_context(process(gunicorn_args, env, logs / "gunicorn.log"))
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
            redis = redis_pid(redis_url)
            meter = CpuMeter(
                {
                    "Celery workers": lambda: with_children(*(w.pid for w in workers)),
                    "Twilio simulator (gunicorn)": lambda: with_children(gunicorn.pid),
                    "PostgreSQL backends": database_backends,
                    "redis-server": lambda: [redis],
                }
            )
            results = run_phases(redis_url, meter)
    return summarise(results, load_before, os.getloadavg())


def summarise(results: dict, load_before: tuple, load_after: tuple) -> int:
    noop_rate = results["noop"][0]
    inbox_rate = results["inbox"][0]
    rate, failed, _cpu = results["sms"]
    ok = rate >= TARGET_PER_SECOND and failed == 0
    layout = f"{WORKER_PROCESSES} worker process(es) --pool={POOL} ×{CONCURRENCY}"
    loads = f"load average {load_before[0]:.1f} → {load_after[0]:.1f}"
    figures = [
        Figure("no-op Celery task (baseline)", "", noop_rate, "tasks/s", noop_rate),
        Figure("inbox notifications (the outbox alone)", "", inbox_rate, "/s", noop_rate),
        Figure("SMS: notify → worker → Twilio simulator", f"≥ {TARGET_PER_SECOND:.0f}/s", rate,
               "/s", noop_rate, ok),
        Figure("SMS not delivered", "0", float(failed), "", ok=failed == 0),
        Figure(f"worker processes, --pool={POOL} ×{CONCURRENCY} each", "",
               float(WORKER_PROCESSES)),
        Figure("load average, 1 min, at the start", "", load_before[0]),
    ]  # fmt: skip
    for phase, label in (("sms", "per SMS"), ("noop", "per no-op task")):
        parts = results[phase][2]
        figures.append(Figure(f"CPU {label}: all parts", "", sum(parts.values()) * 1000, "ms"))
        for part, seconds in parts.items():
            figures.append(Figure(f"CPU {label}: {part}", "", seconds * 1000, "ms"))
    print(f"{COUNT} messages each; {layout}; {loads}")
    for figure in figures:
        report(figure)
        ratio = f"  ({figure.ratio:.2f} × baseline)" if figure.ratio is not None else ""
        target = f"  [target {figure.target}]" if figure.target else ""
        print(f"  {figure.figure:<78} {figure.measured:>9.2f} {figure.unit}{ratio}{target}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
