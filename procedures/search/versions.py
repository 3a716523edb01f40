"""The catalogue version and what is cached under it: every catalogue change bumps the version
after commit, so every key that carries it goes stale at once. The version is read once per
request and, within PROCEDURES_VERSION_RECHECK_SECONDS, trusted by this process (`_process`)."""

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started

from procedures.constants import CATALOGUE_VERSION_KEY

T = TypeVar("T")


def catalogue_version() -> int:
    """Bumped by every change the public results show; part of every search cache key.

    It starts at a random number, so that a flushed cache never brings back a version number
    some process still holds data for (list rows and vocabulary are kept per process). Read once
    per request (a page asks for it for every key it builds, and each read is a round trip), and
    at most every PROCEDURES_VERSION_RECHECK_SECONDS by this process (`_process`)."""
    if (known := getattr(_request_memo, "version", None)) is not None:
        return known
    version = _process.fresh_version()
    if version is None:
        read = cache.get_or_set(CATALOGUE_VERSION_KEY, fresh_catalogue_version, timeout=None)
        version = read if isinstance(read, int) else fresh_catalogue_version()
        _process.remember(version)
    if getattr(_request_memo, "active", False):
        _request_memo.version = version
    return version


class _ProcessCatalogue:
    """The catalogue version as this process last read it, and the fragments it keeps for it.

    Within PROCEDURES_VERSION_RECHECK_SECONDS of reading the version, a request trusts it and
    may serve a fragment from this process's memory without a round trip to the shared cache:
    another process's catalogue change is seen that much later (this process's own at once,
    `forget_catalogue_version`). 0 turns this off (the test suite)."""

    LIMIT = 512  # fragments (whole pages are ~40 KB)

    def __init__(self) -> None:
        self.version: int | None = None
        self.read_at = 0.0
        self.fragments: dict[str, tuple[float, Any]] = {}

    def fresh_version(self) -> int | None:
        seconds = settings.PROCEDURES_VERSION_RECHECK_SECONDS
        if seconds and self.version is not None and time.monotonic() - self.read_at < seconds:
            return self.version
        return None

    def remember(self, version: int) -> None:
        if version != self.version:
            self.version, self.fragments = version, {}
        self.read_at = time.monotonic()

    def get(self, key: str) -> Any:
        held = self.fragments.get(key)
        return held[1] if held is not None and held[0] > time.monotonic() else None

    def keep(self, key: str, value: Any, seconds: int) -> None:
        if not settings.PROCEDURES_VERSION_RECHECK_SECONDS:
            return
        if len(self.fragments) >= self.LIMIT:
            self.fragments = {}
        self.fragments[key] = (time.monotonic() + seconds, value)

    def forget(self) -> None:
        self.version, self.read_at, self.fragments = None, 0.0, {}


_process = _ProcessCatalogue()

# The catalogue version as read by the request this thread is serving (none between requests,
# so a command or a test always reads the cache).
_request_memo = threading.local()


def _request_began(**kwargs: Any) -> None:
    _request_memo.active, _request_memo.version = True, None


def _request_ended(**kwargs: Any) -> None:
    _request_memo.active, _request_memo.version = False, None


request_started.connect(_request_began, dispatch_uid="procedures.search.request_began")
request_finished.connect(_request_ended, dispatch_uid="procedures.search.request_ended")


def forget_catalogue_version() -> None:
    """Called when this process bumps the version: its own next read is of the new one."""
    _request_memo.version = None
    _process.forget()


def fresh_catalogue_version() -> int:
    return secrets.randbelow(2**31) + 1


# Part of every cache key: bumped when what is cached changes shape, so that a deploy never reads
# a page cached by the code before it (2: pages of CatalogueEntry rows, not Procedure objects;
# 3: pages carry the words they matched).
_CACHE_FORMAT = 3


def search_cache_key(*parts: object) -> str:
    """A cache key for a search result that goes stale with the next catalogue change."""
    key = (_CACHE_FORMAT, catalogue_version(), *parts)
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    return f"procedures:search:{digest}"


def catalogue_cached(parts: tuple[object, ...], build: Callable[[], T], seconds: int) -> T:
    """`build()`, kept until the catalogue changes (or `seconds` pass): in the shared cache, and
    in this process while its reading of the catalogue version is recent (`_process`).

    The shared entry is stored under a key without the version and carries the version it was
    built at; the version and the entry are read in one round trip (MGET). A hit in this
    process's memory costs no round trip at all."""
    digest = hashlib.sha256(repr((_CACHE_FORMAT, *parts)).encode()).hexdigest()
    key = f"procedures:fragment:{digest}"
    version = getattr(_request_memo, "version", None) or _process.fresh_version()
    held = _process.get(key) if version is not None and version == _process.version else None
    if held is not None:
        return held
    if version is None:
        got = cache.get_many([CATALOGUE_VERSION_KEY, key])
        read = got.get(CATALOGUE_VERSION_KEY)
        if isinstance(read, int):
            version = read
            _process.remember(version)
        else:
            version = catalogue_version()
        if getattr(_request_memo, "active", False):
            _request_memo.version = version
        hit = got.get(key)
    else:
        hit = cache.get(key)
    if isinstance(hit, tuple) and len(hit) == 2 and hit[0] == version:
        if version == _process.version:
            _process.keep(key, hit[1], seconds)
        return hit[1]
    value = build()
    cache.set(key, (version, value), seconds)
    if version == _process.version:
        _process.keep(key, value, seconds)
    return value
