"""Statistics and exports read from a replica when one is configured (ADR 0240).

`DATABASE_REPLICA_URL` adds a `replica` alias. Reads go there only inside `replica_reads()`
(the QĐ 766 pages and their exports, the payments reconciliation file): those tolerate a replica
a few seconds behind, and they are the long scans that should not load the primary. Everything
else, every write, and the reads of sign-in data (sessions, users, MFA) stay on `default`, so
a replica that lags never signs anyone out or hides what they just wrote.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings

REPLICA = "replica"
# Read on the primary even inside replica_reads(): who is asking must never lag.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "auth", "accounts", "account", "mfa", "socialaccount", "django_celery_beat"}
)

_replica_wanted: ContextVar[bool] = ContextVar("replica_wanted", default=False)
F = TypeVar("F", bound=Callable[..., Any])


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside this block go to the replica (when there is one)."""
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


def reads_from_replica(view: F) -> F:
    """View decorator: the view's reads go to the replica (when there is one)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _replica_wanted.get() or not replica_configured():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # the replica follows the primary; nothing migrates it
