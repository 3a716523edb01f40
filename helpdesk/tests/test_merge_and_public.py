"""Duplicate suggestions and merging; the public pages carry no personal data."""

import io
from decimal import Decimal

from django.test import Client, override_settings

import pytest
from PIL import Image

from accounts.tests.factories import CitizenFactory
from common.exceptions import ApplicationError
from helpdesk import selectors, services
from helpdesk.constants import IntakeChannel, ReportStatus
from helpdesk.services import Photo
from helpdesk.tests.factories import TAY_NINH, jpeg_with_gps, submit_report

pytestmark = pytest.mark.django_db
LAT, LON = TAY_NINH


def test_suggestions_rank_near_and_similar_reports(commune, other_commune, officer):
    report = submit_report(commune=commune, latitude=LAT, longitude=LON)
    near_same = submit_report(
        commune=commune,
        title="Đèn đường hỏng đường Cách Mạng Tháng 8",
        description="Cột đèn gần chợ không sáng mấy hôm nay",
        latitude=LAT + Decimal("0.0005"),  # about 55 m north
        longitude=LON,
    )
    far_same_text = submit_report(
        commune=other_commune, latitude=LAT + Decimal("0.05"), longitude=LON
    )
    near_other_topic = submit_report(
        commune=commune,
        category="environment",
        title="Rác thải đổ trộm",
        description="Bãi rác tự phát bốc mùi cạnh kênh",
        latitude=LAT,
        longitude=LON + Decimal("0.0003"),
    )
    suggestions = selectors.duplicate_suggestions(report=report, user=officer)
    codes = [s.report.code for s in suggestions]
    assert codes[0] == near_same.code
    assert far_same_text.code not in codes
    assert suggestions[0].distance_m == pytest.approx(55.6, abs=1)
    if near_other_topic.code in codes:
        assert codes.index(near_other_topic.code) > 0
    # accents do not matter for the text part
    unaccented = submit_report(
        commune=commune,
        title="Den duong hong tren duong Cach Mang Thang Tam",
        description="Ba cot den lien nhau khong sang",
    )
    assert unaccented.code in [
        s.report.code for s in selectors.duplicate_suggestions(report=report, user=officer)
    ]
    assert selectors.duplicate_suggestions(report=report, user=CitizenFactory()) == []


def test_merge_closes_the_duplicate_and_its_reporter_hears_the_answer(
    commune, officer, agency, agency_staff, sms_outbox, django_capture_on_commit_callbacks
):
    primary = submit_report(commune=commune)
    duplicate = submit_report(
        commune=commune,
        channel=IntakeChannel.OPERATOR,
        reporter=None,
        reporter_phone="0911111111",
        entered_by=officer,
    )
    earlier_duplicate = submit_report(commune=commune)
    services.report_merge(duplicate=earlier_duplicate, into=duplicate, by=officer)
    services.report_merge(duplicate=duplicate, into=primary, by=officer)
    duplicate.refresh_from_db()
    earlier_duplicate.refresh_from_db()
    assert duplicate.status == ReportStatus.MERGED
    assert duplicate.merged_into == primary
    assert earlier_duplicate.merged_into == primary  # followed to the surviving report
    assert set(primary.duplicates.all()) == {duplicate, earlier_duplicate}
    assert primary.events.last().action == "duplicate_attached"
    with pytest.raises(ApplicationError):
        services.report_merge(duplicate=primary, into=primary, by=officer)
    with pytest.raises(ApplicationError):  # a merged report cannot receive others
        services.report_merge(duplicate=submit_report(commune=commune), into=duplicate, by=officer)
    with pytest.raises(ApplicationError):
        services.report_merge(
            duplicate=submit_report(commune=commune), into=primary, by=agency_staff
        )

    services.report_assign(report=primary, by=officer, agency=agency)
    services.report_answer(report=primary, by=agency_staff, answer="Đã sửa.")
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(
            report=primary, by=officer, public_title="T", public_description="D", answer="Đã sửa."
        )
    assert [m.to for m in sms_outbox] == ["+84911111111"]
    assert duplicate.code in sms_outbox[0].body


def test_merge_from_the_workspace(officer_client, commune, officer):
    primary = submit_report(commune=commune)
    duplicate = submit_report(commune=commune)
    response = officer_client.post(
        f"/phan-anh/xu-ly/{duplicate.code}/gop/", {"into": primary.code.lower()}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == primary
    bad = officer_client.post(f"/phan-anh/xu-ly/{primary.code}/gop/", {"into": primary.code})
    assert bad.status_code == 400
    assert "chính nó" in bad.content.decode()


@override_settings(DEBUG=True)  # as on `make run`: a mistyped code must not show a debug 404
def test_a_mistyped_merge_code_is_a_form_error(officer_client, commune, caplog):
    report = submit_report(commune=commune)
    with caplog.at_level("INFO", logger="helpdesk.views"):
        response = officer_client.post(
            f"/phan-anh/xu-ly/{report.code}/gop/", {"into": "pa-khong-co"}
        )
    assert response.status_code == 400
    assert "Không tìm thấy phản ánh mã PA-KHONG-CO" in response.content.decode()
    assert any("PA-KHONG-CO" in record.getMessage() for record in caplog.records)
    report.refresh_from_db()
    assert report.merged_into is None


def _published(commune, officer, agency, agency_staff, **kwargs):
    reporter = CitizenFactory(full_name="Trần Thị Riêng Tư")
    report = submit_report(
        commune=commune,
        reporter=reporter,
        description="Tôi là Trần Thị Riêng Tư, SĐT 0909 123 456, nhà số 7.",
        latitude=LAT,
        longitude=LON,
        **kwargs,
    )
    services.report_assign(report=report, by=officer, agency=agency)
    services.report_answer(report=report, by=agency_staff, answer="Đã khắc phục ngày 05/03.")
    return services.report_publish(
        report=report,
        by=officer,
        public_title="Đèn đường hỏng trên đường Cách Mạng Tháng Tám",
        public_description="Ba cột đèn không sáng gần chợ.",
        answer="Đã khắc phục ngày 05/03.",
    )


def test_public_pages_show_no_personal_data(commune, officer, agency, agency_staff, no_virus_scan):
    report = _published(
        commune, officer, agency, agency_staff, photos=[Photo("a.jpg", jpeg_with_gps())]
    )
    client = Client()
    listing = client.get("/phan-anh/").content.decode()
    detail = client.get(f"/phan-anh/cong-khai/{report.code}/").content.decode()
    for page in (listing, detail):
        assert "Ba cột đèn không sáng gần chợ." in page
        assert "Riêng Tư" not in page
        assert "0909" not in page
        assert "84912345678" not in page
        assert report.reporter_email not in page
    assert "Đã khắc phục ngày 05/03." in detail
    # public search reads only the published text: the private description cannot be probed
    assert report.code in client.get("/phan-anh/", {"q": "cot den"}).content.decode()
    assert report.code not in client.get("/phan-anh/", {"q": "rieng tu"}).content.decode()
    assert report.code not in client.get("/phan-anh/", {"q": "0909"}).content.decode()
    # the photo is public now, and carries no GPS
    photo = report.photos.get()
    response = client.get(f"/phan-anh/anh/{photo.uuid}/")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert not Image.open(io.BytesIO(data)).getexif().get(0x8825)
    # a hidden photo is not served to the public any more
    services.report_photo_hide(photo=photo, by=officer)
    assert client.get(f"/phan-anh/anh/{photo.uuid}/").status_code == 404
    assert str(photo.uuid) not in client.get(f"/phan-anh/cong-khai/{report.code}/").content.decode()


def test_unpublished_reports_and_their_photos_stay_private(commune, reporter, no_virus_scan):
    report = submit_report(
        commune=commune, reporter=reporter, photos=[Photo("a.jpg", jpeg_with_gps())]
    )
    client = Client()
    assert client.get(f"/phan-anh/cong-khai/{report.code}/").status_code == 404
    assert report.code not in client.get("/phan-anh/").content.decode()
    photo = report.photos.get()
    assert client.get(f"/phan-anh/anh/{photo.uuid}/").status_code == 404
    client.force_login(reporter)
    assert client.get(f"/phan-anh/anh/{photo.uuid}/").status_code == 200


def test_public_list_filters(commune, other_commune, officer, agency, agency_staff, settings):
    settings.HELPDESK_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    lighting = _published(commune, officer, agency, agency_staff)
    roads = _published(other_commune, officer, agency, agency_staff, category="roads")
    client = Client()
    by_category = client.get("/phan-anh/", {"linh_vuc": "roads"}).content.decode()
    assert roads.code in by_category
    assert lighting.code not in by_category
    by_commune = client.get("/phan-anh/", {"xa": commune.commune_code}).content.decode()
    assert lighting.code in by_commune
    assert roads.code not in by_commune
    unaccented = client.get("/phan-anh/", {"q": "cot den khong sang"}).content.decode()
    assert lighting.code in unaccented
    assert 'id="report-markers"' in unaccented  # with tiles configured, a map
    settings.HELPDESK_MAP_TILE_URL = ""
    without_tiles = client.get("/phan-anh/", {"q": "cot den khong sang"}).content.decode()
    assert 'id="report-markers"' not in without_tiles  # without, the list alone
    assert lighting.code in without_tiles
