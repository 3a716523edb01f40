import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from procedures.constants import OnlineLevel, StateDatabase
from procedures.models import FeeRule, OnlineOnlyDay, Procedure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_catalogue")]


def test_catalogue_page_works_without_javascript(client):
    response = client.get("/thu-tuc/", {"q": "dang ky thuong tru"})
    assert response.status_code == 200
    assertContains(response, '<form method="get"')
    assertContains(
        response, "<mark>Đăng</mark> <mark>ký</mark> <mark>thường</mark> <mark>trú</mark>"
    )
    assertContains(response, 'href="/thu-tuc/1.004222/"')


def test_htmx_request_gets_only_the_results_partial(client):
    response = client.get("/thu-tuc/", {"q": "khai sinh"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="results"')
    assert "<html" not in body
    assert "1.001193" in body
    assert response["Vary"].count("HX-Request") == 1


def test_invalid_filter_is_reported_and_the_query_kept(client):
    response = client.get("/thu-tuc/", {"q": "khai sinh", "level": "bogus"})
    assert response.status_code == 200
    assertContains(response, 'value="khai sinh"')
    assertContains(response, "invalid-feedback")
    assertContains(response, "1.001193")  # the valid part of the search still runs


def test_pagination_links_keep_the_query(client):
    for n in range(25):
        from procedures.tests.factories import import_records, national_record

        import_records(national_record(f"8.{n:06d}", f"Thủ tục thử số {n}"))
    response = client.get("/thu-tuc/", {"q": "thu tuc thu"})
    assertContains(response, "q=thu+tuc+thu&amp;page=2")


def test_detail_page_shows_what_a_citizen_needs(client):
    procedure = Procedure.objects.get(code="1.004222")
    procedure.online_level = OnlineLevel.FULL
    procedure.save()
    FeeRule.objects.create(
        procedure=procedure, name="Lệ phí cư trú", amount_vnd=20_000, online_discount_percent=50
    )
    held = procedure.requirements.first()
    held.state_holds, held.state_database = True, StateDatabase.POPULATION
    held.save()
    response = client.get("/thu-tuc/1.004222/")
    assertTemplateUsed(response, "procedures/detail.html")
    assertContains(response, "Đăng ký thường trú")
    assertContains(response, "Nộp hồ sơ trực tuyến")
    assertContains(response, "nộp trực tuyến giảm 50%")
    assertContains(response, "20.000 đồng")
    assertContains(response, "Không phải nộp: cơ quan tự khai thác")
    assertContains(response, "CSDL quốc gia về dân cư")
    assertContains(response, "UBND xã, phường nơi nộp hồ sơ")
    from common.templatetags.site_css import site_css_built

    # The print styles: in the built site.css, else their own file.
    assertContains(response, "css/site.css" if site_css_built() else "procedures/procedures.css")


def test_detail_of_a_paper_only_procedure_has_no_online_button(client):
    Procedure.objects.filter(code="1.001193").update(online_level=OnlineLevel.NONE)
    assertNotContains(client.get("/thu-tuc/1.001193/"), "Nộp hồ sơ trực tuyến")


def test_detail_shows_flagged_data_and_raw_documents(client):
    response = client.get("/thu-tuc/2.002338/")
    assertContains(response, "đang được rà soát")
    assertContains(response, "Danh mục giấy tờ theo văn bản gốc")


def test_detail_says_online_only(client, django_capture_on_commit_callbacks):
    from django.utils import timezone

    procedure = Procedure.objects.get(code="1.001193")
    assertNotContains(client.get("/thu-tuc/1.001193/"), "Chỉ tiếp nhận trực tuyến")
    with django_capture_on_commit_callbacks(execute=True):  # the page is cached until a commit
        OnlineOnlyDay.objects.create(procedure=procedure, day=timezone.localdate())
    assertContains(client.get("/thu-tuc/1.001193/"), "Chỉ tiếp nhận trực tuyến")


def test_detail_is_rendered_once_per_catalogue_version(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """The catalogue part of the page is cached; any committed change to what it shows (here a
    local fee rule, a row of another table) replaces it."""
    client.get("/thu-tuc/1.004222/")
    with django_assert_num_queries(0):  # nothing of the catalogue, nor the FAQ (ADR 0350)
        again = client.get("/thu-tuc/1.004222/")
    assertContains(again, "Đăng ký thường trú")
    procedure = Procedure.objects.get(code="1.004222")
    with django_capture_on_commit_callbacks(execute=True):
        FeeRule.objects.create(procedure=procedure, name="Lệ phí thử", amount_vnd=12_345)
    assertContains(client.get("/thu-tuc/1.004222/"), "Lệ phí thử")
    with django_capture_on_commit_callbacks(execute=True):
        FeeRule.objects.filter(name="Lệ phí thử").delete()
    assertNotContains(client.get("/thu-tuc/1.004222/"), "Lệ phí thử")


def test_unknown_procedure_is_404(client):
    assert client.get("/thu-tuc/9.999999/").status_code == 404


def test_online_share_page(client):
    Procedure.objects.filter(code="1.004222").update(online_level=OnlineLevel.FULL)
    response = client.get("/thu-tuc/ty-le-truc-tuyen/")
    assertContains(response, "80%")
    assertContains(response, "95%")
    province = response.context["province"]
    assert province.full == 1
    assert (
        province.total
        == Procedure.objects.filter(at_province=True).count()
        + Procedure.objects.filter(at_commune=True, at_province=False).count()
    )
