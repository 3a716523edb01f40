"""The step-by-step form over plain HTTP (no JavaScript): every step saves, errors keep input."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from dossiers.constants import ComponentSource, DossierStatus, DraftStep
from dossiers.models import Dossier
from dossiers.tests.submission_helpers import ID_NUMBER, PHONE, PROCEDURE_CODE, pdf_bytes

pytestmark = pytest.mark.django_db


def step_url(dossier, step):
    return reverse("dossiers:step", kwargs={"uuid": dossier.uuid, "step": step})


@pytest.fixture
def signed_in(client, world):
    client.force_login(world.citizen)
    return client


def start(client):
    response = client.post(reverse("dossiers:start", kwargs={"code": PROCEDURE_CODE}))
    assert response.status_code == 302
    return Dossier.objects.get(status=DossierStatus.DRAFT)


APPLICANT = {
    "full_name": "Nguyễn Văn An",
    "id_number": ID_NUMBER,
    "phone": PHONE,
    "email": "an@example.vn",
    "address": "12 Cách Mạng Tháng Tám",
    "action": "next",
}


def test_start_requires_sign_in(client, world):
    response = client.get(reverse("dossiers:start", kwargs={"code": PROCEDURE_CODE}))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_applicant_step_is_prefilled_from_profile(signed_in, world):
    dossier = start(signed_in)
    page = signed_in.get(step_url(dossier, DraftStep.APPLICANT)).content.decode()
    assert world.citizen.profile.full_name in page
    assert 'aria-current="step"' in page


def test_full_journey_without_javascript(signed_in, world):
    dossier = start(signed_in)
    response = signed_in.post(step_url(dossier, DraftStep.APPLICANT), APPLICANT)
    assert response["Location"] == step_url(dossier, DraftStep.FIELDS)
    response = signed_in.post(
        step_url(dossier, DraftStep.FIELDS),
        {
            "full_name": "Nguyễn Văn An",
            "id_number": ID_NUMBER,
            "new_address": "34 Trần Hưng Đạo",
            "action": "next",
        },
    )
    assert response["Location"] == step_url(dossier, DraftStep.DOCUMENTS)
    page = signed_in.get(step_url(dossier, DraftStep.DOCUMENTS)).content.decode()
    assert "Không cần cung cấp" in page  # the identity card the state holds
    for component in dossier.components.exclude(source=ComponentSource.STATE_HOLDS):
        prefix = f"c{component.pk}"
        response = signed_in.post(
            step_url(dossier, DraftStep.DOCUMENTS),
            {
                "component": str(component.uuid),
                "action": "attach",
                f"{prefix}-file": SimpleUploadedFile("giay-to.pdf", pdf_bytes(), "application/pdf"),
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    response = signed_in.post(step_url(dossier, DraftStep.DOCUMENTS), {"action": "next"})
    assert response["Location"] == step_url(dossier, DraftStep.DELIVERY)
    response = signed_in.post(
        step_url(dossier, DraftStep.DELIVERY),
        {
            "result_delivery": "post",
            "delivery_address": "5 Lê Lợi",
            "delivery_commune_code": world.commune.commune_code,
            "action": "next",
        },
    )
    assert response["Location"] == step_url(dossier, DraftStep.FEES)
    fees = signed_in.get(step_url(dossier, DraftStep.FEES)).content.decode()
    assert "10.000 đồng" in fees
    assert "giảm 50%" in fees
    signed_in.post(step_url(dossier, DraftStep.FEES), {"action": "next"})
    # submit without the declaration: refused, still a draft
    response = signed_in.post(step_url(dossier, DraftStep.REVIEW), {"action": "submit"})
    assert response.status_code == 400
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT
    response = signed_in.post(
        step_url(dossier, DraftStep.REVIEW), {"action": "submit", "declaration": "on"}
    )
    assert response["Location"] == reverse("dossiers:confirmation", kwargs={"uuid": dossier.uuid})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.delivery_commune_code == world.commune.commune_code
    confirmation = signed_in.get(response["Location"]).content.decode()
    assert dossier.code in confirmation
    assert "data:image/png;base64," in confirmation
    pdf = signed_in.get(reverse("dossiers:confirmation_pdf", kwargs={"uuid": dossier.uuid}))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(b"%PDF")
    mine = signed_in.get(reverse("dossiers:mine")).content.decode()
    assert dossier.code in mine


def test_invalid_step_keeps_what_was_typed_and_saves_nothing(signed_in, world):
    dossier = start(signed_in)
    saved = dict(Dossier.objects.get(pk=dossier.pk).applicant_data)
    typed = {**APPLICANT, "id_number": "12345", "full_name": "Tên mới đã gõ"}
    response = signed_in.post(step_url(dossier, DraftStep.APPLICANT), typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tên mới đã gõ" in page  # nothing typed is lost
    assert 'aria-invalid="true"' in page
    assert "id_id_number_error" in page  # the error is tied to the field
    assert Dossier.objects.get(pk=dossier.pk).applicant_data == saved


def test_missing_required_field_is_reported_inline(signed_in, world):
    dossier = start(signed_in)
    response = signed_in.post(
        step_url(dossier, DraftStep.FIELDS),
        {"full_name": "", "id_number": ID_NUMBER, "new_address": "", "action": "next"},
    )
    assert response.status_code == 400
    assert "id_new_address_error" in response.content.decode()


def test_refused_upload_shows_reason_and_keeps_slot(signed_in, world):
    dossier = start(signed_in)
    component = dossier.components.exclude(source=ComponentSource.STATE_HOLDS).first()
    response = signed_in.post(
        step_url(dossier, DraftStep.DOCUMENTS),
        {
            "component": str(component.uuid),
            "action": "attach",
            f"c{component.pk}-file": SimpleUploadedFile(
                "virus.exe", b"MZ\x90\x00garbage", "application/pdf"
            ),
        },
    )
    assert response.status_code == 400
    assert "Loại tệp không được chấp nhận" in response.content.decode()
    component.refresh_from_db()
    assert component.document_uuid is None


def test_resume_goes_to_the_furthest_step(signed_in, world):
    dossier = start(signed_in)
    signed_in.post(step_url(dossier, DraftStep.APPLICANT), APPLICANT)
    response = signed_in.get(reverse("dossiers:resume", kwargs={"uuid": dossier.uuid}))
    assert response["Location"] == step_url(dossier, DraftStep.FIELDS)
    assert dossier.procedure_name in signed_in.get(reverse("dossiers:mine")).content.decode()


def test_back_saves_and_goes_back(signed_in, world):
    dossier = start(signed_in)
    signed_in.post(step_url(dossier, DraftStep.APPLICANT), APPLICANT)
    response = signed_in.post(
        step_url(dossier, DraftStep.FIELDS),
        {
            "full_name": "Nguyễn Văn An",
            "id_number": ID_NUMBER,
            "new_address": "9 Nguyễn Trãi",
            "action": "back",
        },
    )
    assert response["Location"] == step_url(dossier, DraftStep.APPLICANT)
    dossier.refresh_from_db()
    assert dossier.form_data["new_address"] == "9 Nguyễn Trãi"


def test_save_to_profile(signed_in, world):
    dossier = start(signed_in)
    signed_in.post(step_url(dossier, DraftStep.APPLICANT), {**APPLICANT, "save_to_profile": "on"})
    world.citizen.profile.refresh_from_db()
    assert world.citizen.profile.id_number == ID_NUMBER


def test_delete_draft(signed_in, world):
    dossier = start(signed_in)
    response = signed_in.post(reverse("dossiers:draft_delete", kwargs={"uuid": dossier.uuid}))
    assert response.status_code == 302
    assert not Dossier.objects.filter(pk=dossier.pk).exists()


def submitted_dossier(world):
    from dossiers import services as svc
    from dossiers.tests.submission_helpers import fill_draft

    dossier = fill_draft(
        svc.dossier_start(procedure=world.procedure, user=world.citizen), world.citizen
    )
    svc.dossier_submit_online(dossier=dossier, by=world.citizen, declaration=True)
    dossier.refresh_from_db()
    return dossier


def test_detail_timeline_documents_and_withdrawal(signed_in, world):
    dossier = submitted_dossier(world)
    url = reverse("dossiers:detail", kwargs={"uuid": dossier.uuid})
    page = signed_in.get(url).content.decode()
    assert "Hồ sơ đã nộp, đang chờ cán bộ kiểm tra và tiếp nhận." in page
    component = dossier.components.exclude(document_uuid=None).first()
    download = signed_in.get(
        reverse(
            "dossiers:component_download",
            kwargs={"uuid": dossier.uuid, "component": component.uuid},
        )
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    withdraw = reverse("dossiers:withdraw", kwargs={"uuid": dossier.uuid})
    assert signed_in.post(withdraw, {"reason": ""}).status_code == 400
    assert signed_in.post(withdraw, {"reason": "Nộp nhầm thủ tục"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWAL_REQUESTED
    page = signed_in.get(url).content.decode()
    assert "Nộp nhầm thủ tục" in page
    signed_in.post(reverse("dossiers:withdraw_cancel", kwargs={"uuid": dossier.uuid}))
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_supplement_answer_on_the_web(signed_in, world):
    from dossiers.tests.factories import place_in

    dossier = place_in(submitted_dossier(world), DossierStatus.INTAKE_SUPPLEMENT)
    url = reverse("dossiers:supplement", kwargs={"uuid": dossier.uuid})
    mine = signed_in.get(reverse("dossiers:mine")).content.decode()
    assert "Bổ sung giấy tờ" in mine  # what waits on the citizen
    component = dossier.components.exclude(source=ComponentSource.STATE_HOLDS).first()
    signed_in.post(
        url,
        {
            "component": str(component.uuid),
            f"c{component.pk}-file": SimpleUploadedFile(
                "moi.pdf", pdf_bytes("moi"), "application/pdf"
            ),
        },
    )
    assert dossier.events.filter(kind="component_changed").count() == 1
    signed_in.post(url, {"note": "Đã bổ sung"})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_result_link_when_done(signed_in, world):
    from documents.constants import DocumentSource
    from documents.services import document_store
    from dossiers.tests.factories import place_in
    from dossiers.tests.submission_helpers import pdf_bytes as make_pdf

    result = document_store(
        data=make_pdf("ket qua"),
        title="Kết quả",
        source=DocumentSource.ISSUED,
        owner_user=world.citizen,
    )
    dossier = place_in(
        submitted_dossier(world), DossierStatus.DONE, result_document_uuid=result.uuid
    )
    page = signed_in.get(reverse("dossiers:detail", kwargs={"uuid": dossier.uuid})).content.decode()
    assert reverse("documents:download", kwargs={"uuid": result.uuid}) in page
