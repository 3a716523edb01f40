"""The drill's machines, all on 127.0.0.1: an S3 endpoint (moto in server mode), a counting
TCP relay that plays the read replica's address, an SMTP sink, and the portal's processes
(two gunicorn nodes, Celery workers, one beat) started from `tests.faults.stack`.

Each node gets its own empty MEDIA_ROOT and TMPDIR; the nodes share only what a province's
machines share: PostgreSQL, Redis, the bucket and the signing keys (a secret mounted on each).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from tests.faults.stack import ROOT, Process, RedisServer, free_port, wait_for

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


class PgBouncer:
    """PgBouncer in transaction mode in front of the shared PostgreSQL server, as production
    runs it: the nodes and workers connect here (the migration and the replica do not)."""

    def __init__(self, root: Path, database: str, target_port: int) -> None:
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not Path(binary).exists():
            raise RuntimeError("pgbouncer is missing (apt-get install pgbouncer)")
        self.binary = binary
        self.folder = root / "pgbouncer"
        self.folder.mkdir()
        self.port = free_port()
        self.database = database
        self.target_port = target_port
        self.proc: subprocess.Popen | None = None

    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def start(self) -> PgBouncer:
        (self.folder / "users.txt").write_text('"postgres" ""\n')
        config = self.folder / "pgbouncer.ini"
        config.write_text(
            f"[databases]\n{self.database} = host=127.0.0.1 port={self.target_port} "
            f"dbname={self.database}\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\nunix_socket_dir =\nauth_type = trust\n"
            f"auth_file = {self.folder / 'users.txt'}\npool_mode = transaction\n"
            "max_client_conn = 400\ndefault_pool_size = 12\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
            f"logfile = {self.folder / 'pgbouncer.log'}\n"
        )
        args = [self.binary, str(config)]
        if os.geteuid() == 0:  # PgBouncer refuses to run as root
            entry = pwd.getpwnam("postgres")
            self.folder.parent.chmod(0o711)  # the drill's folder: let it reach its own
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
            for path in self.folder.iterdir():
                os.chown(path, entry.pw_uid, entry.pw_gid)
            args = ["runuser", "-u", "postgres", "--", *args]
        self.proc = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )

        def listening() -> bool:
            if self.proc.poll() is not None:
                log = self.folder / "pgbouncer.log"
                raise RuntimeError(f"pgbouncer exited: {log.read_text() if log.exists() else ''}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.3):
                    return True
            except OSError:
                return False

        wait_for(listening, 30, "pgbouncer did not listen")
        return self

    def stop(self) -> None:
        """SIGKILL to the process group: `runuser` and the pgbouncer it started."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


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
    database_url: str
    seed: dict = field(default_factory=dict)
    processes: list[Process] = field(default_factory=list)
    nodes: dict[str, Node] = field(default_factory=dict)
    workers: dict[str, Process] = field(default_factory=dict)

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
        """The drill is over: every process goes at once (SIGKILL), nothing waits for it."""
        for process in reversed(self.processes):
            process.kill()

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
        "DRILL_BEAT_SECONDS": "20",
    }


def psql(url: str, sql: str) -> str:
    out = subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-Atqc", sql],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return out.stdout.strip()


def portal_command(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """`python ARGS` in the repository with `env`; its stdout, or RuntimeError with its output."""
    out = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if out.returncode:
        raise RuntimeError(f"{args} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    return out.stdout


@contextlib.contextmanager
def drill_cluster(
    *, citizens: int, shared_database_url: str, web_workers: int = 2, start_workers: bool = True
) -> Iterator[Cluster]:
    """The whole drill world (tests/drill/conftest.py and bench/bench_drill.py): a database of
    its own on the shared PostgreSQL server (created, migrated, seeded; dropped afterwards), a
    private redis-server (cache in DB 0, broker in DB 1), moto's S3, the replica relay, an SMTP
    sink and the signing keys; two nodes and, with `start_workers`, the two workers."""
    admin = admin_url(shared_database_url)
    name = f"drill_{uuid.uuid4().hex[:10]}"
    database_url = admin.rsplit("/", 1)[0] + "/" + name
    port = int(shared_database_url.split("@", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
    root = Path(tempfile.mkdtemp(prefix="drill-"))
    s3 = S3Endpoint().start()
    relay = Relay(port).start()
    redis = RedisServer()
    redis.start()
    smtp = SmtpSink().start()
    keys = root / "signing-keys"  # the secret mounted on every node and worker
    keys.mkdir()
    # The replica: the same database reached through the relay, read-only at the session level,
    # so a write the router wrongly sent there would fail loudly.
    replica_url = (
        f"postgres://postgres@127.0.0.1:{relay.port}/{name}"
        "?options=-c%20default_transaction_read_only%3Don"
    )
    env = base_env(
        database_url=database_url,
        replica_url=replica_url,
        redis_url=redis.url(0),
        broker_url=redis.url(1),
        s3=s3,
        smtp_port=smtp.port,
        keys=keys,
    )
    world = Cluster(env=env, root=root, s3=s3, relay=relay, smtp=smtp, database_url=database_url)
    psql(admin, f"CREATE DATABASE {name}")
    bouncer = PgBouncer(root, name, port)
    try:
        setup_env, _media, _tmp = world.process_env("setup")
        setup_env["DATABASE_URL"] = database_url  # the migration talks to the server itself
        portal_command(setup_env, "manage.py", "migrate", "--no-input", "-v0")
        bouncer.start()
        world.env.update(DATABASE_URL=bouncer.url(), DATABASE_TRANSACTION_POOLING="true")
        world.seed = json.loads(
            portal_command(setup_env, "-m", "tests.drill.driver", "seed", str(citizens))
        )
        # The processes boot side by side (each imports the whole portal).
        with ThreadPoolExecutor(4) as pool:
            nodes = [
                pool.submit(world.start_node, node, web_workers) for node in ("node-a", "node-b")
            ]
            if start_workers:
                main = pool.submit(world.start_worker, "worker-main", "default,documents")
                notifications = pool.submit(
                    world.start_worker, "worker-notifications", "notifications,sync"
                )
                world.workers = {"main": main.result(), "notifications": notifications.result()}
            for started in nodes:
                started.result()
        yield world
    finally:
        for step in (world.stop, bouncer.stop, smtp.stop, redis.kill, relay.stop, s3.stop):
            step()
        # Dropping waits for a checkpoint (half a minute on a busy machine): nobody needs to
        # wait for it, so it runs on in the background.
        subprocess.Popen(
            ["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        shutil.rmtree(root, ignore_errors=True)
