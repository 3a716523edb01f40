"""The drill's world, made once for the module by `tests.drill.cluster.drill_cluster`: its own
database on the shared PostgreSQL server (created, migrated and dropped here; the pytest test
database is not used, since the portal runs in separate processes), a private redis-server,
moto's S3, the replica relay, an SMTP sink; two nodes, two workers on separate queues and, in
the burst, one beat. Nothing of the pytest process's own Django is used."""

from __future__ import annotations

import logging
import os

import pytest

from tests.drill.cluster import drill_cluster

BURST = 50


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/drill/" in str(item.fspath):
            item.add_marker(pytest.mark.drill)


@pytest.fixture(scope="module")
def cluster():
    shared = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    try:
        with drill_cluster(citizens=BURST, shared_database_url=shared) as world:
            yield world
    except RuntimeError as error:  # a setup step (migrate, seed) failed: show its output
        pytest.fail(str(error))


@pytest.fixture(autouse=True)
def _quiet_in_process_servers():
    """moto's werkzeug and aiosmtpd log every request at INFO: keep failures readable."""
    for name in ("werkzeug", "mail.log"):
        logging.getLogger(name).setLevel(logging.WARNING)
