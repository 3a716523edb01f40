"""Issue #20, helpdesk part: duplicate hints that compare street and place names, one-click
merge from a suggestion, and a map only when tiles are configured (a list otherwise)."""

from decimal import Decimal

import pytest

from helpdesk import selectors
from helpdesk.constants import ReportStatus
from helpdesk.similarity import place_similarity, place_words
from helpdesk.tests.factories import TAY_NINH, submit_report

pytestmark = pytest.mark.django_db
LAT, LON = TAY_NINH


def test_place_words_keep_names_and_drop_house_numbers_and_kinds():
    assert place_words("Số 12 đường Cách Mạng Tháng 8, khu phố 3") == {
        "cach",
        "mang",
        "thang",
        "8",
    }
    assert place_words("Quốc lộ 22, ấp Trường Lưu") == {"ql22", "truong", "luu"}
    assert place_words("QL22 gần chợ Long Hoa") == {"ql22", "long", "hoa"}
    assert place_words("số 5 hẻm 12") == set()


def test_place_similarity_sees_a_street_named_only_in_the_description():
    assert place_similarity("Đường Nguyễn Văn Rốp", "Ổ gà", "Số 5 hẻm 12 Nguyễn Văn Rốp", "") == 1
    assert place_similarity("Khu phố 1", "Hố sâu trên đường Nguyễn Văn Rốp", "Nguyễn Văn Rốp", "")
    assert place_similarity("Đường Nguyễn Văn Rốp", "", "Đường Trưng Nữ Vương", "") == 0
    # the commune's own name is on every address there: it proves nothing
    assert (
        place_similarity(
            "Ấp Tân Ninh A", "", "Khu phố Tân Ninh", "", ignore=place_words("Phường Tân Ninh")
        )
        < 0.6
    )


def test_a_report_on_the_same_street_in_other_words_is_suggested(commune, officer):
    """What the issue saw: two callers, no coordinates, different words, one street."""
    first = submit_report(
        commune=commune,
        category="roads",
        title="Ổ gà lớn giữa đường",
        description="Xe máy té ngã nhiều lần vào ban đêm.",
        address="Số 45 đường Nguyễn Văn Rốp, khu phố 4",
    )
    second = submit_report(
        commune=commune,
        category="roads",
        title="Hố sâu nguy hiểm",
        description="Mặt đường sụt lún, nước đọng, chưa có biển cảnh báo.",
        address="Trước nhà 112 Nguyễn Văn Rốp",
    )
    elsewhere = submit_report(
        commune=commune,
        category="roads",
        title="Hố sâu nguy hiểm",
        description="Mặt đường sụt lún ở đầu hẻm.",
        address="Đường Trưng Nữ Vương, khu phố 1",
    )
    suggestions = selectors.duplicate_suggestions(report=second, user=officer)
    by_code = {s.report.code: s for s in suggestions}
    assert first.code in by_code
    assert by_code[first.code].same_place
    assert not by_code.get(elsewhere.code) or not by_code[elsewhere.code].same_place
    assert suggestions[0].report == first


def test_a_street_name_in_another_commune_far_away_is_not_the_same_place(
    commune, other_commune, officer
):
    report = submit_report(commune=commune, address="Đường 30 Tháng 4", latitude=LAT, longitude=LON)
    far = submit_report(
        commune=other_commune,
        address="Đường 30 Tháng 4",
        latitude=LAT + Decimal("0.02"),  # about 2.2 km
        longitude=LON,
    )
    codes = [s.report.code for s in selectors.duplicate_suggestions(report=report, user=officer)]
    assert far.code not in codes


def test_one_click_merge_from_a_suggestion(officer_client, commune):
    kept = submit_report(commune=commune, latitude=LAT, longitude=LON)
    duplicate = submit_report(commune=commune, latitude=LAT, longitude=LON)
    page = officer_client.get(f"/phan-anh/xu-ly/{duplicate.code}/").content.decode()
    button = f"Gộp phản ánh này vào {kept.code}"
    assert button in page
    assert f'name="into" value="{kept.code}"' in page
    response = officer_client.post(f"/phan-anh/xu-ly/{duplicate.code}/gop/", {"into": kept.code})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == ReportStatus.MERGED
    assert duplicate.merged_into == kept
    after = officer_client.get(f"/phan-anh/xu-ly/{duplicate.code}/").content.decode()
    assert "Gộp phản ánh này vào" not in after  # nothing left to merge from a merged report
    assert f'href="/phan-anh/xu-ly/{kept.code}/">{kept.code}</a>' in after  # where it went


def test_without_tiles_the_pages_list_and_load_no_map(officer_client, commune, settings):
    settings.HELPDESK_MAP_TILE_URL = ""
    report = submit_report(commune=commune, latitude=LAT, longitude=LON)
    submit_report(commune=commune, latitude=LAT, longitude=LON)
    detail = officer_client.get(f"/phan-anh/xu-ly/{report.code}/").content.decode()
    assert 'id="report-map"' not in detail
    assert "leaflet.js" not in detail
    assert "cách 0 m" in detail  # the suggestions are the list
    form = officer_client.get("/phan-anh/xu-ly/tiep-nhan/").content.decode()
    assert 'data-picker="1"' in form
    assert "Nhập tọa độ nếu người gọi biết" in form
    assert "Dùng vị trí hiện tại của tôi" not in form  # the operator is not at the place


def test_with_tiles_the_staff_page_has_a_map_of_the_report_and_its_suggestions(
    officer_client, commune, settings
):
    settings.HELPDESK_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    report = submit_report(commune=commune, latitude=LAT, longitude=LON)
    other = submit_report(commune=commune, latitude=LAT, longitude=LON)
    detail = officer_client.get(f"/phan-anh/xu-ly/{report.code}/").content.decode()
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in detail
    assert report.code in detail
    assert other.code in detail
    assert "leaflet.js" in detail
