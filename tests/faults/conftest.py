"""Fixtures of the fault tests: one private PostgreSQL cluster for the session (migrated once
into a template database), a fresh database copied from the template and a private redis-server
per test. The shared PostgreSQL and Redis are never touched."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.faults.stack import (
    ROOT,
    FaultSetupError,
    PostgresServer,
    Process,
    RedisServer,
    portal_env,
)

TEMPLATE = "faults_template"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="session")
def private_postgres():
    base = Path(tempfile.mkdtemp(prefix="faults-pg-"))
    try:
        server = PostgresServer(base)
        server.init()
        server.start()
    except (FaultSetupError, subprocess.CalledProcessError) as error:
        shutil.rmtree(base, ignore_errors=True)
        detail = getattr(error, "stderr", b"") or b""
        pytest.fail(f"could not start a private PostgreSQL: {error} {detail[-500:]!r}")
    try:
        server.psql(f"CREATE DATABASE {TEMPLATE}")
        media = base / "media-template"
        env = portal_env(server.url(TEMPLATE), "redis://127.0.0.1:9/0", media)
        out = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if out.returncode:
            pytest.fail(f"migrate on the private PostgreSQL failed: {out.stderr[-2000:]}")
        yield server
    finally:
        server.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


@dataclass
class Stack:
    """One test's world: its database (from the template), Redis, media folder, processes."""

    postgres: PostgresServer
    redis: RedisServer
    database: str
    media: Path
    logs: Path
    processes: list[Process] = field(default_factory=list)

    @property
    def database_url(self) -> str:
        return self.postgres.url(self.database)

    def env(self, **extra: str) -> dict[str, str]:
        return portal_env(self.database_url, self.redis.url(0), self.media, **extra)

    def sql(self, query: str) -> str:
        return self.postgres.psql(query, self.database)

    def count(self, query: str) -> int:
        return int(self.sql(query) or 0)

    def track(self, process: Process) -> Process:
        self.processes.append(process)
        return process

    def dump_logs(self) -> str:
        parts = []
        for path in sorted(self.logs.glob("*.log")):
            parts.append(f"--- {path.name}\n{path.read_text(errors='replace')[-2500:]}")
        return "\n".join(parts)


@pytest.fixture
def stack(private_postgres, tmp_path):
    database = f"faults_{uuid.uuid4().hex[:10]}"
    private_postgres.psql(f"CREATE DATABASE {database} TEMPLATE {TEMPLATE}")
    redis = RedisServer()
    redis.start()
    media = tmp_path / "media"
    media.mkdir()
    logs = tmp_path / "logs"
    logs.mkdir()
    world = Stack(private_postgres, redis, database, media, logs)
    try:
        yield world
    finally:
        for process in world.processes:
            process.stop()
        redis.stop()
        try:
            private_postgres.psql("SELECT 1")
        except subprocess.CalledProcessError:  # a test left the server stopped
            private_postgres.start()
        private_postgres.psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
