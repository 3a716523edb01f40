"""The search itself: from the filters and a query to the ranked ids and the total, with the
typo fallbacks, and a cached page of list rows."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.utils.safestring import SafeString

from procedures.models import CODE_PATTERN
from procedures.search.filters import CatalogueFilters, _filter_clauses
from procedures.search.rows import CatalogueEntry, catalogue_entries
from procedures.search.statement import _ranked, _run, _similar_names, _uses_trigrams
from procedures.search.typos import _corrections, _name_corrections
from procedures.search.versions import search_cache_key
from procedures.search.words import highlight_words, query_words


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
