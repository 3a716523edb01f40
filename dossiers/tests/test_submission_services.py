"""The submission services: start with prefill, save steps, submit through the transition."""

import pytest

from common.exceptions import ApplicationError
from dossiers import services as svc
from dossiers.constants import ComponentSource, DossierStatus, DraftStep
from dossiers.models import Dossier, DossierEvent
from dossiers.tests.submission_helpers import ID_NUMBER, fill_draft, make_citizen, pdf_bytes

pytestmark = pytest.mark.django_db


def test_start_prefills_and_lays_out_components(world):
    world.citizen.profile.id_number = ID_NUMBER
    world.citizen.profile.save()
    dossier = svc.dossier_start(procedure=world.procedure, user=world.citizen)

    assert dossier.status == DossierStatus.DRAFT
    assert dossier.receiving_agency == world.centre
    assert dossier.competent_agency == world.department
    assert dossier.processing_time == 7
    assert dossier.form_data["full_name"] == world.citizen.profile.full_name
    assert dossier.form_data["id_number"] == ID_NUMBER
    assert dossier.applicant_data["phone"] == "0912345678"
    assert dossier.fee_vnd == 10_000  # 20 000 đ with the 50 % online discount
    sources = {c.requirement_name: c.source for c in dossier.components.all()}
    assert sources["Thẻ căn cước"] == ComponentSource.STATE_HOLDS
    assert sources["Tờ khai thay đổi thông tin cư trú"] == ""


def test_fields_prefill_from_the_most_recent_dossier_with_the_same_key(world):
    first = svc.dossier_start(procedure=world.procedure, user=world.citizen)
    fill_draft(first, world.citizen)
    second = svc.dossier_start(procedure=world.procedure, user=world.citizen)
    assert second.form_data["new_address"] == "34 Trần Hưng Đạo"


def test_submit_assigns_code_writes_event_locks_documents_and_notifies(
    world, django_capture_on_commit_callbacks
):
    from documents.models import DocumentUse
    from notifications.models import Notification

    dossier = fill_draft(
        svc.dossier_start(procedure=world.procedure, user=world.citizen), world.citizen
    )
    with django_capture_on_commit_callbacks() as callbacks:
        event = svc.dossier_submit_online(dossier=dossier, by=world.citizen, declaration=True)
    dossier.refresh_from_db()

    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.code.startswith(world.department.code + "-")
    assert dossier.declared_at is not None
    assert event.to_status == DossierStatus.SUBMITTED
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1
    uses = DocumentUse.objects.filter(reference=str(dossier.uuid))
    assert uses.count() == 2
    assert all(u.locked for u in uses)
    events = set(
        Notification.objects.filter(reference=dossier.code).values_list("event", "recipient")
    )
    assert ("dossier_submitted", world.citizen.pk) in events
    assert ("staff_new_in_queue", world.reception_officer.pk) in events
    assert callbacks  # delivery and dossier listeners run after commit


def test_submit_refuses_without_declaration_and_keeps_the_draft(world):
    dossier = fill_draft(
        svc.dossier_start(procedure=world.procedure, user=world.citizen), world.citizen
    )
    with pytest.raises(svc.SubmissionIncomplete) as refused:
        svc.dossier_submit_online(dossier=dossier, by=world.citizen, declaration=False)
    assert DraftStep.REVIEW in refused.value.extra["problems"]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT
    assert dossier.code is None


def test_submit_lists_every_missing_part(world):
    dossier = svc.dossier_start(procedure=world.procedure, user=world.citizen)
    with pytest.raises(svc.SubmissionIncomplete) as refused:
        svc.dossier_submit_online(dossier=dossier, by=world.citizen, declaration=True)
    problems = refused.value.extra["problems"]
    assert set(problems) >= {
        DraftStep.APPLICANT,
        DraftStep.FIELDS,
        DraftStep.DOCUMENTS,
        DraftStep.DELIVERY,
    }


def test_bad_input_keeps_the_draft_intact(world):
    dossier = fill_draft(
        svc.dossier_start(procedure=world.procedure, user=world.citizen), world.citizen
    )
    before = Dossier.objects.get(pk=dossier.pk)
    # a missing required field
    with pytest.raises(ApplicationError) as missing:
        svc.draft_fields_save(dossier=dossier, by=world.citizen, data={"new_address": ""})
    assert "new_address" in missing.value.extra["errors"]
    # a wrong ID number (not 12 digits; then a bad province code)
    for wrong in ("12345", "999090001234"):
        with pytest.raises(ApplicationError) as bad_id:
            svc.draft_applicant_save(
                dossier=dossier,
                by=world.citizen,
                data={**before.applicant_data, "id_number": wrong},
            )
        assert "id_number" in bad_id.value.extra["errors"]
    # a refused upload (not a PDF or image)
    component = dossier.components.exclude(source=ComponentSource.STATE_HOLDS).first()
    with pytest.raises(ApplicationError):
        svc.draft_component_upload(
            dossier=dossier,
            component=component,
            by=world.citizen,
            data=b"MZ\x90\x00 not a pdf",
            name="x.exe",
        )
    after = Dossier.objects.get(pk=dossier.pk)
    assert after.form_data == before.form_data
    assert after.applicant_data == before.applicant_data
    component.refresh_from_db()
    assert component.document_uuid is not None  # the earlier upload is still there


def test_pick_from_store_is_a_pointer_marked_reused(world):
    from documents.constants import DocumentSource
    from documents.models import StoredDocument
    from documents.services import document_store

    stored = document_store(
        data=pdf_bytes("store"),
        title="Hợp đồng thuê nhà",
        source=DocumentSource.UPLOADED,
        owner_user=world.citizen,
        created_by=world.citizen,
    )
    dossier = svc.dossier_start(procedure=world.procedure, user=world.citizen)
    component = dossier.components.get(requirement_name="Giấy tờ chứng minh chỗ ở hợp pháp")
    count = StoredDocument.objects.count()
    svc.draft_component_pick(
        dossier=dossier, component=component, by=world.citizen, document_uuid=stored.uuid
    )
    component.refresh_from_db()
    assert component.document_uuid == stored.uuid
    assert component.source == ComponentSource.REUSED
    assert StoredDocument.objects.count() == count  # no copy


def test_cannot_pick_another_citizens_document(world):
    from documents.constants import DocumentSource
    from documents.services import document_store

    other = make_citizen()
    theirs = document_store(
        data=pdf_bytes("theirs"),
        title="Của người khác",
        source=DocumentSource.UPLOADED,
        owner_user=other,
    )
    dossier = svc.dossier_start(procedure=world.procedure, user=world.citizen)
    component = dossier.components.exclude(source=ComponentSource.STATE_HOLDS).first()
    with pytest.raises(ApplicationError):
        svc.draft_component_pick(
            dossier=dossier, component=component, by=world.citizen, document_uuid=theirs.uuid
        )


def test_withdrawal_and_supplement_go_through_the_transition_service(world):
    from dossiers.tests.factories import place_in

    dossier = fill_draft(
        svc.dossier_start(procedure=world.procedure, user=world.citizen), world.citizen
    )
    svc.dossier_submit_online(dossier=dossier, by=world.citizen, declaration=True)
    with pytest.raises(ApplicationError):
        svc.dossier_withdrawal_request(dossier=dossier, by=world.citizen, reason=" ")
    event = svc.dossier_withdrawal_request(dossier=dossier, by=world.citizen, reason="Nộp nhầm")
    assert event.to_status == DossierStatus.WITHDRAWAL_REQUESTED
    svc.dossier_withdrawal_cancel(dossier=dossier, by=world.citizen)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED

    place_in(dossier, DossierStatus.SUPPLEMENT_REQUESTED)
    component = dossier.components.exclude(source=ComponentSource.STATE_HOLDS).first()
    old = component.document_uuid
    svc.draft_component_upload(
        dossier=dossier,
        component=component,
        by=world.citizen,
        data=pdf_bytes("new"),
        name="moi.pdf",
    )
    event = svc.dossier_supplement_answer(dossier=dossier, by=world.citizen)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_SUBMITTED
    assert event.to_status == DossierStatus.SUPPLEMENT_SUBMITTED
    changed = dossier.events.get(kind="component_changed")
    assert changed.data["previous"] == str(old)
    assert dossier.code  # same code
