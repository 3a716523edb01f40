"""The check-your-answers page and the small things of the citizen's journey (issues #25, #26),
over plain HTTP: labels instead of keys, "Thay đổi" that comes back, clear date and ID
messages, the public lookup, deleting a draft, "Hồ sơ của tôi" as cards."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

import pytest

from dossiers import services as svc
from dossiers.constants import DossierStatus, DraftStep
from dossiers.models import Dossier
from dossiers.tests.submission_helpers import ID_NUMBER, PHONE, PROCEDURE_CODE, fill_draft

pytestmark = pytest.mark.django_db

APPLICANT = {
    "full_name": "Nguyễn Văn An",
    "id_number": ID_NUMBER,
    "phone": PHONE,
    "address": "12 Cách Mạng Tháng Tám",
    "action": "next",
}


@pytest.fixture
def signed_in(client, world):
    client.force_login(world.citizen)
    return client


@pytest.fixture
def draft(signed_in):
    signed_in.post(reverse("dossiers:start", kwargs={"code": PROCEDURE_CODE}))
    return Dossier.objects.get(status=DossierStatus.DRAFT)


def step_url(dossier, step, query=""):
    return reverse("dossiers:step", kwargs={"uuid": dossier.uuid, "step": step}) + query


def test_review_problems_name_fields_by_their_labels_not_keys(signed_in, draft):
    draft.applicant_data = {**draft.applicant_data, "id_number": ""}
    draft.save(update_fields=["applicant_data"])
    page = signed_in.get(step_url(draft, DraftStep.REVIEW)).content.decode()
    assert "Số định danh cá nhân: Trường này là bắt buộc." in page
    assert "id_number:" not in page
    assert "form-error-summary" in page  # the summary takes focus (static/js/portal.js)


def test_review_shows_every_answer_and_document_with_change_links(signed_in, world, draft):
    fill_draft(draft, world.citizen)
    page = signed_in.get(step_url(draft, DraftStep.REVIEW)).content.decode()
    for label in (
        "Họ và tên",
        "Số định danh cá nhân",
        "Địa chỉ đăng ký thường trú",
        "34 Trần Hưng Đạo",
    ):
        assert label in page
    assert "giay-to.pdf" in page  # the chosen file's name, with its size
    component = draft.components.exclude(source="state_holds").first()
    assert (
        f"{step_url(draft, DraftStep.DOCUMENTS, '?quay-ve=xem-lai')}#slot-{component.uuid}" in page
    )
    assert f"{step_url(draft, DraftStep.APPLICANT, '?quay-ve=xem-lai')}#id_full_name" in page
    assert "10.000" in page  # the online fee (20,000 less 50 %)


def test_a_change_from_the_review_page_returns_to_it(signed_in, world, draft):
    fill_draft(draft, world.citizen)
    page = signed_in.get(step_url(draft, DraftStep.APPLICANT, "?quay-ve=xem-lai")).content.decode()
    assert "Lưu và quay lại trang kiểm tra" in page
    response = signed_in.post(
        step_url(draft, DraftStep.APPLICANT), {**APPLICANT, "quay-ve": "xem-lai"}
    )
    assert response["Location"] == step_url(draft, DraftStep.REVIEW)
    # without the flag the step goes on to the next one, as before
    response = signed_in.post(step_url(draft, DraftStep.APPLICANT), APPLICANT)
    assert response["Location"] == step_url(draft, DraftStep.FIELDS)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/1990", "Ngày 31/02/1990 không có: tháng 2 năm 1990 có 28 ngày."),
        ("15/13/1990", "Tháng phải từ 1 đến 12 (đã nhập 13)."),
        ("hôm qua", "Không đọc được ngày này."),
    ],
)
def test_impossible_birth_dates_get_their_own_message(signed_in, draft, typed, message):
    response = signed_in.post(
        step_url(draft, DraftStep.APPLICANT), {**APPLICANT, "date_of_birth": typed}
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_future_birth_date_is_refused_with_a_clear_message(signed_in, draft):
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    response = signed_in.post(
        step_url(draft, DraftStep.APPLICANT),
        {**APPLICANT, "date_of_birth": tomorrow.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 400
    assert "Ngày sinh không thể sau ngày hôm nay." in response.content.decode()


def test_a_fourteen_digit_id_gets_a_length_message(signed_in, draft):
    response = signed_in.post(
        step_url(draft, DraftStep.APPLICANT), {**APPLICANT, "id_number": "07209000123456"}
    )
    assert response.status_code == 400
    assert "gồm đúng 12 chữ số; số đã nhập có 14 chữ số" in response.content.decode()


def test_deleting_a_draft_asks_first(signed_in, draft):
    url = reverse("dossiers:draft_delete", kwargs={"uuid": draft.uuid})
    page = signed_in.get(url)
    assert page.status_code == 200
    assert "Xóa bản nháp này?" in page.content.decode()
    assert Dossier.objects.filter(pk=draft.pk).exists()
    assert signed_in.post(url).status_code == 302
    assert not Dossier.objects.filter(pk=draft.pk).exists()


def submit(world, draft):
    fill_draft(draft, world.citizen)
    svc.dossier_submit_online(dossier=draft, by=world.citizen, declaration=True)
    draft.refresh_from_db()
    return draft


def test_public_lookup_ignores_case_and_surrounding_spaces(client, world, draft):
    dossier = submit(world, draft)
    response = client.post(
        reverse("dossiers:lookup"),
        {"code": f"  {dossier.code.lower()}  ", "verify": f" {PHONE[-4:]} "},
    )
    assert response.status_code == 200
    assert dossier.code in response.content.decode()


def test_my_dossiers_are_cards_with_due_date_and_what_to_do(signed_in, world, draft):
    dossier = submit(world, draft)
    page = signed_in.get(reverse("dossiers:mine")).content.decode()
    assert 'data-testid="my-dossiers"' in page
    assert "<table" not in page
    assert "Hẹn trả" in page
    assert "Cần bạn làm" in page
    assert dossier.code in page


def test_a_stored_document_names_its_dossier_by_code(signed_in, world, draft):
    from documents.models import DocumentUse

    dossier = submit(world, draft)
    use = DocumentUse.objects.filter(reference=str(dossier.uuid)).first()
    assert use is not None
    assert use.label.startswith(dossier.code)
    page = signed_in.get(reverse("documents:detail", kwargs={"uuid": use.document.uuid}))
    text = page.content.decode()
    assert dossier.code in text
    assert str(dossier.uuid) not in text.split("<main", 1)[-1].split("</main>")[0]


def test_the_procedure_page_prints_no_empty_brackets(client, world):
    procedure = world.procedure
    procedure.issuing_body = ""
    procedure.save(update_fields=["issuing_body"])
    page = client.get(reverse("procedures:detail", kwargs={"code": procedure.code}))
    assert page.status_code == 200
    assert "()" not in page.content.decode()


def test_applicant_answers_are_not_asked_again_on_the_fields_step(signed_in, world, draft):
    signed_in.post(step_url(draft, DraftStep.APPLICANT), {**APPLICANT, "full_name": "Trần Thị Bé"})
    page = signed_in.get(step_url(draft, DraftStep.FIELDS)).content.decode()
    assert 'name="full_name"' not in page
    assert 'name="id_number"' not in page
    assert "Đã lấy từ bước Người nộp" in page
    response = signed_in.post(
        step_url(draft, DraftStep.FIELDS), {"new_address": "34 Trần Hưng Đạo", "action": "next"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.form_data["full_name"] == "Trần Thị Bé"
    assert draft.form_data["id_number"] == ID_NUMBER
    # a later change on step 1 follows into the procedure's fields
    signed_in.post(step_url(draft, DraftStep.APPLICANT), {**APPLICANT, "full_name": "Trần Thị Bê"})
    draft.refresh_from_db()
    assert draft.form_data["full_name"] == "Trần Thị Bê"
