"""Dashboards, drill-down, the public page and the exports: who may see what, what they show."""

import io
import json

import pytest
from openpyxl import load_workbook

from accounts.constants import Role
from accounts.tests.factories import UserFactory, login_with_mfa
from agencies.tests.factories import AgencyFactory
from dossiers.constants import Actor
from dossiers.tests.factories import add_membership, make_cast
from metrics.services import facts_refresh
from metrics.tests.journeys import Journey, at

pytestmark = pytest.mark.django_db
OCT = "?ky=month&nam=2026&thang=10"


@pytest.fixture
def data():
    cast = make_cast()
    done = Journey(cast)
    done.submit(at(5, 9)).receive(at(5, 10)).to_appraisal(at(5, 11)).finish(at(9, 15))
    late = Journey(cast)
    late.submit(at(5, 9)).receive(at(5, 10)).to_appraisal(at(5, 11))
    facts_refresh(full=True)
    return cast, done, late


def _leader(client, cast, role=Role.AGENCY_HEAD, agency=None):
    user = UserFactory(roles=[role])
    add_membership(user, agency or cast.competent, role)
    login_with_mfa(client, user)
    return user


def test_anonymous_is_sent_to_sign_in(client, data):
    for url in ("/office/stats/", "/office/stats/ho-so/", "/office/stats/xuat/csv/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_citizens_and_ordinary_officers_are_refused(client, data):
    cast, *_ = data
    client.force_login(cast.citizen)
    assert client.get("/office/stats/").status_code == 403
    client.logout()
    login_with_mfa(client, cast.staff[Actor.PROCESSING_OFFICER])
    assert client.get("/office/stats/").status_code == 403
    assert client.get("/office/stats/ho-so/?chi_so=received").status_code == 403


def test_agency_head_sees_own_agency_and_drills_down(client, data):
    cast, done, late = data
    _leader(client, cast)
    page = client.get("/office/stats/" + OCT)
    assert page.status_code == 200
    html = page.content.decode()
    assert "50,00%" in html  # 2.1: one of two on time
    assert cast.competent.name in html
    assert 'data-chart="' in html
    assert "<script>" not in html  # CSP: no inline script
    # The dossiers behind "late": only the late one.
    drill = client.get("/office/stats/ho-so/" + OCT + "&chi_so=late").content.decode()
    assert late.dossier.code in drill
    assert done.dossier.code not in drill
    # An unknown counter is a 404, another agency's uuid too.
    assert client.get("/office/stats/ho-so/" + OCT + "&chi_so=nope").status_code == 404
    other = AgencyFactory()
    assert client.get(f"/office/stats/{OCT}&co_quan={other.uuid}").status_code == 404


def test_head_of_another_agency_sees_none_of_these_dossiers(client, data):
    cast, done, late = data
    _leader(client, cast, agency=AgencyFactory())
    html = client.get("/office/stats/" + OCT).content.decode()
    assert cast.competent.name not in html
    drill = client.get("/office/stats/ho-so/" + OCT + "&chi_so=received").content.decode()
    assert late.dossier.code not in drill
    assert done.dossier.code not in drill
    response = client.get(
        f"/office/stats/ho-so/{OCT}&chi_so=received&co_quan={cast.competent.uuid}"
    )
    assert response.status_code == 404


def test_province_supervisor_sees_the_province(client, data):
    cast, *_ = data
    _leader(client, cast, role=Role.ONESTOP_SUPERVISOR, agency=cast.receiving)
    html = client.get("/office/stats/" + OCT).content.decode()
    assert "Toàn tỉnh" in html
    assert cast.competent.name in html


def test_exports_open_and_hold_no_personal_data(client, data):
    cast, done, late = data
    _leader(client, cast)
    xlsx = client.get("/office/stats/xuat/xlsx/" + OCT)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["ky", "tu_ngay", "den_ngay"]
    rows = [
        dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)
    ]
    on_time = next(r for r in rows if r["chi_so"] == "2.1" and not r["ma_co_quan"])
    assert on_time["tu_so"] == 1
    assert on_time["mau_so"] == 2
    assert on_time["ty_le_phan_tram"] == 50.0
    csv_text = client.get("/office/stats/xuat/csv/" + OCT).content.decode("utf-8-sig")
    assert any(line.split(",")[5] == "2.1" for line in csv_text.splitlines()[1:])
    payload = json.loads(client.get("/office/stats/xuat/json/" + OCT).content)
    assert payload["bo_chi_so"] == "QĐ 766/QĐ-TTg"
    assert [g["toi_da"] for g in payload["diem_nhom"]] == [18, 20, 22, 22, 18]
    assert client.get("/office/stats/xuat/pdf/" + OCT).status_code == 404
    everything = xlsx.content + csv_text.encode() + json.dumps(payload, ensure_ascii=False).encode()
    for secret in (
        cast.citizen.email,
        cast.citizen.full_name,
        done.dossier.code,
        late.dossier.code,
    ):
        assert secret.encode() not in everything


def test_public_page_shows_figures_without_personal_data(client, data):
    cast, done, late = data
    page = client.get("/stats/" + OCT)
    assert page.status_code == 200
    html = page.content.decode()
    assert cast.competent.name in html
    assert "50,00%" in html
    for secret in (
        cast.citizen.email,
        cast.citizen.full_name,
        done.dossier.code,
        late.dossier.code,
    ):
        assert secret not in html
    assert client.get("/thong-ke/" + OCT)["Location"].startswith("/stats/")
    book = load_workbook(io.BytesIO(client.get("/stats/xuat/xlsx/" + OCT).content))
    assert book.active.max_row > 1
    assert client.get("/stats/xuat/json/" + OCT).status_code == 200


def test_empty_period_shows_na_not_a_crash(client, data):
    cast, *_ = data
    _leader(client, cast)
    html = client.get("/office/stats/?ky=month&nam=2025&thang=1").content.decode()
    assert "N/A" in html
    assert client.get("/stats/?ky=custom&tu=2025-01-01&den=2025-01-31").status_code == 200
    assert client.get("/stats/?ky=month&nam=abc").status_code == 200  # bad input: this year
