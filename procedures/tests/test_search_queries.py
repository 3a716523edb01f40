"""The uncached search does the least database work: one statement finds the page and the total,
and a typo is corrected against the vocabulary of names instead of a similarity scan."""

from django.test import override_settings

import pytest

from procedures.selectors import (
    CatalogueFilters,
    _corrections,
    procedure_search,
    procedure_search_page,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("sample_catalogue"),
    pytest.mark.filterwarnings("ignore"),
]


def page(q: str, number: int = 1, per_page: int = 20, **filters):
    return procedure_search_page(
        filters=CatalogueFilters(q=q, **filters), page=number, per_page=per_page
    )


@override_settings(PROCEDURES_SEARCH_CACHE_SECONDS=0)
def test_a_word_search_is_one_statement_plus_the_channels(django_assert_num_queries):
    with django_assert_num_queries(2):  # the ranked page with COUNT(*) OVER (); its channels
        result = page("dang ky thuong tru")
    assert result.items[0].code == "1.004222"
    assert result.count == len(procedure_search(filters=CatalogueFilters(q="dang ky thuong tru")))


@override_settings(PROCEDURES_SEARCH_CACHE_SECONDS=0)
def test_the_window_count_is_the_full_total_not_the_page():
    everything = list(procedure_search(filters=CatalogueFilters(q="thu tuc")))
    first, second = page("thu tuc", 1, per_page=2), page("thu tuc", 2, per_page=2)
    assert first.count == second.count == len(everything) > 2
    assert [p.code for p in first.items + second.items] == [p.code for p in everything[:4]]


@override_settings(PROCEDURES_SEARCH_CACHE_SECONDS=0)
def test_past_the_last_page_keeps_the_count_and_gives_no_items():
    result = page("dang ky thuong tru", 50)
    assert result.items == []
    assert result.count == page("dang ky thuong tru").count > 0


@override_settings(PROCEDURES_SEARCH_CACHE_SECONDS=0)
def test_no_match_and_no_typo_fix_gives_an_empty_page():
    result = page("zzzz qqqq")
    assert (result.count, result.items) == (0, [])


@override_settings(PROCEDURES_SEARCH_CACHE_SECONDS=0)
def test_a_distinct_filter_counts_procedures_not_joined_rows():
    free, paid = page("", free=True), page("", free=False)
    assert free.count == len({p.code for p in free.items})
    assert paid.count == len({p.code for p in paid.items})


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        (["khai", "sihn"], ["khai", "sinh"]),  # two letters swapped
        (["thuong", "trus"], ["thuong", "tru"]),  # one letter too many
        (["thuogn", "tru"], ["thuong", "tru"]),
        (["dang", "ky"], ["dang", "ky"]),  # known words stay
        (["dang", "k"], ["dang", "k"]),  # short words stay (typing)
        (["thuo"], ["thuo"]),  # the start of a known word stays (typing)
    ],
)
def test_typo_corrections(typed, meant):
    assert _corrections(typed) == meant


@override_settings(PROCEDURES_SEARCH_CACHE_SECONDS=0)
def test_a_typo_search_finds_the_procedure_through_the_corrected_words():
    assert page("khai sihn").items[0].code == "1.001193"
    assert page("thuong trus").items[0].code == "1.004222"
