"""Typo correction against the procedure names: one mistyped word of a query that would
otherwise name a procedure (the name index), else every word no name knows (the vocabulary)."""

import bisect
import difflib
from dataclasses import dataclass

from django.core.cache import cache

from common.text import fold
from procedures.models import Procedure
from procedures.search.rows import _entries_by_version, catalogue_entries
from procedures.search.versions import catalogue_version, search_cache_key
from procedures.search.words import _QUERY_WORD, _WORD

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
