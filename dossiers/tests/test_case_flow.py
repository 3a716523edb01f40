"""The case of a dossier from the citizen's choice to reception (issue #25, ADR 0260): the
"Trường hợp nào đúng với bạn?" step, only that case's documents asked for, the case on the
review page and the forms, the officer changing it with a reason, Mẫu 02 listing that case only.
"""

from django.urls import reverse

import pytest

from accounts.tests.factories import login_with_mfa
from dossiers import services as svc
from dossiers.constants import DossierStatus, DraftStep, EventKind, FormCode
from dossiers.models import Dossier
from dossiers.official_forms.context import form_context
from dossiers.tests.submission_helpers import PHONE, PROCEDURE_CODE, fill_draft, pdf_bytes
from procedures import importer
from procedures.demo import DATA_FILE, _correct_residence_cases
from procedures.models import AgencyNameMapping, DocumentRequirement, ProcedureCase
from procedures.services import procedures_import

pytestmark = pytest.mark.django_db
OWN_HOME = "Tôi đăng ký vào nhà (chỗ ở) của chính mình"
RENTED = "Tôi thuê, mượn hoặc ở nhờ nhà của người khác"


@pytest.fixture
def residence(world):
    """The real 1.004222 of the national file, with the demo's corrections of its cases."""
    DocumentRequirement.objects.filter(procedure=world.procedure).delete()
    record = next(r for r in importer.read_records(DATA_FILE) if r["ma_thu_tuc"] == PROCEDURE_CODE)
    procedures_import(records=[record])
    procedure = world.procedure
    procedure.refresh_from_db()
    procedure.implementing_mapping = AgencyNameMapping.objects.get(
        source_name="Công an tỉnh (thử nghiệm)"
    )
    procedure.save(update_fields=["implementing_mapping"])
    _correct_residence_cases(procedure)
    return procedure


def case_key(label):
    return ProcedureCase.objects.get(procedure__code=PROCEDURE_CODE, label=label).key


def test_the_documents_step_asks_for_the_case_first_then_only_its_documents(
    client, world, residence
):
    client.force_login(world.citizen)
    client.post(reverse("dossiers:start", kwargs={"code": PROCEDURE_CODE}))
    dossier = Dossier.objects.get(status=DossierStatus.DRAFT)
    documents = reverse("dossiers:step", kwargs={"uuid": dossier.uuid, "step": DraftStep.DOCUMENTS})
    choose = reverse("dossiers:case_choose", kwargs={"uuid": dossier.uuid})

    assert client.get(documents)["Location"] == choose
    page = client.get(choose).content.decode()
    assert "Trường hợp nào đúng với bạn?" in page
    assert page.count('data-testid="case-option"') == 6
    assert OWN_HOME in page

    assert client.post(choose, {"case": "khong-co"}).status_code == 400
    assert client.post(choose, {"case": case_key(OWN_HOME)})["Location"] == documents
    page = client.get(documents).content.decode()
    assert OWN_HOME in page
    dossier.refresh_from_db()
    names = [c.requirement_name for c in dossier.components.all()]
    assert len(names) == 4, names  # CT01, the proof of a legal home and two vehicle papers
    assert [c.requirement_name[:30] for c in dossier.components.all() if c.is_required] == [
        "Tờ khai thay đổi thông tin cư "
    ]
    assert "*Lưu ý" not in "".join(names)
    assert 'data-testid="case-guidance"' in page  # the note is shown beside the list
    assert "Không yêu cầu xuất trình Giấy khai sinh" in page

    problems = svc.submission_problems(dossier)
    assert problems[DraftStep.DOCUMENTS] == ["Còn thiếu: " + names[-1]]


def test_submission_waits_for_a_case_when_there_is_a_choice(world, residence):
    dossier = fill_draft(svc.dossier_start(procedure=residence, user=world.citizen), world.citizen)
    assert dossier.case_key == ""
    problems = svc.submission_problems(dossier)
    assert problems[DraftStep.DOCUMENTS][0] == "Chọn trường hợp đúng với người nộp hồ sơ."


def own_home_dossier(world, residence):
    dossier = svc.dossier_start(procedure=residence, user=world.citizen)
    svc.dossier_case_choose(dossier=dossier, case_key=case_key(OWN_HOME), by=world.citizen)
    fill_draft(dossier, world.citizen, attach=False)
    for component in dossier.components.all():
        if component.is_required or component.requirement_name.startswith("Thông tin chứng minh"):
            svc.draft_component_upload(
                dossier=dossier,
                component=component,
                by=world.citizen,
                data=pdf_bytes(component.requirement_name),
                name="giay-to.pdf",
            )
    svc.dossier_submit_online(dossier=dossier, by=world.citizen, declaration=True)
    dossier.refresh_from_db()
    return dossier


def test_officer_sees_the_case_and_changes_it_with_the_reason_in_the_history(
    client, world, residence
):
    dossier = own_home_dossier(world, residence)
    assert dossier.case_title == OWN_HOME
    login_with_mfa(client, world.reception_officer)
    detail = reverse("office:detail", kwargs={"uuid": dossier.uuid})
    page = client.get(detail).content.decode()
    assert 'data-testid="office-case"' in page
    assert OWN_HOME in page
    checklist = page.split('id="reception-title"')[1].split("</fieldset>")[0]
    # What was attached (the CT01 form and the proof of a legal home); empty optional ones are not.
    assert checklist.count('type="checkbox"') == 2

    change = reverse("office:case_change", kwargs={"uuid": dossier.uuid})
    refused = client.post(change, {"case": case_key(RENTED), "reason": ""})
    assert refused.status_code == 400
    reason = "Người nộp cho biết đang thuê nhà, không phải chủ sở hữu"
    client.post(change, {"case": case_key(RENTED), "reason": reason})
    dossier.refresh_from_db()
    assert dossier.case_title == RENTED
    event = dossier.events.get(kind=EventKind.CASE_CHANGED)
    assert event.note == reason
    assert (event.data["from_title"], event.data["to_title"]) == (OWN_HOME, RENTED)
    names = [c.requirement_name for c in dossier.components.all()]
    assert any(n.startswith("Hợp đồng, văn bản về việc cho thuê") for n in names)
    assert not any("phương tiện" in n for n in names)


def test_supplement_with_nothing_ticked_lists_only_the_case_documents(world, residence):
    dossier = own_home_dossier(world, residence)
    guidance = "Nộp lại bản chụp rõ nét"
    svc.reception_decide(
        dossier=dossier,
        by=world.reception_officer,
        decision="supplement",
        complete_components=[],
        note=guidance,
    )
    event = dossier.events.get(to_status=DossierStatus.INTAKE_SUPPLEMENT)
    # The case's two attached documents and the officer's guidance; nothing of other cases.
    assert len(event.data["missing_components"]) == 2
    assert event.data["missing_items"][-1] == guidance
    context = form_context(event, FormCode.SUPPLEMENT_REQUEST)
    assert context["case_title"] == OWN_HOME
    assert len(context["items"]) == 3  # the two documents and the guidance


def test_a_national_portal_dossier_is_put_in_the_case_its_files_answer(world, residence):
    from dossiers.services.imports import ImportedFile, dossier_import_national_portal

    rented = ProcedureCase.objects.get(procedure=residence, label=RENTED)
    contract = residence.requirements.get(case=rented, name__startswith="Hợp đồng")
    dossier = dossier_import_national_portal(
        procedure=residence,
        applicant=world.citizen,
        code="G22.99-261207-0001",
        applicant_data={"full_name": "Nguyễn Văn An", "phone": PHONE},
        form_data={},
        vneid_authenticated=True,
        unit=world.centre,
        files=[
            ImportedFile(
                requirement_code=f"R{contract.pk}",
                title=contract.name[:100],
                name="hop-dong.pdf",
                data=pdf_bytes("hop dong"),
            )
        ],
    )
    assert dossier.case_title == RENTED
    attached = [c.requirement_name for c in dossier.components.all() if c.document_uuid]
    assert attached == [contract.name[:500]]


def test_counter_intake_asks_for_the_case_then_scans_only_its_documents(client, world, residence):
    from dossiers.tests.submission_helpers import make_citizen

    draft = svc.counter_draft_start(
        procedure=residence, citizen=make_citizen(), by=world.reception_officer
    )
    assert list(draft.components.all()) == []
    assert "Chọn trường hợp đúng với người nộp hồ sơ." in svc.counter_problems(draft)
    login_with_mfa(client, world.reception_officer)
    url = reverse("office:counter_draft", kwargs={"uuid": draft.uuid})
    assert 'data-testid="counter-case"' in client.get(url).content.decode()
    client.post(url, {"step": "case", "case": case_key(OWN_HOME)})
    draft.refresh_from_db()
    assert draft.case_title == OWN_HOME
    assert draft.components.count() == 4
    assert [c.requirement_name[:8] for c in draft.components.all() if c.is_required] == ["Tờ khai "]
