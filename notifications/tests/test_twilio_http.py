"""The SMS channel's HTTP client (ADR 0346): twilio's requests over one urllib3 pool per process,
a kept connection for every thread in flight."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from notifications.channels.twilio_http import PooledTwilioHttpClient

THREADS = 16  # the worker's threads per process (docs/deployment.md)
ROUNDS = 3


class CountingTwilio(ThreadingHTTPServer):
    """Answers Messages.json like Twilio, once THREADS requests are in flight together; counts
    the TCP connections it accepted and the requests it answered."""

    daemon_threads = True
    request_queue_size = 64  # the threads connect at once

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.clients: set[tuple[str, int]] = set()
        self.forms: list[str] = []
        self.auth: set[str] = set()
        self.in_flight = threading.Barrier(THREADS, timeout=20)
        self.lock = threading.Lock()

    @property
    def connections(self) -> int:
        """TCP connections that carried a request (one client port each)."""
        return len(self.clients)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Twilio's API
    server: CountingTwilio

    def do_POST(self) -> None:
        form = self.rfile.read(int(self.headers["Content-Length"])).decode()
        with self.server.lock:
            self.server.forms.append(form)
            self.server.auth.add(self.headers["Authorization"])
            self.server.clients.add(self.client_address)
            number = len(self.server.forms)
        self.server.in_flight.wait()
        body = json.dumps({"sid": f"SM{number:032d}", "status": "queued"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture
def twilio_api() -> Iterator[CountingTwilio]:
    server = CountingTwilio()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _send_rounds(client: Client) -> list[str]:
    """THREADS threads send one message each, ROUNDS times; between rounds every connection is
    back in the pool, as when the worker's threads record their rows."""
    sids: list[str] = []
    round_done = threading.Barrier(THREADS, timeout=20)

    def send(n: int) -> None:
        for round_ in range(ROUNDS):
            message = client.messages.create(
                to=f"+849123{n:05d}", from_="DVCTayNinh", body=f"Tin {round_}: hồ sơ đã nhận"
            )
            sids.append(message.sid)
            round_done.wait()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sids


def test_sixteen_threads_keep_sixteen_connections(twilio_api):
    base = f"http://127.0.0.1:{twilio_api.server_port}"
    http = PooledTwilioHttpClient(target_url=base, rewrite_to=base, timeout=10)
    sids = _send_rounds(Client("AC1", "secret", http_client=http))
    assert len(sids) == len(set(sids)) == THREADS * ROUNDS
    assert twilio_api.connections == THREADS  # opened in the first round, kept for the others
    assert twilio_api.auth == {"Basic QUMxOnNlY3JldA=="}  # AC1:secret
    assert sum("To=%2B84912300000" in form for form in twilio_api.forms) == ROUNDS
    assert all("Body=Tin+" in form and "From=DVCTayNinh" in form for form in twilio_api.forms)


def test_twilios_own_client_closed_connections_beyond_its_pool(twilio_api):
    """Why the client is ours: twilio's `requests` session keeps 10 http connections (6 https on
    two cores), so the other threads' connections are closed after each message."""
    base = f"http://127.0.0.1:{twilio_api.server_port}"

    class Redirected(TwilioHttpClient):
        def request(self, method, url, *args, **kwargs):
            return super().request(method, url.replace("https://api.twilio.com", base), *args,
                                   **kwargs)  # fmt: skip

    sids = _send_rounds(Client("AC1", "secret", http_client=Redirected(timeout=10)))
    assert len(sids) == THREADS * ROUNDS
    assert twilio_api.connections == THREADS + (THREADS - 10) * (ROUNDS - 1)  # 6 new per round


def test_an_unreachable_api_is_a_twilio_exception():
    """The channel turns it into a transient error (the outbox retries later)."""
    from bench.harness import free_port

    base = f"http://127.0.0.1:{free_port()}"
    http = PooledTwilioHttpClient(target_url=base, rewrite_to=base, timeout=2)
    with pytest.raises(TwilioException, match=r"POST http://127\.0\.0\.1"):
        Client("AC1", "secret", http_client=http).messages.create(
            to="+84912345678", from_="DVCTayNinh", body="x"
        )
