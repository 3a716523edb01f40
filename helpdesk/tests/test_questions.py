from django.test import Client

import pytest

from accounts.tests.factories import CitizenFactory, login_with_mfa
from common.exceptions import ApplicationError
from helpdesk import selectors, services
from helpdesk.constants import QuestionStatus
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _ask(asker, **kwargs):
    defaults = {
        "title": "Đăng ký thường trú cần giấy tờ gì?",
        "body": "Tôi chuyển hộ khẩu từ Long An về Tây Ninh thì cần những giấy tờ gì?",
        "procedure_code": "1.004194",
    }
    defaults.update(kwargs)
    return services.question_ask(asker=asker, **defaults)


def test_question_from_asking_to_the_faq(
    citizen_client, citizen, officer, agency, agency_staff, client
):
    response = citizen_client.post(
        "/phan-anh/hoi-dap/dat-cau-hoi/",
        {
            "title": "Đăng ký thường trú cần giấy tờ gì?",
            "body": "Chuyển hộ khẩu về Tây Ninh.",
            "procedure_code": "1.004194",
        },
    )
    assert response.status_code == 302
    question = selectors.questions_visible_to(user=citizen).get()
    assert question.code.startswith("HD-")
    services.question_assign(question=question, by=officer, agency=agency)
    with pytest.raises(ApplicationError):
        services.question_publish(question=question, by=officer, answer="x")  # not answered yet
    services.question_answer(
        question=question, by=agency_staff, answer="Cần tờ khai CT01 và giấy tờ chỗ ở hợp pháp."
    )
    question = services.question_publish(
        question=question, by=officer, answer="Cần tờ khai CT01 và giấy tờ chỗ ở hợp pháp."
    )
    assert question.status == QuestionStatus.PUBLISHED
    assert Notification.objects.filter(
        recipient=citizen, event="helpdesk_answered", reference=question.code
    ).exists()
    anonymous = Client()
    for q in ("hộ khẩu", "ho khau", "HO KHAU tay ninh", "ct01"):
        page = anonymous.get("/phan-anh/hoi-dap/", {"q": q}).content.decode()
        assert question.title in page, q
    assert (
        question.title
        not in anonymous.get("/phan-anh/hoi-dap/", {"q": "khai sinh"}).content.decode()
    )
    detail = anonymous.get(f"/phan-anh/hoi-dap/{question.code}/").content.decode()
    assert "CT01" in detail
    assert citizen.get_full_name() not in detail
    assert [q.code for q in selectors.faq(procedure_code="1.004194")] == [question.code]


def test_unpublished_questions_are_not_public_and_scoped(
    citizen, officer, agency, other_agency, agency_staff
):
    mine = _ask(citizen)
    other = _ask(CitizenFactory())
    assert Client().get(f"/phan-anh/hoi-dap/{mine.code}/").status_code == 404
    assert list(selectors.questions_visible_to(user=citizen)) == [mine]
    services.question_assign(question=mine, by=officer, agency=agency)
    services.question_assign(question=other, by=officer, agency=other_agency)
    assert list(selectors.question_queue(user=agency_staff)) == [mine]
    assert set(selectors.question_queue(user=officer)) == {mine, other}
    with pytest.raises(ApplicationError):
        services.question_answer(question=other, by=agency_staff, answer="x")
    with pytest.raises(ApplicationError):
        services.question_assign(question=other, by=agency_staff, agency=agency)


def test_question_workspace_views(client, officer, citizen, agency):
    question = _ask(citizen)
    login_with_mfa(client, officer)
    assert question.code in client.get("/phan-anh/hoi-dap/xu-ly/").content.decode()
    response = client.post(
        f"/phan-anh/hoi-dap/xu-ly/{question.code}/chuyen/", {"agency": str(agency.uuid)}
    )
    assert response.status_code == 302
    response = client.post(f"/phan-anh/hoi-dap/xu-ly/{question.code}/tra-loi/", {"answer": ""})
    assert response.status_code == 400
    response = client.post(
        f"/phan-anh/hoi-dap/xu-ly/{question.code}/tra-loi/", {"answer": "Trả lời."}
    )
    assert response.status_code == 302
    response = client.post(
        f"/phan-anh/hoi-dap/xu-ly/{question.code}/cong-khai/",
        {"publish-answer": "Trả lời đã duyệt."},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.PUBLISHED
    assert question.answer == "Trả lời đã duyệt."


def test_procedure_page_panel_lists_its_published_answers(citizen, officer):
    from helpdesk.panels import procedure_faq_panel

    assert procedure_faq_panel(procedure_code="1.004194") == ""
    question = _ask(citizen)
    services.question_answer(question=question, by=officer, answer="CT01.")
    services.question_publish(question=question, by=officer, answer="CT01.")
    _ask(citizen, title="Câu hỏi chưa trả lời")
    html = procedure_faq_panel(procedure_code="1.004194")
    assert f"/phan-anh/hoi-dap/{question.code}/" in html
    assert "Câu hỏi chưa trả lời" not in html
    assert "thu_tuc=1.004194" in html
