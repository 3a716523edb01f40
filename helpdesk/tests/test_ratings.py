import datetime as dt

from django.utils import timezone

import pytest

from accounts.tests.factories import CitizenFactory
from common.exceptions import ApplicationError
from dossiers.constants import DossierStatus
from dossiers.tests.factories import make_cast, make_draft, place_in
from helpdesk import selectors, services
from helpdesk.models import DossierRating
from helpdesk.tests.factories import submit_report

pytestmark = pytest.mark.django_db

SCORES = {
    "time_vs_deadline": 5,
    "contacts": 4,
    "information": 5,
    "attitude": 5,
    "lawfulness": 4,
    "explanation": 4,
    "online_service": 5,
}


@pytest.fixture
def cast():
    return make_cast()


def test_applicant_rates_a_returned_dossier_once(cast, client):
    dossier = place_in(make_draft(cast), DossierStatus.RETURNED, returned_at=timezone.now())
    client.force_login(cast.citizen)
    page = client.get(f"/phan-anh/danh-gia-ho-so/{dossier.code}/")
    assert page.status_code == 200
    assert "Thái độ của cán bộ" in page.content.decode()
    response = client.post(
        f"/phan-anh/danh-gia-ho-so/{dossier.code}/", {**SCORES, "comment": "Nhanh"}
    )
    assert response.status_code == 302
    rating = DossierRating.objects.get()
    assert str(rating.average) == "4.57"
    assert rating.agency == cast.competent
    assert rating.procedure_code == dossier.procedure_code
    with pytest.raises(ApplicationError, match="đã được đánh giá"):
        services.dossier_rate(dossier_code=dossier.code, by=cast.citizen, scores=SCORES)


def test_only_the_applicant_and_only_after_return(cast):
    in_process = place_in(make_draft(cast), DossierStatus.IN_PROCESS)
    with pytest.raises(ApplicationError, match="đã trả kết quả"):
        services.dossier_rate(dossier_code=in_process.code, by=cast.citizen, scores=SCORES)
    returned = place_in(make_draft(cast), DossierStatus.RETURNED)
    for stranger in (CitizenFactory(), cast.staff["reception_officer"]):
        with pytest.raises(ApplicationError, match="Không tìm thấy"):
            services.dossier_rate(dossier_code=returned.code, by=stranger, scores=SCORES)
    with pytest.raises(ApplicationError, match="từ 1 đến 5"):
        services.dossier_rate(
            dossier_code=returned.code, by=cast.citizen, scores={**SCORES, "attitude": 7}
        )
    assert not DossierRating.objects.exists()


def test_aggregates_and_indicator_raw_data(cast, commune, officer):
    now = timezone.now()
    for scores in (SCORES, dict.fromkeys(SCORES, 1)):
        dossier = place_in(make_draft(cast), DossierStatus.RETURNED)
        services.dossier_rate(dossier_code=dossier.code, by=cast.citizen, scores=scores)
    rows = selectors.rating_aggregates(
        since=now - dt.timedelta(hours=1), until=now + dt.timedelta(hours=1)
    )
    assert rows[0]["key"] == cast.competent.code
    assert rows[0]["count"] == 2
    assert rows[0]["satisfied"] == 1
    by_procedure = selectors.rating_aggregates(
        since=now - dt.timedelta(hours=1), until=now + dt.timedelta(hours=1), by="procedure"
    )
    assert by_procedure[0]["key"] == "1.001234"

    submit_report(commune=commune)
    refused = submit_report(commune=commune, category="roads")
    services.report_refuse(report=refused, by=officer, reason="Trùng nội dung đã trả lời")
    raw = selectors.indicator_raw_data(
        since=now - dt.timedelta(hours=1), until=now + dt.timedelta(hours=1)
    )
    assert raw["reports_total"] == 2
    assert raw["reports_by_category"] == {"lighting": 1, "roads": 1}
    assert raw["reports_closed"] == 1
    assert raw["reports_closed_on_time"] == 1
    assert raw["reports_unsatisfied_reopened_or_overdue"] == 0
    later = selectors.indicator_raw_data(
        since=now - dt.timedelta(hours=1), until=now + dt.timedelta(days=40)
    )
    assert (
        later["reports_unsatisfied_reopened_or_overdue"] == 1
    )  # the open one, past 15 working days
    assert raw["dossier_ratings"] == 2
    assert raw["dossier_ratings_unsatisfied"] == 1


def test_kiosk_identifies_by_code_and_phone_digits_then_resets(cast, client, settings):
    cast.citizen.phone = "0912 345 678"
    cast.citizen.save(update_fields=["phone"])
    dossier = place_in(make_draft(cast), DossierStatus.RETURNED)
    assert client.get("/phan-anh/kiosk/danh-gia/", {"ma": dossier.code}).status_code == 200
    wrong = client.post(
        "/phan-anh/kiosk/danh-gia/",
        {"step": "identify", "dossier_code": dossier.code, "phone_last4": "0000"},
    )
    assert "không đúng" in wrong.content.decode()
    response = client.post(
        "/phan-anh/kiosk/danh-gia/",
        {"step": "identify", "dossier_code": dossier.code, "phone_last4": "5678"},
    )
    assert response.status_code == 302
    page = client.get("/phan-anh/kiosk/danh-gia/").content.decode()
    assert dossier.code in page
    done = client.post("/phan-anh/kiosk/danh-gia/", {"step": "rate", **SCORES})
    assert 'http-equiv="refresh"' in done.content.decode()
    rating = DossierRating.objects.get()
    assert rating.channel == "kiosk"
    assert rating.rated_by == cast.citizen
    # the next person starts from the beginning, and the same dossier cannot be rated again
    assert "Mã hồ sơ" in client.get("/phan-anh/kiosk/danh-gia/").content.decode()
    again = client.post(
        "/phan-anh/kiosk/danh-gia/",
        {"step": "identify", "dossier_code": dossier.code, "phone_last4": "5678"},
    )
    assert "đã được đánh giá" in again.content.decode()


def test_kiosk_guessing_is_rate_limited(cast, client, settings):
    settings.HELPDESK_KIOSK_ATTEMPTS = 2
    for _ in range(2):
        client.post(
            "/phan-anh/kiosk/danh-gia/",
            {"step": "identify", "dossier_code": "X", "phone_last4": "1111"},
        )
    response = client.post(
        "/phan-anh/kiosk/danh-gia/",
        {"step": "identify", "dossier_code": "X", "phone_last4": "1111"},
    )
    assert "Thử quá nhiều lần" in response.content.decode()


def test_kiosk_forgets_an_abandoned_dossier(cast, client):
    import time_machine

    cast.citizen.phone = "0912345678"
    cast.citizen.save(update_fields=["phone"])
    dossier = place_in(make_draft(cast), DossierStatus.RETURNED)
    client.post(
        "/phan-anh/kiosk/danh-gia/",
        {"step": "identify", "dossier_code": dossier.code, "phone_last4": "5678"},
    )
    assert dossier.code in client.get("/phan-anh/kiosk/danh-gia/").content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        assert dossier.code not in client.get("/phan-anh/kiosk/danh-gia/").content.decode()


def test_survey_link_per_procedure_is_offered(cast, client):
    from helpdesk.models import SurveyLink

    dossier = place_in(make_draft(cast), DossierStatus.RETURNED)
    client.force_login(cast.citizen)
    assert (
        "form.gov.vn"
        not in client.get(f"/phan-anh/danh-gia-ho-so/{dossier.code}/").content.decode()
    )
    SurveyLink.objects.create(
        procedure_code=dossier.procedure_code,
        url="https://form.gov.vn/khao-sat/123",
        title="Khảo sát Sở Tư pháp",
    )
    assert (
        "https://form.gov.vn/khao-sat/123"
        in client.get(f"/phan-anh/danh-gia-ho-so/{dossier.code}/").content.decode()
    )
