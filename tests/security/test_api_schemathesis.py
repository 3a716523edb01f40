"""Property-based tests of the REST API against its own OpenAPI document (schemathesis).

Every operation in `/api/v1/openapi.json` is called with generated inputs, signed out and as a
signed-in citizen (session cookie + CSRF token, as the portal's own pages call it). No response
may be a 5xx, and every documented response must match its schema and content type.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from portal.wsgi import application

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls go through the real WSGI handler, whose request signals would close the test's
    database connection (Django's test client unhooks them the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _room_for_the_lookup(settings):
    # The public lookup's rate limit would answer 429 (documented) after ten calls; let the
    # generated calls reach the code behind it.
    settings.DOSSIER_LOOKUP_LIMIT = 10_000
    settings.DOCUMENTS_VERIFY_RATE_LIMIT = "10000/m"
    settings.VIRUS_SCANNER = "none"


@schema.parametrize()
@HYPOTHESIS
def test_signed_out(case):
    case.call_and_validate(checks=CHECKS)


@pytest.fixture
def session_headers(citizen, client):
    from django.middleware.csrf import _get_new_csrf_string

    client.force_login(citizen)  # makes the session without a request through the handler
    session = client.cookies["sessionid"].value
    token = _get_new_csrf_string()
    return {"Cookie": f"sessionid={session}; csrftoken={token}", "X-CSRFToken": token}


@schema.parametrize()
@HYPOTHESIS
def test_signed_in_citizen(case, session_headers):
    case.call_and_validate(checks=CHECKS, headers=session_headers)
