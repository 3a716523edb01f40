"""The real queries of `search_queries.py` find what they look for (issue 22).

The catalogue here is every procedure a query expects plus every procedure of the shipped
national file whose name holds all the words of a correctly typed query: the long procedures
that "contain many of the words" and must not come first. `make bench` reports the same set's
hit rate at 1, 3 and 10 on the whole national catalogue.
"""

import gzip
import json
import re

from django.conf import settings

import pytest

from common.text import fold
from procedures.selectors import CatalogueFilters, procedure_search_page
from procedures.tests.factories import import_records
from procedures.tests.search_queries import QUERIES, Query

NATIONAL_FILE = settings.BASE_DIR / "procedures" / "data" / "tthc_toan_quoc.jsonl.gz"
_WORDS = re.compile(r"[^\W_]+")

pytestmark = pytest.mark.django_db


def _catalogue_for_queries() -> list[dict]:
    with gzip.open(NATIONAL_FILE, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    wanted = {code for query in QUERIES for code in query.expected}
    phrases = [set(_WORDS.findall(fold(q.q))) for q in QUERIES if q.kind not in ("typo", "code")]
    chosen = []
    for record in records:
        name_words = set(_WORDS.findall(fold(record["ten_thu_tuc"])))
        if record["ma_thu_tuc"] in wanted or any(words <= name_words for words in phrases):
            chosen.append(record)
    return chosen


@pytest.fixture
def query_catalogue(db):
    records = _catalogue_for_queries()
    assert len(records) > 100  # the expected procedures and their long neighbours
    import_records(*records)


def first_codes(query: Query, n: int) -> list[str]:
    page = procedure_search_page(filters=CatalogueFilters(q=query.q), page=1, per_page=n)
    return [entry.code for entry in page.items]


def test_every_kind_of_query_is_in_the_set():
    kinds = {q.kind for q in QUERIES}
    assert kinds == {"accents", "plain", "capitals", "typo", "code"}
    assert sum(q.kind == "typo" for q in QUERIES) >= 10


@pytest.mark.usefixtures("query_catalogue")
def test_each_query_finds_its_procedure_among_the_first_three():
    missed = {
        q.label: first_codes(q, 3)
        for q in QUERIES
        if not q.ambiguous and not set(first_codes(q, 3)) & q.expected
    }
    assert missed == {}
    assert sum(q.ambiguous for q in QUERIES) <= 2  # the exceptions stay exceptions


@pytest.mark.usefixtures("query_catalogue")
def test_a_typo_in_the_last_word_puts_the_named_procedure_before_long_ones():
    """The name is "Đăng ký thường trú"; dozens of procedures mention each of the words."""
    for q in ("dang ky thuong trus", "dang ky thuong tuu", "đăng ký thường trứ"):
        assert first_codes(Query(q, frozenset(), "typo"), 1) == ["1.004222"], q


@pytest.mark.usefixtures("query_catalogue")
def test_the_results_page_marks_only_the_words_that_matched(client):
    html = client.get("/thu-tuc/", {"q": "dang ky thuong trus"}).content.decode()
    links = re.findall(r'class="fw-semibold procedure-link"[^>]*>(.*?)</a>', html)
    assert links[0] == "<mark>Đăng</mark> <mark>ký</mark> <mark>thường</mark> <mark>trú</mark>"
    for link in links:  # the corrected words, each as a word or (absent as one) a word start
        name_words = {fold(w) for w in _WORDS.findall(re.sub(r"</?mark>", "", link))}
        for marked in re.findall(r"<mark>([^<]+)</mark>", link):
            word = fold(marked)
            starts = [w for w in ("dang", "ky", "thuong", "tru") if word.startswith(w)]
            assert starts, link
            assert word in starts or not set(starts) & name_words, link
