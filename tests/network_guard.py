"""A pytest plugin: a test fails when the code under test opens a network connection inside a
database transaction (ADR 0180: no network inside `transaction.atomic` or under a row lock).

Loaded by the root conftest.py for every test. It wraps the three doors a connection goes out
through here — `socket.create_connection` (http.client, smtplib, httpx), http.client's and
urllib3's `HTTPConnection.connect` (requests, Twilio, the gateways' clients) — and, while a test's
body runs, raises `NetworkInTransaction` when the calling thread's database connection is deeper
in `atomic` blocks than it was when the test body started. pytest-django wraps a `db` test in
transactions of its own; those are the baseline, so only the code's own `atomic` counts.
Connections from other threads (a live server) start from no atomic block at all.

Redis (cache, Celery broker) is not an HTTP connection and goes through none of these doors;
PostgreSQL is reached by libpq, outside Python's sockets.
"""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest


class NetworkInTransaction(AssertionError):
    """Raised in the code under test; the test fails with this message."""


_baselines: dict[tuple[int, str], int] = {}
_violations: list[str] = []
_active = False


def _atomic_depths() -> Iterator[tuple[str, int, bool]]:
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        yield conn.alias, len(conn.atomic_blocks), conn.in_atomic_block


def _check(door: str, target: Any) -> None:
    if not _active:
        return
    thread = threading.get_ident()
    for alias, depth, in_atomic in _atomic_depths():
        if in_atomic and depth > _baselines.get((thread, alias), 0):
            message = (
                f"network call inside transaction.atomic ({door} to {target!r}, database "
                f"{alias!r} at atomic depth {depth}): record the intent in the transaction and "
                "call after commit (ADR 0180)"
            )
            _violations.append(message)
            raise NetworkInTransaction(message)


def _wrap(door: str, original: Callable[..., Any], target_of: Callable[..., Any]) -> Any:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _check(door, target_of(*args, **kwargs))
        return original(*args, **kwargs)

    guarded.__wrapped__ = original  # type: ignore[attr-defined]
    return guarded


def _install() -> list[tuple[Any, str, Any]]:
    patches: list[tuple[Any, str, Any]] = [
        (
            socket,
            "create_connection",
            _wrap("socket.create_connection", socket.create_connection, lambda a, *r, **k: a),
        ),
        (
            http.client.HTTPConnection,
            "connect",
            _wrap(
                "http.client.HTTPConnection.connect",
                http.client.HTTPConnection.connect,
                lambda self, *r, **k: f"{self.host}:{self.port}",
            ),
        ),
    ]
    try:
        import urllib3.connection
    except ImportError:  # pragma: no cover - requests always brings urllib3
        pass
    else:
        original = urllib3.connection.HTTPConnection.connect
        patches.append(
            (
                urllib3.connection.HTTPConnection,
                "connect",
                _wrap(
                    "urllib3 HTTPConnection.connect",
                    original,
                    lambda self, *r, **k: f"{self.host}:{self.port}",
                ),
            )
        )
    saved = []
    for owner, name, replacement in patches:
        saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, replacement)
    return saved


def pytest_configure(config: pytest.Config) -> None:
    config._network_guard_saved = _install()  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    for owner, name, original in getattr(config, "_network_guard_saved", []):
        setattr(owner, name, original)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """The baseline is taken when the test body starts, after every fixture (pytest-django's
    transactions included) is in place. A violation fails the test even when the code under
    test caught the exception (a delivery loop that logs every error, say)."""
    global _active
    thread = threading.get_ident()
    _baselines.clear()
    _violations.clear()
    try:
        for alias, depth, _in_atomic in _atomic_depths():
            _baselines[(thread, alias)] = depth
    except Exception:  # Django not configured for this test: nothing to compare with
        _baselines.clear()
    _active = True
    try:
        outcome = yield
    finally:
        _active = False
        _baselines.clear()
    if _violations:
        found = list(_violations)
        _violations.clear()
        pytest.fail("\n".join(found), pytrace=False)
    return outcome
