"""Issue #19, finding 7: publishing an answer never leaks the reporter's personal data.

The review published "ông Phạm Văn Hỏi (SĐT 0977111222)" because the agency's answer was
prefilled into the publish form. Now the public text starts empty, and text with a phone
number, an ID number, an e-mail or the reporter's name needs the officer's explicit check.
"""

import pytest

from accounts.tests.factories import CitizenFactory
from helpdesk import services
from helpdesk.constants import ReportStatus
from helpdesk.forms import personal_data_found
from helpdesk.tests.factories import submit_report

pytestmark = pytest.mark.django_db
LEAKY_ANSWER = "Đã liên hệ ông Phạm Văn Hỏi (SĐT 0977111222) và thay bóng đèn ngày 05/03."


@pytest.fixture
def answered(commune, officer, agency, agency_staff):
    report = submit_report(commune=commune, reporter=CitizenFactory(full_name="Phạm Văn Hỏi"))
    services.report_assign(report=report, by=officer, agency=agency)
    services.report_answer(report=report, by=agency_staff, answer=LEAKY_ANSWER)
    return report


def _publish(client, report, **fields):
    data = {"public_title": "Đèn đường hỏng", "public_description": "Ba cột đèn không sáng."}
    return client.post(f"/phan-anh/xu-ly/{report.code}/cong-khai/", {**data, **fields})


def test_publish_form_starts_empty_not_from_the_agencys_answer(officer_client, answered):
    page = officer_client.get(f"/phan-anh/xu-ly/{answered.code}/").content.decode()
    form = page[page.index('id="h-publish"') :]
    form = form[: form.index("</form>")]
    assert "0977111222" not in form
    assert "Phạm Văn Hỏi" not in form
    assert "0977111222" in page  # the agency's answer is shown beside it, to rewrite


def test_publishing_the_leaky_answer_is_stopped_with_a_warning(officer_client, answered):
    response = _publish(officer_client, answered, answer=LEAKY_ANSWER)
    assert response.status_code == 400
    text = response.content.decode()
    assert "số điện thoại" in text
    assert "họ tên người phản ánh" in text
    answered.refresh_from_db()
    assert answered.status == ReportStatus.ANSWERED
    assert answered.published_at is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Gọi lại số +84 977 111 222.", "số điện thoại"),
        ("Gọi 0977.111.222", "số điện thoại"),
        ("CCCD 072090000011 của người dân", "số định danh / CMND"),
        ("Gửi về hoi.pv@example.vn", "địa chỉ e-mail"),
        ("Ong Pham Van Hoi da duoc tra loi", "họ tên người phản ánh"),
    ],
)
def test_each_kind_of_personal_data_is_found(text, kind):
    assert kind in personal_data_found(text, names=["Phạm Văn Hỏi"])


def test_ordinary_answer_text_is_not_flagged():
    assert (
        personal_data_found(
            "Đã thay 3 bóng đèn ngày 05/03/2026, chi phí 1.200.000 đồng.", names=["Phạm Văn Hỏi"]
        )
        == []
    )


def test_a_clean_answer_publishes(officer_client, answered):
    response = _publish(officer_client, answered, answer="Đã thay bóng đèn ngày 05/03.")
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.status == ReportStatus.PUBLISHED
    assert "0977111222" not in answered.answer


def test_the_officer_may_confirm_an_agency_phone_number(officer_client, answered):
    answer = "Mọi thắc mắc xin gọi Phòng Quản lý đô thị: 0276 3822 345."
    assert _publish(officer_client, answered, answer=answer).status_code == 400
    confirmed = _publish(officer_client, answered, answer=answer, personal_data_checked="on")
    assert confirmed.status_code == 302
    answered.refresh_from_db()
    assert answered.status == ReportStatus.PUBLISHED
