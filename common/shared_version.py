"""A version number in the shared cache, and fragments kept in this process under it (ADR 0350).

A fragment that only a change of some rows can alter (the helpdesk's FAQ panel on a procedure
page) is rendered once per version of those rows. Writers bump the version after their commit;
readers trust this process's reading of it for `recheck_seconds` (a callable, read on each use,
so tests can set it to 0), so a hot fragment costs no query and no round trip. A change made
through another process shows at most that much later; this process's own at once.
"""

import hashlib
import secrets
import threading
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction


class SharedVersion:
    """The version under `key` and the fragments (strings) this process built for it."""

    LIMIT = 1024  # fragments kept in this process (a few hundred bytes each)

    def __init__(self, key: str, recheck_seconds: Callable[[], float]) -> None:
        self.key = key
        self.recheck_seconds = recheck_seconds
        self._lock = threading.Lock()
        self._version: int | None = None
        self._read_at = 0.0
        self._fragments: dict[str, str] = {}

    def current(self) -> int:
        """The version: this process's reading while it is recent enough, else the cache's."""
        seconds = self.recheck_seconds()
        if seconds and self._version is not None and time.monotonic() - self._read_at < seconds:
            return self._version
        read = cache.get_or_set(self.key, _fresh, timeout=None)
        version = read if isinstance(read, int) else _fresh()
        with self._lock:
            if version != self._version:
                self._version, self._fragments = version, {}
            self._read_at = time.monotonic()
        return version

    def cached(self, parts: tuple[object, ...], build: Callable[[], str], seconds: int) -> str:
        """`build()`, kept until the version changes (or `seconds` pass in the shared cache):
        in this process's memory while recheck is on, in the shared cache always."""
        version = self.current()
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()
        held = self._fragments.get(digest)
        if held is not None and version == self._version:
            return held
        shared_key = f"{self.key}:{version}:{digest}"
        value = cache.get(shared_key)
        if not isinstance(value, str):
            value = build()
            cache.set(shared_key, value, seconds)
        if self.recheck_seconds():
            with self._lock:
                if version == self._version:
                    if len(self._fragments) >= self.LIMIT:
                        self._fragments = {}
                    self._fragments[digest] = value
        return value

    def bump_on_commit(self) -> None:
        """Make every fragment of this version stale once the current transaction commits."""
        transaction.on_commit(self._bump)

    def _bump(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:  # not in the cache (flushed): any fresh number is a new version
            cache.set(self.key, _fresh(), timeout=None)
        with self._lock:  # this process reads the new version on its next use
            self._version, self._read_at, self._fragments = None, 0.0, {}


def _fresh() -> int:
    """A random start, so that a flushed cache never brings back a version some process still
    holds fragments for."""
    return secrets.randbelow(2**31) + 1
