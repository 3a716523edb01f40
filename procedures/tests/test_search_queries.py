"""The uncached search does the least database work: one statement finds the ids of the page and
the total, the list rows come from the catalogue's rows read once per catalogue version, and a
typo is corrected against the vocabulary of names instead of a similarity scan."""

from django.test import override_settings

import pytest

from procedures.models import Procedure
from procedures.search import (
    CatalogueFilters,
    catalogue_entries,
    procedure_search,
    procedure_search_page,
)
from procedures.search.typos import _corrections

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
def test_a_word_search_is_one_statement(django_assert_num_queries):
    page("khai sinh")  # reads the list rows of the catalogue once (procedures, channels)
    with django_assert_num_queries(1):  # the ranked ids of the page with COUNT(*) OVER ()
        result = page("dang ky thuong tru")
    assert result.items[0].code == "1.004222"
    assert result.items[0].name == "Đăng ký thường trú"
    assert result.count == len(procedure_search(filters=CatalogueFilters(q="dang ky thuong tru")))


@override_settings(PROCEDURES_SEARCH_CACHE_SECONDS=0)
def test_list_rows_are_read_once_per_catalogue_version(django_assert_num_queries):
    from django.core.cache import cache

    from procedures.constants import CATALOGUE_VERSION_KEY

    pk = Procedure.objects.get(code="1.004222").pk
    with django_assert_num_queries(2):
        assert [e.code for e in catalogue_entries([])] == []
    with django_assert_num_queries(0):
        first = catalogue_entries([pk])
    assert first[0].levels == tuple(Procedure.objects.get(pk=pk).levels) == ("commune",)
    assert first[0].field_name == "Đăng ký, quản lý cư trú"
    assert [c.channel for c in first[0].channels] == ["in_person", "online"]

    Procedure.objects.filter(code="1.004222").update(name="Đăng ký thường trú (mới)")
    cache.incr(CATALOGUE_VERSION_KEY)  # what catalogue_changed() does after the commit
    with django_assert_num_queries(2):
        again = catalogue_entries([first[0].id])
    assert again[0].name == "Đăng ký thường trú (mới)"


@override_settings(PROCEDURES_SEARCH_CACHE_SECONDS=0)
def test_a_procedure_not_yet_in_the_list_rows_is_read_on_its_own(django_assert_num_queries):
    catalogue_entries([])
    added = Procedure.objects.create(
        code="9.999999", name="Thủ tục mới", field=Procedure.objects.first().field
    )
    with django_assert_num_queries(2):  # that procedure and its channels
        assert [e.code for e in catalogue_entries([added.pk])] == ["9.999999"]


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


def test_the_trigram_fallback_ranks_by_word_similarity_on_postgresql():
    from django.db import connection

    from procedures.search.statement import _Clauses, _run, _similar_names

    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's")
    count, ids = _run(*_similar_names(_Clauses(), ["dang", "ky", "thuong", "truuu"]), 0, 5)
    assert count >= 1
    assert Procedure.objects.get(pk=ids[0]).code == "1.004222"
