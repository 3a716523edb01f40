import pytest

from procedures.selectors import CatalogueFilters, highlight, procedure_search

pytestmark = pytest.mark.django_db


def codes(q: str, **filters) -> list[str]:
    return [p.code for p in procedure_search(filters=CatalogueFilters(q=q, **filters))]


@pytest.mark.usefixtures("sample_catalogue")
class TestSearch:
    def test_without_accents(self):
        assert codes("dang ky thuong tru")[0] == "1.004222"

    def test_upper_case_with_accents(self):
        assert codes("ĐĂNG KÝ THƯỜNG TRÚ")[0] == "1.004222"

    def test_d_and_dj_are_the_same_letter(self):
        assert codes("Dang ky thuong tru") == codes("Đăng ký thường trú")
        assert "1.004222" in codes("đang ky thuong tru")

    def test_both_tone_mark_placements(self):
        # The catalogue writes "Hòa giải"; the made-up 9.000001 writes "hoà giải".
        old_style, new_style = codes("hoà giải"), codes("hòa giải")
        assert old_style == new_style
        assert {"1.012812", "9.000001"} <= set(old_style)

    def test_one_letter_typo(self):
        assert codes("khai sihn")[0] == "1.001193"
        assert codes("thuong trus")[0] == "1.004222"

    def test_code_lookup_returns_the_procedure_first(self):
        assert codes("1.004222") == ["1.004222"]

    def test_name_match_ranks_above_other_text(self):
        # "kết hôn" is in 1.000894's name and only in 9.000002's result documents.
        found = codes("ket hon")
        assert found.index("1.000894") < found.index("9.000002")

    def test_shorter_exact_name_ranks_above_longer_names(self):
        found = codes("thuong tru")
        assert found[:2] == ["1.004222", "1.003197"]

    def test_prefix_of_the_last_word_matches_while_typing(self):
        assert "1.004222" in codes("dang ky thuong t")

    def test_no_match(self):
        assert codes("zzzz qqqq") == []

    def test_empty_query_lists_everything_by_code(self):
        found = codes("")
        assert len(found) == 11
        assert found == sorted(found)


def test_highlight_marks_matched_words_whatever_the_accents():
    html = highlight("Đăng ký thường trú & tạm trú", "dang KY thuong")
    assert html == "<mark>Đăng</mark> <mark>ký</mark> <mark>thường</mark> trú &amp; tạm trú"


def test_highlight_marks_only_words_that_match():
    text = "Khai báo thông tin cư trú, đăng ký thường trú"
    html = highlight(text, "dang ky thuong tru")
    assert "<mark>thông</mark>" not in html  # close to "thuong", but not it
    assert "<mark>thường</mark>" in html
    assert "thường" in highlight("Đăng ký thường trú", "dang ky thuogn")
    assert "<mark>thường</mark>" not in highlight("Đăng ký thường trú", "dang ky thuogn")


def test_a_corrected_typo_marks_the_word_it_was_corrected_to(sample_catalogue):
    from procedures.selectors import procedure_search_page

    page = procedure_search_page(filters=CatalogueFilters(q="dang ky thuogn"), page=1, per_page=5)
    assert page.items[0].code == "1.004222"
    assert page.words == ("dang", "ky", "thuong")
    html = page.highlight("Khai báo thông tin cư trú, đăng ký thường trú")
    assert "<mark>thường</mark>" in html
    assert "<mark>thông</mark>" not in html


def test_highlight_escapes_without_a_query():
    assert highlight("<b>", "") == "&lt;b&gt;"


def test_search_pages_are_cached_until_the_catalogue_changes(
    db, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from procedures.selectors import procedure_search_page
    from procedures.tests.factories import import_records, national_record

    with django_capture_on_commit_callbacks(execute=True):
        import_records(national_record("9.300001", "Đăng ký tạm trú"))
    filters = CatalogueFilters(q="tam tru")
    first = procedure_search_page(filters=filters, page=1, per_page=20)
    assert [p.name for p in first.items] == ["Đăng ký tạm trú"]
    with django_assert_num_queries(0):
        again = procedure_search_page(filters=filters, page=1, per_page=20)
        assert [p.channels[0].channel for p in again.items] == ["in_person"]

    with django_capture_on_commit_callbacks(execute=True):
        import_records(national_record("9.300001", "Đăng ký tạm trú (sửa đổi)"))
    fresh = procedure_search_page(filters=filters, page=1, per_page=20)
    assert [p.name for p in fresh.items] == ["Đăng ký tạm trú (sửa đổi)"]


def test_search_cache_can_be_turned_off(db, settings, django_assert_max_num_queries):
    from procedures.selectors import procedure_search_page

    settings.PROCEDURES_SEARCH_CACHE_SECONDS = 0
    procedure_search_page(filters=CatalogueFilters(q="x"), page=1, per_page=20)
    with django_assert_max_num_queries(5) as captured:
        procedure_search_page(filters=CatalogueFilters(q="x"), page=1, per_page=20)
    assert len(captured.captured_queries) > 0


def test_a_name_starting_with_the_query_ranks_above_a_shorter_one(db):
    from procedures.tests.factories import import_records, national_record

    import_records(
        national_record("9.400001", "Xin cấp lại"),
        national_record("9.400002", "Cấp lại thẻ hội viên danh dự"),
    )
    assert codes("cap lai")[:2] == ["9.400002", "9.400001"]
    assert codes("lai")[:2] == ["9.400001", "9.400002"]  # no name starts with it: shorter first
