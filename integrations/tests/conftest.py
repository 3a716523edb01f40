"""Fixtures of the integrations tests: the simulators served by the live server, a cast of
staff around one dossier, and (for the worker test) a real Celery worker on the `sync` queue."""

from __future__ import annotations

import pytest

# The private redis-server and broker switch of the notifications tests (real parts, reused).
from notifications.tests.conftest import celery_broker, redis_server  # noqa: F401

SIM_PATH = "/tich-hop/mo-phong/dvcqg"


def enable_dvcqg(settings, base_url: str) -> None:
    from django.core.cache import cache

    settings.DVCQG_ENABLED = True
    settings.DVCQG_SIMULATOR_ENABLED = True
    settings.DVCQG_ADAPTER_URL = f"{base_url}{SIM_PATH}"
    settings.DVCQG_USERNAME = "dvcqg-simulator"
    settings.DVCQG_PASSWORD = "simulator-only-password"
    settings.DVCQG_AGENCY_CODE = "000.00.00.H53"
    settings.DVCQG_RETRY_BASE_SECONDS = 30
    settings.DVCQG_MAX_ATTEMPTS = 3
    cache.delete("integrations:dvcqg:session")


@pytest.fixture
def portal_sim(settings, live_server):
    """The National Portal simulator on the live server, and the provider pointed at it."""
    enable_dvcqg(settings, live_server.url)
    return live_server.url + SIM_PATH


@pytest.fixture
def vnpost_sim(settings, live_server):
    settings.VNPOST_ENABLED = True
    settings.VNPOST_SIMULATOR_ENABLED = True
    settings.VNPOST_API_URL = f"{live_server.url}/tich-hop/mo-phong/vnpost/api"
    settings.VNPOST_CUSTOMER_CODE = "TNSIM"
    settings.VNPOST_API_TOKEN = "vnpost-test-token"
    settings.VNPOST_CALLBACK_SECRET = "vnpost-test-secret"
    settings.VNPOST_CALLBACK_URL = f"{live_server.url}/tich-hop/vnpost/callback/"
    settings.SITE_URL = live_server.url  # the simulator calls back only the portal itself
    return live_server.url


@pytest.fixture
def cast(db):
    from dossiers.tests.factories import make_cast

    return make_cast()
