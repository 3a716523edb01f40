"""Cases run by tests/test_network_guard.py in a pytest subprocess (the file name keeps the
normal collection away from them): the guard must fail the first and third, pass the second."""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from django.db import transaction

import pytest
import requests


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def url():
    server = HTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.mark.django_db
def test_http_inside_atomic(url):
    with transaction.atomic():
        requests.get(url, timeout=5)


@pytest.mark.django_db
def test_http_after_the_transaction(url):
    with transaction.atomic():
        pass
    assert requests.get(url, timeout=5).text == "ok"


@pytest.mark.django_db
def test_http_inside_atomic_with_the_error_swallowed(url):
    with transaction.atomic():
        try:
            requests.get(url, timeout=5)
        except Exception:  # a delivery loop that logs every error and goes on
            logging.getLogger(__name__).exception("swallowed")
