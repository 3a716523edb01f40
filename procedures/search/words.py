"""Query words and highlighting: the folded words of a query, and a text with the words a
search matched wrapped in <mark>."""

import difflib
import functools
import re
from html import escape

from django.utils.safestring import SafeString, mark_safe

from common.text import fold

_WORD = re.compile(r"\w+", re.UNICODE)
# Query words: letters and digits only (an underscore is neither a word to look for nor safe
# in a LIKE or a tsquery).
_QUERY_WORD = re.compile(r"[^\W_]+")


def query_words(q: str) -> list[str]:
    return _QUERY_WORD.findall(fold(q))


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
