import pytest

from procedures.api import ProcedureListOut
from procedures.models import FormField, Procedure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_catalogue")]


def test_list_shape_and_ranked_order(client):
    response = client.get("/api/v1/procedures", {"q": "dang ky thuong tru"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "items"}
    assert body["count"] == len(body["items"]) > 0
    first = body["items"][0]
    assert set(first) == {"code", "name", "levels", "field", "online_level", "channels", "url"}
    assert first["code"] == "1.004222"
    assert first["levels"] == ["commune"]
    assert first["url"].endswith("/thu-tuc/1.004222/")
    assert {"channel", "time_value", "time_unit", "fee_vnd"} == set(first["channels"][0])


@pytest.mark.parametrize("query", ["", "dang ky thuong tru", "1.004222", "khai sihn", "ho tich"])
def test_every_list_answer_is_what_the_schema_says(client, query):
    """The list is serialised without the schema (speed): the schema must still describe it."""
    response = client.get("/api/v1/procedures", {"q": query})
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["items"]
    assert ProcedureListOut.model_validate(body).model_dump(mode="json") == body


def test_list_filters(client):
    body = client.get("/api/v1/procedures", {"level": "province", "online": "partial"}).json()
    assert {i["code"] for i in body["items"]} <= {"1.001258", "1.001200", "2.002338"}
    assert all("province" in i["levels"] for i in body["items"])


def test_list_pagination(client):
    body = client.get("/api/v1/procedures", {"page": "1"}).json()
    assert body["count"] == 11
    assert client.get("/api/v1/procedures", {"page": "2"}).status_code == 400


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"level": "district"}, "level"),
        ({"online": "maybe"}, "online"),
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_list_bad_input_is_a_clear_400(client, params, message):
    response = client.get("/api/v1/procedures", params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_detail_has_requirements_and_form_fields(client):
    procedure = Procedure.objects.get(code="1.004222")
    FormField.objects.create(
        procedure=procedure,
        key="full_name",
        label_vi="Họ và tên",
        label_en="Full name",
        field_type="text",
        required=True,
        prefill_source="profile.full_name",
    )
    response = client.get("/api/v1/procedures/1.004222")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Đăng ký thường trú"
    assert len(body["requirements"]) == procedure.requirements.count() > 0
    assert {"name", "originals", "copies", "state_holds", "state_database"} <= set(
        body["requirements"][0]
    )
    assert body["form_fields"][0]["key"] == "full_name"
    assert body["form_fields"][0]["prefill_source"] == "profile.full_name"


def test_detail_errors(client):
    missing = client.get("/api/v1/procedures/9.999999")
    assert missing.status_code == 404
    assert "9.999999" in missing.json()["detail"]
    bad = client.get("/api/v1/procedures/abc")
    assert bad.status_code == 400


def test_openapi_lists_the_paths(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/procedures" in paths
    assert "/api/v1/procedures/{code}" in paths


def test_repeated_list_request_is_served_from_the_cache(client, django_assert_num_queries):
    first = client.get("/api/v1/procedures", {"q": "khai sinh"})
    with django_assert_num_queries(0):
        again = client.get("/api/v1/procedures", {"q": "khai sinh"})
    assert again.status_code == 200
    assert again["Content-Type"] == "application/json"
    assert again.json() == first.json()
    assert first.json()["items"][0]["code"] == "1.001193"
