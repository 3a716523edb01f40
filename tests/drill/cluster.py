"""The drill's machines, all on 127.0.0.1: an S3 endpoint (moto in server mode), a counting
TCP relay that plays the read replica's address, an SMTP sink, and the portal's processes
(two gunicorn nodes, Celery workers, one beat) started from `tests.faults.stack`.

Each node gets its own empty MEDIA_ROOT and TMPDIR; the nodes share only what a province's
machines share: PostgreSQL, Redis, the bucket and the signing keys (a secret mounted on each).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
import threading
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from tests.faults.stack import Process, free_port, wait_for

BUCKET = "dvc-tayninh-drill"
S3_KEY = "drill-access-key"
S3_SECRET = "drill-secret-key"


class S3Endpoint:
    """moto's S3 in server mode (a real HTTP endpoint boto3 and django-storages talk to)."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self.port = free_port()
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> S3Endpoint:
        self.server.start()
        self.client().create_bucket(Bucket=BUCKET)
        return self

    def stop(self) -> None:
        self.server.stop()

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=S3_KEY,
            aws_secret_access_key=S3_SECRET,
            region_name="us-east-1",
        )

    def keys(self) -> dict[str, int]:
        client, keys, token = self.client(), {}, None
        while True:
            extra = {"ContinuationToken": token} if token else {}
            page = client.list_objects_v2(Bucket=BUCKET, **extra)
            keys.update({item["Key"]: item["Size"] for item in page.get("Contents", [])})
            if not page.get("IsTruncated"):
                return keys
            token = page["NextContinuationToken"]

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=BUCKET, Key=key)["Body"].read()


class Relay:
    """A TCP relay to PostgreSQL that counts the connections made through it: the `replica`
    alias points here, so every connection counted is a read the router sent to the replica."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.connections = 0
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(0.5)
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> Relay:
        self.thread.start()
        return self

    def count(self) -> int:
        with self.lock:
            return self.connections

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self.lock:
                self.connections += 1
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self.running = False
        self.listener.close()


class SmtpSink:
    """aiosmtpd: keeps the X-Notification-Id of every message the workers hand over."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.lock = threading.Lock()
        self.controller = None
        self.port = free_port()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.ids.append(str(message["X-Notification-Id"]))
        await asyncio.sleep(0)
        return "250 OK"

    def start(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def received(self) -> list[str]:
        with self.lock:
            return list(self.ids)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()


@dataclass
class Node:
    name: str
    process: Process
    base: str
    media: Path
    tmp: Path

    def files_on_disk(self) -> list[str]:
        return sorted(str(p.relative_to(self.media)) for p in self.media.rglob("*"))


@dataclass
class Cluster:
    """The environment shared by every process, and the processes started in it."""

    env: dict[str, str]
    root: Path
    s3: S3Endpoint
    relay: Relay
    smtp: SmtpSink
    processes: list[Process] = field(default_factory=list)
    nodes: dict[str, Node] = field(default_factory=dict)

    def process_env(self, name: str) -> tuple[dict[str, str], Path, Path]:
        media = self.root / name / "media"
        tmp = self.root / name / "tmp"
        media.mkdir(parents=True, exist_ok=True)
        tmp.mkdir(parents=True, exist_ok=True)
        return {**self.env, "MEDIA_ROOT": str(media), "TMPDIR": str(tmp)}, media, tmp

    def logs(self, name: str) -> Path:
        folder = self.root / name / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def start_node(self, name: str, workers: int = 2) -> Node:
        env, media, tmp = self.process_env(name)
        port = free_port()
        args = [
            sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind",
            f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning",
            "--timeout", "60",
        ]  # fmt: skip
        process = Process(args, env, self.logs(name) / "gunicorn.log").start()
        self.processes.append(process)

        def listening() -> bool:
            if not process.alive():
                raise AssertionError(f"node {name} exited: {process.tail()}")
            try:
                with socket.create_connection(("127.0.0.1", port), 0.3):
                    return True
            except OSError:
                return False

        wait_for(listening, 60, f"node {name} did not listen")
        node = Node(name, process, f"http://127.0.0.1:{port}", media, tmp)
        self.nodes[name] = node
        return node

    def start_worker(self, name: str, queues: str, concurrency: int = 2) -> Process:
        env, _media, _tmp = self.process_env(name)
        args = [
            sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", queues,
            "--pool=threads", f"--concurrency={concurrency}", "--without-gossip",
            "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
            "-n", f"{name}-{uuid.uuid4().hex[:4]}@%h",
        ]  # fmt: skip
        worker = Process(args, env, self.logs(name) / "worker.log").start()
        self.processes.append(worker)
        wait_for(
            lambda: (b" ready." in worker.log.read_bytes()) or not worker.alive(),
            90,
            f"worker {name} did not start",
        )
        if not worker.alive():
            raise AssertionError(f"worker {name} exited: {worker.tail()}")
        return worker

    def start_beat(self) -> Process:
        env, _media, tmp = self.process_env("beat")
        args = [
            sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO",
            "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
            "--pidfile", str(tmp / "beat.pid"),
        ]  # fmt: skip
        beat = Process(args, env, self.logs("beat") / "beat.log").start()
        self.processes.append(beat)
        wait_for(
            lambda: (b"beat: Starting" in beat.log.read_bytes()) or not beat.alive(),
            60,
            "beat did not start",
        )
        if not beat.alive():
            raise AssertionError(f"beat exited: {beat.tail()}")
        return beat

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    def dump_logs(self, chars: int = 2500) -> str:
        parts = []
        for path in sorted(self.root.glob("*/logs/*.log")):
            text = path.read_text(errors="replace")[-chars:]
            parts.append(f"--- {path.relative_to(self.root)}\n{text}")
        return "\n".join(parts)


def admin_url(database_url: str) -> str:
    return database_url.rsplit("/", 1)[0] + "/postgres"


def base_env(
    *, database_url: str, replica_url: str, redis_url: str, broker_url: str, s3: S3Endpoint,
    smtp_port: int, keys: Path
) -> dict[str, str]:  # fmt: skip
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "tests.drill.settings_drill",
        "DJANGO_SECRET_KEY": "drill-only-" + "x" * 40,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "DATABASE_REPLICA_URL": replica_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": s3.url,
        "S3_ACCESS_KEY_ID": S3_KEY,
        "S3_SECRET_ACCESS_KEY": S3_SECRET,
        "S3_REGION": "us-east-1",
        "SIGNING_KEYS_DIR": str(keys),
        "VIRUS_SCANNER": "none",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "NOTIFICATIONS_CHANNELS": "email,inbox",
        # A notification left queued or sending by a killed worker is picked up by the next sweep.
        "NOTIFICATIONS_QUEUED_STUCK_SECONDS": "5",
        "NOTIFICATIONS_SENDING_LEASE_SECONDS": "10",
        "SITE_URL": "http://127.0.0.1:9",
        "LOG_LEVEL": "WARNING",
        "DRILL_BEAT_SECONDS": "40",
    }
