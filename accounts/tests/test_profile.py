import datetime as dt
import re

from django.urls import reverse

import pytest

from accounts.models import CitizenProfile
from accounts.services import profile_update
from accounts.tests.factories import CitizenFactory
from common.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/tai-khoan/ho-so/"

VALID = {
    "full_name": "Nguyễn Văn Minh",
    "date_of_birth": "15/05/1990",
    "gender": "male",
    "id_number": "072090001234",
    "phone": "0912345678",
    "email": "minh@example.vn",
    "permanent_address": "Ấp Bàu Cỏ, xã Trảng Bàng",
    "permanent_province_code": "80",
    "permanent_commune_code": "25678",
    "current_address": "Số 5 đường 30/4",
    "current_province_code": "80",
    "current_commune_code": "25679",
}


def test_url_is_stable():
    assert reverse("accounts:profile") == URL


def test_profile_page_shows_saved_data_with_dd_mm_yyyy(citizen_client, citizen):
    profile_update(user=citizen, data={"date_of_birth": dt.date(1990, 5, 15)})
    html = citizen_client.get(URL).content.decode()
    assert 'value="15/05/1990"' in html
    assert re.search(r'<label class="form-label" for="id_id_number">\s*Số định danh cá nhân', html)


def test_valid_profile_is_saved_and_audited(citizen_client, citizen):
    response = citizen_client.post(URL, VALID)

    assert response.status_code == 302
    profile = CitizenProfile.objects.get(user=citizen)
    assert profile.date_of_birth == dt.date(1990, 5, 15)
    assert profile.id_number == "072090001234"
    assert profile.current_commune_code == "25679"
    event = AuditEvent.objects.get(action="profile.update")
    assert event.actor == citizen
    assert event.object_id == str(profile.uuid)
    assert "id_number" in event.data["fields"]
    assert "072090001234" not in str(event.data)  # field names only, never the values


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("id_number", "12345", "Số định danh cá nhân gồm đúng 12 chữ số; số đã nhập có 5 chữ số."),
        ("id_number", "07209000123A", "Số định danh cá nhân gồm đúng 12 chữ số."),
        ("id_number", "999090001234", "Ba chữ số đầu của số định danh"),
        ("id_number", "072085001234", "Số định danh không khớp với năm sinh 1990."),
        ("date_of_birth", "1990-05-15", "Ngày sinh phải theo dạng ngày/tháng/năm"),
        ("date_of_birth", "31/02/1990", "Ngày sinh phải theo dạng ngày/tháng/năm"),
        ("permanent_commune_code", "25A", "Mã xã gồm 5 chữ số."),
        ("phone", "01234", "Số điện thoại không hợp lệ"),
    ],
)
def test_bad_input_is_explained_and_nothing_typed_is_lost(
    citizen_client, citizen, field, typed, message
):
    response = citizen_client.post(URL, VALID | {field: typed})
    html = response.content.decode()

    assert response.status_code == 200
    assert message in html
    assert f'href="#id_{field}"' in html  # error summary links to the field
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    for name, value in (VALID | {field: typed}).items():
        if name != "gender":
            assert f'value="{value}"' in html, name
    assert not AuditEvent.objects.filter(action="profile.update").exists()
    assert CitizenProfile.objects.get(user=citizen).id_number is None


def test_an_id_number_already_used_by_someone_else_is_refused(citizen_client):
    profile_update(user=CitizenFactory(), data={"id_number": VALID["id_number"]})
    response = citizen_client.post(URL, VALID)
    assert response.status_code == 200
    assert 'value="072090001234"' in response.content.decode()
    assert "đã tồn tại" in response.content.decode()


def test_unchanged_profile_writes_no_event(citizen):
    profile_update(user=citizen, data={"full_name": citizen.profile.full_name})
    assert not AuditEvent.objects.filter(action="profile.update").exists()


def test_profile_requires_login(client):
    assert client.get(URL).status_code == 302
