"""The drill's world, made once for the module: a database of its own on the shared PostgreSQL
(created and migrated here, dropped afterwards), a private redis-server (cache in DB 0, broker
in DB 1), moto's S3, the replica relay, an SMTP sink and the signing keys; then two nodes, two
workers on separate queues and (in the burst) one beat. Nothing of the pytest process's own
Django is used: every portal-side step runs in the cluster's processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.drill.cluster import Cluster, Relay, S3Endpoint, SmtpSink, admin_url, base_env
from tests.faults.stack import ROOT, RedisServer

BURST = 50


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/drill/" in str(item.fspath):
            item.add_marker(pytest.mark.drill)


def _psql(url: str, sql: str) -> str:
    out = subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-Atqc", sql],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return out.stdout.strip()


def _manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    out = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if out.returncode:
        pytest.fail(f"{args} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    return out.stdout


@pytest.fixture(scope="module")
def cluster():
    shared = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    admin = admin_url(shared)
    name = f"drill_{uuid.uuid4().hex[:10]}"
    database_url = admin.rsplit("/", 1)[0] + "/" + name
    port = int(shared.split("@", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
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
    world = Cluster(env=env, root=root, s3=s3, relay=relay, smtp=smtp)
    _psql(admin, f"CREATE DATABASE {name}")
    try:
        setup_env, _media, _tmp = world.process_env("setup")
        _manage(setup_env, "manage.py", "migrate", "--no-input", "-v0")
        world.seed = json.loads(
            _manage(setup_env, "-m", "tests.drill.driver", "seed", str(BURST), timeout=300)
        )
        world.database_url = database_url
        # The four processes boot side by side (each imports the whole portal).
        with ThreadPoolExecutor(4) as pool:
            nodes = [pool.submit(world.start_node, name) for name in ("node-a", "node-b")]
            main = pool.submit(world.start_worker, "worker-main", "default,documents")
            notifications = pool.submit(
                world.start_worker, "worker-notifications", "notifications,sync"
            )
            for started in nodes:
                started.result()
            world.workers = {"main": main.result(), "notifications": notifications.result()}
        yield world
    finally:
        world.stop()
        smtp.stop()
        redis.stop()
        relay.stop()
        s3.stop()
        _psql(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(autouse=True)
def _quiet_in_process_servers(caplog):
    """moto's werkzeug and aiosmtpd log every request at INFO: keep failures readable."""
    import logging

    for name in ("werkzeug", "mail.log"):
        logging.getLogger(name).setLevel(logging.WARNING)
