"""Fixtures that start real servers for the notification tests: an SMTP server (aiosmtpd),
a private redis-server, a Celery worker subprocess, and the simulators on the live server."""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, message: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f}s: {message}")


class SmtpSink:
    """An aiosmtpd handler that keeps what it accepted; can hold the first DATA to let a test
    kill the client mid-delivery (then answers 451, so that message is *not* accepted)."""

    def __init__(self) -> None:
        self.accepted: list = []
        self.hold_first = False
        self.holding = threading.Event()
        self.release = threading.Event()
        self._held_once = False
        # Answers to give instead of accepting, in order (e.g. "451 ..." transient, "550 ..." final).
        self.refuse_next: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        if self.hold_first and not self._held_once:
            self._held_once = True
            self.holding.set()
            for _ in range(600):
                if self.release.is_set():
                    break
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        if self.refuse_next:
            return self.refuse_next.pop(0)
        message = message_from_bytes(
            envelope.original_content or envelope.content, policy=default_policy
        )
        self.accepted.append(message)
        return "250 OK"

    def ids(self) -> list[str]:
        return [m["X-Notification-Id"] for m in self.accepted]


@pytest.fixture
def smtp_sink():
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        pytest.fail("aiosmtpd is not installed (dev dependency)")
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    yield sink
    sink.release.set()
    controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_sink):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    return smtp_sink


@pytest.fixture
def simulators(settings, live_server):
    """Point the Twilio and Zalo channels at the simulators served by the live server."""
    from notifications.channels.registry import get_channel

    base = live_server.url
    settings.TWILIO_API_BASE_URL = f"{base}/thong-bao/mo-phong/twilio"
    settings.ZALO_OAUTH_URL = f"{base}/thong-bao/mo-phong/zalo/oauth"
    settings.ZALO_API_URL = f"{base}/thong-bao/mo-phong/zalo/api"
    settings.NOTIFICATIONS_CALLBACK_BASE_URL = base
    get_channel.cache_clear()
    yield base
    get_channel.cache_clear()


class RedisServer:
    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, 10, f"redis-server on port {self.port} did not answer")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), 0.2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL: everything queued in memory is lost (no persistence configured)."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture
def redis_server():
    """Our own redis-server on a free port: tests may kill it; the shared Redis is never touched."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(binary)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def celery_broker(redis_server):
    """Make this test process publish tasks to `redis_server` instead of running them eagerly."""
    from portal.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = redis_server.url
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    yield redis_server
    app.conf.broker_url, app.conf.task_always_eager = saved
    app._pool = None
    app.amqp._producer_pool = None


class Worker:
    def __init__(self, env: dict, log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.proc: subprocess.Popen | None = None
        self.log: Path | None = None

    def start(self) -> None:
        self.log = self.log_dir / f"worker-{uuid.uuid4().hex[:8]}.log"
        handle = self.log.open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                "notifications",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                "-n",
                f"notif-test-{uuid.uuid4().hex[:6]}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        wait_for(self._ready, 60, f"the Celery worker did not start; log: {self.log}")

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            pytest.fail(f"the Celery worker exited: {self.log.read_text()[-2000:]}")
        return b" ready." in self.log.read_bytes()

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@pytest.fixture
def celery_worker_factory(django_db_setup, celery_broker, smtp_sink, live_server, tmp_path):
    """Starts `celery -A portal worker -Q notifications` on the test database and our Redis."""
    from django.db import connection

    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_SECRET_KEY": "worker-test-secret",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": celery_broker.url,
        "CELERY_BROKER_URL": celery_broker.url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
        "NOTIFICATIONS_SIMULATOR_BASE_URL": live_server.url,
        "NOTIFICATIONS_CALLBACK_BASE_URL": live_server.url,
        "MEDIA_ROOT": os.environ.get("TEST_MEDIA_ROOT", "/tmp/portal-test-media"),
        "LOG_LEVEL": "INFO",
    }
    workers: list[Worker] = []

    def start() -> Worker:
        worker = Worker(env, tmp_path)
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
