"""A passing fault gets a Vietnamese 503 page and a log line, never a debug page (issue 17).

DEBUG is on in these tests, as on the embedded default (`make run`), where Django would otherwise
answer with its technical 500 page.
"""

import logging
import socket
from importlib import import_module

from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path

import pytest

from common.middleware import transient_fault_kind


def _locked(request):
    # What SQLite's driver raises when the busy timeout runs out; the same class Django wraps.
    raise OperationalError("database is locked")


def _other_operational_error(request):
    raise OperationalError("no such table: nowhere")


def _slow_service(request):
    import requests

    # A real time-out: a server that accepts the connection and never answers.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        requests.get(f"http://127.0.0.1:{port}/", timeout=0.3)
    raise AssertionError("the request should have timed out")


def _remembers_something(request):
    # The session is saved by SessionMiddleware after this view has returned.
    request.session["seen"] = True
    return HttpResponse("ok")


def _locked_on_the_way_out(get_response):
    """A response middleware that writes (as a session or an audit middleware would)."""

    def middleware(request):
        get_response(request)
        raise OperationalError("database is locked")

    return middleware


urlpatterns = [
    path("locked/", _locked),
    path("remember/", _remembers_something),
    path("other/", _other_operational_error),
    path("slow/", _slow_service),
    path("", include("portal.urls")),
]

pytestmark = [pytest.mark.urls(__name__)]


@override_settings(DEBUG=True)
def test_database_is_locked_gets_the_busy_page_and_a_log_line(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level("WARNING", logger="common.middleware"):
        response = client.get("/locked/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "Hệ thống đang bận xử lý yêu cầu khác" in body
    assert "Traceback" not in body
    assert any(
        "database_busy" in r.getMessage() and "/locked/" in r.getMessage() for r in caplog.records
    )


@override_settings(DEBUG=True)
@pytest.mark.django_db
def test_database_locked_while_saving_the_session_gets_the_busy_page(client, caplog, monkeypatch):
    """The view has returned; the session's save runs into the lock (session 4's finding)."""

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    store = import_module(settings.SESSION_ENGINE).SessionStore
    monkeypatch.setattr(store, "save", locked)
    monkeypatch.setattr(store, "create", locked)
    client.raise_request_exception = False
    with caplog.at_level("WARNING"):
        response = client.get("/remember/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "Hệ thống đang bận xử lý yêu cầu khác" in body
    assert "Traceback" not in body
    assert "OperationalError" not in body
    faults = [r for r in caplog.records if "database_busy" in r.getMessage()]
    assert len(faults) == 1
    assert "/remember/" in faults[0].getMessage()
    # One line of ours, not Django's "Internal Server Error" traceback besides it.
    assert not [r for r in caplog.records if r.exc_info]


@pytest.mark.django_db
def test_database_locked_in_a_response_middleware_gets_the_busy_page(client, caplog):
    middleware = [*settings.MIDDLEWARE, f"{__name__}._locked_on_the_way_out"]
    with override_settings(DEBUG=True, MIDDLEWARE=middleware):
        client.raise_request_exception = False
        with caplog.at_level(logging.WARNING):
            response = client.get("/remember/")
    assert response.status_code == 503
    assert "Hệ thống đang bận xử lý yêu cầu khác" in response.content.decode()
    assert not [r for r in caplog.records if r.exc_info]


@override_settings(DEBUG=True)
@pytest.mark.django_db
def test_other_faults_after_the_view_stay_server_errors(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("no such table: django_session")

    store = import_module(settings.SESSION_ENGINE).SessionStore
    monkeypatch.setattr(store, "save", broken)
    monkeypatch.setattr(store, "create", broken)
    client.raise_request_exception = False
    response = client.get("/remember/")
    assert response.status_code == 500


@override_settings(DEBUG=True)
def test_a_service_time_out_gets_the_busy_page(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level("WARNING", logger="common.middleware"):
        response = client.get("/slow/")
    assert response.status_code == 503
    assert "Một dịch vụ liên kết không trả lời kịp" in response.content.decode()
    assert any("service_timeout" in r.getMessage() for r in caplog.records)


@override_settings(DEBUG=False)
def test_other_database_errors_stay_server_errors(client):
    client.raise_request_exception = False
    response = client.get("/other/")
    assert response.status_code == 500


def test_fault_kinds():
    import requests

    assert transient_fault_kind(OperationalError("database is locked")) == "database_busy"
    assert transient_fault_kind(OperationalError("canceling statement due to lock timeout")) == (
        "database_busy"
    )
    assert transient_fault_kind(requests.ConnectTimeout()) == "service_timeout"
    assert transient_fault_kind(ValueError("database is locked")) is None
