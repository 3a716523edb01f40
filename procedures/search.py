"""Catalogue search (a read module of the selectors layer; `procedures.selectors` re-exports it).

- Matching and ranking happen in the database, in **one statement** per page (`_run`):
  the ids of the page in ranked order and the total as `COUNT(*) OVER ()`. On PostgreSQL the
  words are matched through the generated, GIN-indexed `tsvector` of the folded text
  (`common.search.words_in_sql`, migration 0004); on SQLite with `INSTR` on the same text.
  The statement is written out rather than built with the ORM: building and compiling the ORM
  query cost more than running it (ADR 0170).
- What a result list shows of each procedure (`CatalogueEntry`) is read once per catalogue
  version for the whole catalogue and kept in the process (`catalogue_entries`).
- Typos: when nothing matches, words no procedure name knows are corrected against the
  vocabulary of names (`_corrections`); PostgreSQL then falls back to trigram similarity.
- A page of results is cached for `PROCEDURES_SEARCH_CACHE_SECONDS` under a key that carries
  the catalogue version, which every catalogue change bumps after commit.
"""

import bisect
import difflib
import functools
import hashlib
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from agencies.models import Agency
from common.search import words_in_sql
from common.text import fold
from procedures.constants import (
    CATALOGUE_VERSION_KEY,
    LEVEL_FIELDS,
    OnlineLevel,
    ProcedureLevel,
)
from procedures.models import (
    CODE_PATTERN,
    ApplicantType,
    Procedure,
    ProcedureChannel,
    ProcedureField,
)

_WORD = re.compile(r"\w+", re.UNICODE)
T = TypeVar("T")
# Query words: letters and digits only (an underscore is neither a word to look for nor safe
# in a LIKE or a tsquery).
_QUERY_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    level: str = ""
    field: str = ""
    agency: str = ""
    online: str = ""
    applicant: str = ""
    free: bool | None = None


@dataclass(frozen=True)
class CatalogueChannel:
    channel: str
    time_value: Decimal | None
    time_unit: str
    fee_vnd: int | None


@dataclass(frozen=True)
class CatalogueEntry:
    """What a result list shows of a procedure (the list page, the API list, quick search)."""

    id: int
    code: str
    name: str
    levels: tuple[str, ...]
    field_name: str
    online_level: str
    channels: tuple[CatalogueChannel, ...]
    path: str  # of its public page
    name_html: str = ""  # the name with the matched words marked, set by the list page

    @property
    def level_labels(self) -> list[str]:
        return [str(ProcedureLevel(level).label) for level in self.levels]


@dataclass(frozen=True)
class SearchPage:
    """One page of ranked results and the total count: what the list page and the API show."""

    count: int
    number: int
    per_page: int
    items: list[CatalogueEntry]
    # The words the results were found with (the query's, or their correction) and whether
    # they were matched loosely (trigram similarity): what the highlighter marks.
    words: tuple[str, ...] = ()
    loose: bool = False

    def highlight(self, text: str) -> SafeString:
        return highlight_words(text, self.words, loose=self.loose)

    def as_django_page(self) -> Page:
        paginator = Paginator(self.items, self.per_page)
        paginator.__dict__["count"] = self.count  # known already; the items are one page only
        return Page(self.items, self.number, paginator)


def query_words(q: str) -> list[str]:
    return _QUERY_WORD.findall(fold(q))


# --- the search ---------------------------------------------------------------------------


def procedure_search(*, filters: CatalogueFilters) -> list[CatalogueEntry]:
    """Every procedure matching `filters`, ranked: exact code, then name matches, then other
    text (see `procedure_search_page` for one page)."""
    found = _search_ids(filters, 0, None)
    return catalogue_entries(found.ids)


def procedure_search_page(*, filters: CatalogueFilters, page: int, per_page: int) -> SearchPage:
    """A page of ranked results and the total, cached briefly: the public catalogue is
    read-mostly and the same queries come back all day. `page` past the end gives no items."""
    seconds = settings.PROCEDURES_SEARCH_CACHE_SECONDS
    key = search_cache_key("page", filters, page, per_page) if seconds else ""
    if key and (hit := cache.get(key)) is not None:
        return hit
    found = _search_ids(filters, (page - 1) * per_page, per_page)
    result = SearchPage(
        count=found.count,
        number=page,
        per_page=per_page,
        items=catalogue_entries(found.ids),
        words=tuple(found.words),
        loose=found.loose,
    )
    if key:
        cache.set(key, result, seconds)
    return result


@dataclass(frozen=True)
class _Found:
    count: int
    ids: list[int]
    words: list[str]  # what was searched for
    loose: bool = False  # by trigram similarity rather than by words


def _search_ids(filters: CatalogueFilters, start: int, limit: int | None) -> _Found:
    """The total and the ranked ids from `start`. Accent- and case-insensitive through the
    folded columns (tone marks and đ folded away, so "hòa"/"hoà" and "đ"/"d" meet); every query
    word must start a word of the folded text.

    Typos: when no procedure name holds every word, a word mistyped (the last one first: it is
    the one still being typed) is corrected to the name word that makes the query a name
    (`_name_corrections`), so "dang ky thuong trus" finds "Đăng ký thường trú" and not the long
    procedures that mention each word somewhere. When nothing matches at all, every unknown word
    is corrected against the vocabulary of names, then PostgreSQL falls back to trigrams."""
    raw = filters.q.strip()
    words, exact_code = query_words(raw), raw if CODE_PATTERN.match(raw) else ""
    try:
        narrowed = _filter_clauses(filters)
    except EmptyResultSet:  # the filters exclude everything
        return _Found(0, [], words)
    if words and not exact_code:
        words = _name_corrections(words)
    count, ids = _run(*_ranked(narrowed, words, exact_code), start, limit)
    if count or not words or exact_code:
        return _Found(count, ids, words)
    corrected = _corrections(words)
    if corrected != words:
        count, ids = _run(*_ranked(narrowed, corrected, ""), start, limit)
        if count:
            return _Found(count, ids, corrected)
    if not _uses_trigrams():
        return _Found(0, [], words)
    count, ids = _run(*_similar_names(narrowed, words), start, limit)
    return _Found(count, ids, words, loose=True)


class _Clauses:
    """SQL pieces and their parameters, in the order they are written."""

    def __init__(self, sql: tuple[str, ...] = (), params: tuple[Any, ...] = ()) -> None:
        self.sql: list[str] = list(sql)
        self.params: list[Any] = list(params)

    def add(self, sql: str, *params: Any) -> None:
        self.sql.append(sql)
        self.params.extend(params)

    def copy(self) -> "_Clauses":
        return _Clauses(tuple(self.sql), tuple(self.params))


def _ranked(narrowed: _Clauses, words: list[str], exact_code: str) -> tuple[_Clauses, _Clauses]:
    """(WHERE, ORDER BY) of a word search within the filters.

    Ranked by terms cheap enough to compute for every match: the exact code; names holding
    every word as a whole word, then as a word start; names starting with the query (or with
    "thủ tục" and the query); then the shortest (most specific) name, a leading "thủ tục" not
    counted; then the code."""
    where, order = narrowed.copy(), _Clauses()
    if not words:
        order.add("p.code")
        return where, order
    match, match_params = _words_in("search_text", words)
    if exact_code:
        where.add(f"({match} OR p.code = %s)", *match_params, exact_code)
        order.add("(p.code = %s) DESC", exact_code)
    else:
        where.add(match, *match_params)
    whole, whole_params = _words_in("name_folded", words, whole=True)
    prefix, prefix_params = _words_in("name_folded", words)
    folded = " ".join(words)
    # One rank for the name: every word as a whole word (4) or as a word start (2), plus one when
    # the name starts with the query. Most matches of a broad query have none of it, so the name
    # is tested further only where every word starts one of its words.
    order.add(
        f"CASE WHEN {prefix} THEN (CASE WHEN {whole} THEN 4 ELSE 2 END)"
        " + (CASE WHEN p.name_folded LIKE %s OR p.name_folded LIKE %s THEN 1 ELSE 0 END)"
        " ELSE 0 END DESC",
        *prefix_params,
        *whole_params,
        f" {folded}%",
        f" thu tuc {folded}%",
    )
    # The shortest (most specific) name first, not counting a leading "Thủ tục": "Thủ tục đăng
    # ký khai tử" is the procedure "khai tử" asks for, before "Đăng ký lại khai tử".
    order.add(
        "LENGTH(p.name_folded) - (CASE WHEN p.name_folded LIKE ' thu tuc %%' THEN 8 ELSE 0 END)"
    )
    order.add("p.code")
    return where, order


def _similar_names(narrowed: _Clauses, words: list[str]) -> tuple[_Clauses, _Clauses]:
    """PostgreSQL's last resort for a typo the vocabulary could not fix: pg_trgm word
    similarity on the name (`name_folded %> '…'`, served by the trigram index)."""
    folded = " ".join(words)
    where, order = narrowed.copy(), _Clauses()
    where.add("p.name_folded %%> %s", folded)
    order.add("word_similarity(%s, p.name_folded) DESC", folded)
    order.add("LENGTH(p.name_folded)")
    order.add("p.code")
    return where, order


def _run(where: _Clauses, order: _Clauses, start: int, limit: int | None) -> tuple[int, list[int]]:
    """One statement: the ids of one page in order with the total of the matches
    (`COUNT(*) OVER ()`), so the matching rows are found once, not for a count and a page."""
    table = connection.ops.quote_name(Procedure._meta.db_table)
    condition = " AND ".join(where.sql) or "1 = 1"
    page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(start)}"
    # Every value is a parameter; the text is built only from the fixed pieces of this module.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id, COUNT(*) OVER () FROM {table} p WHERE {condition} "  # noqa: S608
            f"ORDER BY {', '.join(order.sql)}{page}",
            [*where.params, *order.params],
        )
        if rows := cursor.fetchall():
            return rows[0][1], [pk for pk, _total in rows]
        if not start:
            return 0, []
        # Past the last page: the window counted nothing, so count on its own.
        count_sql = f"SELECT COUNT(*) FROM {table} p WHERE {condition}"  # noqa: S608
        cursor.execute(count_sql, where.params)
        return cursor.fetchone()[0], []


# The generated tsvector column of each folded column (PostgreSQL; migration 0004).
_VECTORS = {"search_text": "search_vector", "name_folded": "name_vector"}


def _words_in(column: str, words: list[str], *, whole: bool = False) -> tuple[str, list[str]]:
    """Every word starts a word of the folded column (`whole`: is a whole word there)."""
    return words_in_sql(
        f"p.{column}",
        words,
        whole=whole,
        vector=f"p.{_VECTORS[column]}",
        vendor=connection.vendor,
    )


def _filter_clauses(filters: CatalogueFilters) -> _Clauses:
    """The filters as conditions on the procedure row `p`: columns of the row directly (the
    planner then combines them with the word index), the relations through a subquery.
    Raises EmptyResultSet when a filter can meet nothing (an agency that does not exist)."""
    where = _Clauses()
    if filters.level in LEVEL_FIELDS:
        where.add(f"p.{LEVEL_FIELDS[ProcedureLevel(filters.level)]}")
    if filters.online in OnlineLevel.values:
        where.add("p.online_level = %s", filters.online)
    if filters.field:
        fields = connection.ops.quote_name(ProcedureField._meta.db_table)
        in_field = f"p.field_id IN (SELECT id FROM {fields} WHERE code = %s)"  # noqa: S608
        where.add(in_field, filters.field)
    related = Procedure.objects.order_by()
    if filters.agency:
        agency = Agency.objects.filter(code=filters.agency).first()
        related = related.filter(procedures_for_agency(agency)) if agency else related.none()
    if filters.applicant:
        related = related.filter(applicant_types__code=filters.applicant)
    if filters.free is True:
        related = related.exclude(channels__is_free=False).filter(channels__isnull=False)
    elif filters.free is False:
        related = related.filter(channels__is_free=False)
    if related.query.has_filters():
        sql, params = related.values("pk").query.sql_with_params()
        where.add(f"p.id IN ({sql})", *params)
    return where


def procedures_for_agency(agency: Agency) -> Q:
    """Procedures an agency performs: mapped to it by name, or to its whole level."""
    q = Q()
    for prefix in ("implementing_mapping", "competent_mapping"):
        q |= Q(**{f"{prefix}__agency": agency})
        q |= Q(**{f"{prefix}__agency__isnull": True, f"{prefix}__agency_level": agency.level})
    return q


def _uses_trigrams() -> bool:
    return connection.vendor == "postgresql"


# --- what a result list shows ---------------------------------------------------------------

# The list rows of the whole catalogue, per catalogue version, in this process: a page of search
# results needs only its ids from the database (ADR 0170).
_entries_by_version: dict[int, dict[int, CatalogueEntry]] = {}


def catalogue_entries(ids: list[int]) -> list[CatalogueEntry]:
    """The list rows of `ids`, in that order. Read once per catalogue version for the whole
    catalogue (two queries); a procedure written since without a version bump (only possible
    inside a transaction that has not committed yet) is read on its own."""
    version = catalogue_version()
    entries = _entries_by_version.get(version)
    if entries is None:
        entries = _load_entries(None)
        _entries_by_version.clear()  # one catalogue version at a time
        _entries_by_version[version] = entries
    if missing := [pk for pk in ids if pk not in entries]:
        entries = {**entries, **_load_entries(missing)}
    return [entries[pk] for pk in ids if pk in entries]


def catalogue_has_code(code: str) -> bool:
    """Whether a procedure has this code, from the list rows this process holds (no query once
    they are read): a page for a code that does not exist is answered without building one."""
    version = catalogue_version()
    codes = _codes_by_version.get(version)
    if codes is None:
        catalogue_entries([])  # the rows of this version
        codes = frozenset(entry.code for entry in _entries_by_version.get(version, {}).values())
        _codes_by_version.clear()
        _codes_by_version[version] = codes
    return code in codes or Procedure.objects.filter(code=code).exists()


_codes_by_version: dict[int, frozenset[str]] = {}


def catalogue_entry_of(procedure: Procedure) -> CatalogueEntry:
    """The list row of a procedure already in hand (its channels prefetched or not)."""
    return CatalogueEntry(
        id=procedure.pk,
        code=procedure.code,
        name=procedure.name,
        levels=tuple(procedure.levels),
        field_name=procedure.field.name,
        online_level=procedure.online_level,
        channels=tuple(
            CatalogueChannel(c.channel, c.time_value, c.time_unit, c.fee_vnd)
            for c in procedure.channels.all()
        ),
        path=reverse("procedures:detail", args=[procedure.code]),
    )


def _load_entries(ids: list[int] | None) -> dict[int, CatalogueEntry]:
    procedures = Procedure.objects.order_by()
    channels = ProcedureChannel.objects.order_by("procedure_id", "channel")
    if ids is not None:
        procedures, channels = procedures.filter(pk__in=ids), channels.filter(procedure_id__in=ids)
    by_procedure: dict[int, list[CatalogueChannel]] = {}
    for procedure_id, channel, time_value, time_unit, fee_vnd in channels.values_list(
        "procedure_id", "channel", "time_value", "time_unit", "fee_vnd"
    ):
        terms = CatalogueChannel(channel, time_value, time_unit, fee_vnd)
        by_procedure.setdefault(procedure_id, []).append(terms)
    rows = procedures.values_list(
        "pk", "code", "name", *LEVEL_FIELDS.values(), "field__name", "online_level"
    )
    return {
        pk: CatalogueEntry(
            id=pk,
            code=code,
            name=name,
            levels=tuple(level.value for level, on in zip(LEVEL_FIELDS, flags, strict=True) if on),
            field_name=field_name,
            online_level=online_level,
            channels=tuple(by_procedure.get(pk, ())),
            path=reverse("procedures:detail", args=[code]),
        )
        for pk, code, name, *flags, field_name, online_level in rows
    }


# --- versions and cache keys ----------------------------------------------------------------


def catalogue_filter_options() -> dict[str, list[tuple[str, str]]]:
    """(code, name) choices of the field, agency and applicant filters. Part of the catalogue
    like the list rows: read once per catalogue version and kept in the process."""
    version = catalogue_version()
    if (known := _filter_options_by_version.get(version)) is not None:
        return known
    options = {
        "field": list(
            ProcedureField.objects.filter(procedures__isnull=False)
            .distinct()
            .order_by("name")
            .values_list("code", "name")
        ),
        "agency": list(
            Agency.objects.filter(valid_to__isnull=True)
            .order_by("level", "name")
            .values_list("code", "name")
        ),
        "applicant": list(ApplicantType.objects.order_by("name").values_list("code", "name")),
    }
    _filter_options_by_version.clear()  # one catalogue version at a time
    _filter_options_by_version[version] = options
    return options


_filter_options_by_version: dict[int, dict[str, list[tuple[str, str]]]] = {}


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


# --- typos --------------------------------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
_vocabulary_by_version: dict[int, tuple[dict[str, int], list[str]]] = {}


def search_vocabulary() -> tuple[dict[str, int], list[str]]:
    """The words of procedure names (folded) with their counts, and the same words sorted (for
    prefix look-ups). Built from one query and kept until the catalogue changes, in the shared
    cache and in this process (so a typo costs no transfer of the whole vocabulary): it is part
    of the search index, not a cached result, so it is kept even when
    PROCEDURES_SEARCH_CACHE_SECONDS is 0."""
    version = catalogue_version()
    if (known := _vocabulary_by_version.get(version)) is not None:
        return known
    key = search_cache_key("vocabulary")
    vocabulary = cache.get(key)
    if vocabulary is None:
        counts: dict[str, int] = {}
        for name in Procedure.objects.values_list("name_folded", flat=True).iterator():
            for word in _WORD.findall(name):
                counts[word] = counts.get(word, 0) + 1
        vocabulary = (counts, sorted(counts))
        cache.set(key, vocabulary, 24 * 3600)
    _vocabulary_by_version.clear()  # one catalogue version at a time
    _vocabulary_by_version[version] = vocabulary
    return vocabulary


@dataclass(frozen=True)
class _NameIndex:
    """Which procedures' names hold each (folded) word, and the words sorted for prefixes."""

    ids_by_word: dict[str, frozenset[int]]
    words: list[str]

    def starting_with(self, prefix: str) -> set[int]:
        """Procedures with a name word that starts with `prefix`."""
        found: set[int] = set()
        at = bisect.bisect_left(self.words, prefix)
        while at < len(self.words) and self.words[at].startswith(prefix):
            found |= self.ids_by_word[self.words[at]]
            at += 1
        return found

    def holding_all(self, words: list[str]) -> set[int]:
        """Procedures whose name has, for each word, a word starting with it."""
        found: set[int] | None = None
        for word in sorted(words, key=len, reverse=True):  # the longest narrows most
            ids = self.starting_with(word)
            found = ids if found is None else found & ids
            if not found:
                return set()
        return found or set()


_name_index_by_version: dict[int, _NameIndex] = {}


def name_index() -> _NameIndex:
    """Built from the list rows this process holds, once per catalogue version."""
    version = catalogue_version()
    if (known := _name_index_by_version.get(version)) is not None:
        return known
    catalogue_entries([])
    by_word: dict[str, set[int]] = {}
    for entry in _entries_by_version.get(version, {}).values():
        for word in _QUERY_WORD.findall(fold(entry.name)):
            by_word.setdefault(word, set()).add(entry.id)
    index = _NameIndex({w: frozenset(ids) for w, ids in by_word.items()}, sorted(by_word))
    _name_index_by_version.clear()
    _name_index_by_version[version] = index
    return index


def _name_corrections(words: list[str]) -> list[str]:
    """`words`, or, when no procedure name holds them all, the same with one word replaced by
    a name word one edit away such that some names hold them all: the last word is tried first,
    then the others from the end. Among candidates the one that the most names hold as a whole
    word wins, then the more frequent word. Words of fewer than three letters, and words that
    are whole words of some name (an extra word is not a typo), are left alone."""
    index = name_index()
    if len(words) < 2 or index.holding_all(words):
        return words
    for at in range(len(words) - 1, -1, -1):
        word = words[at]
        if len(word) < 3 or word in index.ids_by_word:  # a real name word is no typo
            continue
        others = words[:at] + words[at + 1 :]
        holding_others = index.holding_all(others)
        if not holding_others:
            continue
        best: tuple[int, int, str] | None = None
        for candidate in _edits1(word):
            exact = index.ids_by_word.get(candidate)
            if not exact or len(candidate) < 2:
                continue
            whole = len(exact & holding_others)
            if whole and (best is None or (whole, len(exact), candidate) > best):
                best = (whole, len(exact), candidate)
        if best is not None:
            return [*words[:at], best[2], *words[at + 1 :]]
    return words


def _edits1(word: str) -> set[str]:
    """Every string one edit away: a letter deleted, two neighbours swapped, one replaced or
    one inserted (Norvig's spelling corrector)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    return set(deletes + swaps + replaces + inserts)


def _corrections(words: list[str]) -> list[str]:
    """Replace each word that starts no word of any procedure name by the most frequent name word
    one edit away, else by the closest one (difflib); short words and known ones stay."""
    counts, ordered = search_vocabulary()
    corrected = []
    for word in words:
        at = bisect.bisect_left(ordered, word)
        known = at < len(ordered) and ordered[at].startswith(word)
        if known or len(word) < 3:
            corrected.append(word)
            continue
        candidates = [w for w in _edits1(word) if w in counts]
        if candidates:
            corrected.append(max(candidates, key=lambda w: (counts[w], w)))
            continue
        close = difflib.get_close_matches(word, ordered, n=1, cutoff=0.75)
        corrected.append(close[0] if close else word)
    return corrected


# --- highlighting -------------------------------------------------------------------------


def highlight(text: str, q: str) -> SafeString:
    """HTML of `text` with the words matching the query wrapped in <mark> (accent-insensitive)."""
    return highlight_words(text, tuple(query_words(q)))


def highlight_words(text: str, words: tuple[str, ...], *, loose: bool = False) -> SafeString:
    """HTML of `text` with the words matching `words` (folded) in <mark>: the words the search
    matched, so a corrected typo marks the word it was corrected to and nothing else; a query
    word marks the same word, or the words it starts where the text has no such word. `loose`
    (results found by trigram similarity) also marks words close to a query word (difflib
    ratio ≥ 0.8) where no word starts with it."""
    if not words:
        return SafeString(escape(text))
    matches = list(_WORD.finditer(text))
    tokens = [_fold_word(match.group()) for match in matches]
    present = set(tokens)
    # A query word that is a whole word of the text marks that word only ("tru" marks "trú",
    # not "trường" beside it); one that is not marks the words it starts (it is being typed).
    whole = frozenset(w for w in words if w in present)
    prefixes = tuple(w for w in words if w not in whole)
    loose_words = (
        [w for w in words if len(w) > 3 and not any(t.startswith(w) for t in tokens)]
        if loose
        else []
    )
    out: list[str] = []
    last = 0
    for match, token in zip(matches, tokens, strict=True):
        if (
            token in whole
            or (prefixes and token.startswith(prefixes))
            or any(_close(token, w) for w in loose_words)
        ):
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 — every piece above is escaped


def _close(token: str, word: str) -> bool:
    """Similar enough to be the same word mistyped (difflib ratio ≥ 0.8; the quick upper bounds
    first, as difflib advises, since most pairs are far apart)."""
    matcher = difflib.SequenceMatcher(None, token, word)
    return (
        matcher.real_quick_ratio() >= 0.8
        and matcher.quick_ratio() >= 0.8
        and matcher.ratio() >= 0.8
    )


@functools.lru_cache(maxsize=16384)
def _fold_word(word: str) -> str:
    """`fold` of one word, remembered: result lists fold the same few thousand words all day."""
    return fold(word)
