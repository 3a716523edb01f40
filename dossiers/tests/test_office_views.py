"""The officer's dossier page and its actions: reception checklist, transitions, notes, results,
the processing steps (assign, consult, extend, inter-agency), and two officers racing."""

import datetime as dt
import threading
import uuid

from django.db import connection
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.tests.factories import login_with_mfa
from dossiers import services as svc
from dossiers.constants import Actor, DossierStatus, EventKind
from dossiers.models import Dossier, DossierEvent
from dossiers.services import dossier_submit
from dossiers.tests.factories import make_cast, make_draft, place_in
from dossiers.tests.submission_helpers import pdf_bytes

S = DossierStatus
A = Actor


def _submitted(cast, **kwargs):
    dossier = make_draft(cast, **kwargs)
    dossier_submit(dossier=dossier, by=cast.citizen)
    dossier.refresh_from_db()
    return dossier


def _two_components(cast):
    import uuid

    return _submitted(
        cast,
        components=[
            {
                "requirement_code": "TK01",
                "requirement_name": "Tờ khai thay đổi thông tin cư trú",
                "document_uuid": uuid.uuid4(),
                "source": "uploaded",
            },
            {
                "requirement_code": "GT02",
                "requirement_name": "Giấy tờ chứng minh chỗ ở hợp pháp",
                "document_uuid": uuid.uuid4(),
                "source": "uploaded",
            },
        ],
    )


def _detail(dossier):
    return reverse("office:detail", kwargs={"uuid": dossier.uuid})


def _signed_in(client, user):
    login_with_mfa(client, user)
    return client


# --- reception -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reception_page_shows_checklist_and_applicant(client):
    cast = make_cast()
    dossier = _two_components(cast)
    dossier.applicant_data = {"full_name": "Nguyễn Văn An", "id_number": "072090001234"}
    dossier.form_data = {"new_address": "34 Trần Hưng Đạo"}
    dossier.save(update_fields=["applicant_data", "form_data"])
    response = _signed_in(client, cast.staff[A.RECEPTION_OFFICER]).get(_detail(dossier))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kiểm tra tính đầy đủ, hợp lệ" in html
    assert "Nguyễn Văn An" in html
    assert "34 Trần Hưng Đạo" in html
    assert "Giấy tờ chứng minh chỗ ở hợp pháp" in html
    assert "Hạn tiếp nhận (8 giờ làm việc)" in html


@pytest.mark.django_db
def test_accept_needs_every_required_component_ticked(client):
    cast = make_cast()
    dossier = _two_components(cast)
    first, second = dossier.components.all()
    _signed_in(client, cast.staff[A.RECEPTION_OFFICER])
    url = reverse("office:reception", kwargs={"uuid": dossier.uuid})

    response = client.post(
        url, {"decision": "accept", "complete": [str(first.uuid)], "expected_status": "submitted"}
    )
    assert response.status_code == 400
    assert "Giấy tờ chứng minh chỗ ở hợp pháp" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED

    response = client.post(
        url,
        {
            "decision": "accept",
            "complete": [str(first.uuid), str(second.uuid)],
            "expected_status": "submitted",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == S.RECEIVED
    assert dossier.due_at is not None


@pytest.mark.django_db
def test_supplement_at_intake_lists_every_unticked_item_at_once(client):
    cast = make_cast()
    dossier = _two_components(cast)
    first, _second = dossier.components.all()
    _signed_in(client, cast.staff[A.RECEPTION_OFFICER])
    response = client.post(
        reverse("office:reception", kwargs={"uuid": dossier.uuid}),
        {
            "decision": "supplement",
            "complete": [str(first.uuid)],
            "note": "Bản sao hợp đồng thuê nhà phải có chứng thực.",
            "expected_status": "submitted",
            "confirm": "True",  # the confirmation step (test_office_head.py) was passed
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == S.INTAKE_SUPPLEMENT
    event = dossier.events.get(to_status=S.INTAKE_SUPPLEMENT)
    assert "1. Giấy tờ chứng minh chỗ ở hợp pháp" in event.note
    assert "Bản sao hợp đồng thuê nhà phải có chứng thực." in event.note
    assert "Tờ khai" not in event.note
    assert event.data["missing_items"] == [
        "Giấy tờ chứng minh chỗ ở hợp pháp",
        "Bản sao hợp đồng thuê nhà phải có chứng thực.",
    ]
    assert event.form_code == "02"


@pytest.mark.django_db
def test_supplement_with_nothing_missing_is_refused(client):
    cast = make_cast()
    dossier = _two_components(cast)
    ticked = [str(c.uuid) for c in dossier.components.all()]
    _signed_in(client, cast.staff[A.RECEPTION_OFFICER])
    response = client.post(
        reverse("office:reception", kwargs={"uuid": dossier.uuid}),
        {"decision": "supplement", "complete": ticked, "expected_status": "submitted"},
    )
    assert response.status_code == 400
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED


@pytest.mark.django_db
def test_refuse_needs_reasons(client):
    cast = make_cast()
    dossier = _submitted(cast)
    _signed_in(client, cast.staff[A.RECEPTION_OFFICER])
    url = reverse("office:reception", kwargs={"uuid": dossier.uuid})
    assert client.post(url, {"decision": "refuse", "note": ""}).status_code == 400
    response = client.post(url, {"decision": "refuse", "note": "Không thuộc thẩm quyền."})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == S.REJECTED_AT_INTAKE
    assert dossier.events.get(to_status=S.REJECTED_AT_INTAKE).note == "Không thuộc thẩm quyền."


# --- the action bar --------------------------------------------------------------------------


def _act(client, dossier, to, role, **extra):
    return client.post(
        reverse("office:action", kwargs={"uuid": dossier.uuid}),
        {
            "to_prefix": to,
            f"a-{to}-to": to,
            f"a-{to}-role": role,
            f"a-{to}-expected_status": extra.pop("expected", dossier.status),
            **{f"a-{to}-{k}": v for k, v in extra.items()},
        },
    )


@pytest.mark.django_db
def test_only_the_allowed_actions_are_offered(client):
    cast = make_cast()
    dossier = place_in(
        make_draft(cast),
        S.AWAITING_APPROVAL,
        result_kind="positive",
        result_document_uuid=uuid.uuid4(),  # the draft the head approves
    )
    html = _signed_in(client, cast.staff[A.AGENCY_HEAD]).get(_detail(dossier)).content.decode()
    assert 'data-action="signing"' in html
    assert 'data-action="appraising"' in html
    assert 'data-action="done"' not in html
    client.logout()
    html = _signed_in(client, cast.staff[A.PROCESSING_OFFICER]).get(_detail(dossier)).content
    assert b"data-action=" not in html


@pytest.mark.django_db
def test_an_action_moves_the_dossier_and_a_refusal_is_explained(client):
    cast = make_cast()
    dossier = place_in(make_draft(cast), S.RECEIVED)
    _signed_in(client, cast.staff[A.RECEPTION_OFFICER])
    response = _act(client, dossier, S.IN_PROCESS, A.RECEPTION_OFFICER)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == S.IN_PROCESS

    # A role the officer does not hold here is refused by the service, with its reason shown.
    response = _act(client, dossier, S.APPRAISING, A.AGENCY_HEAD)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "không có quyền" in page
    dossier.refresh_from_db()
    assert dossier.status == S.IN_PROCESS


@pytest.mark.django_db
def test_presenting_for_approval_records_the_proposed_result(client):
    cast = make_cast()
    dossier = place_in(make_draft(cast), S.APPRAISING)
    _signed_in(client, cast.staff[A.PROCESSING_OFFICER])
    # A refusal without its reasons is refused, the form kept.
    response = _act(
        client, dossier, S.AWAITING_APPROVAL, A.PROCESSING_OFFICER, result_kind="negative"
    )
    dossier.refresh_from_db()
    assert dossier.status == S.APPRAISING
    assert "cần ghi rõ lý do" in response.content.decode()
    _act(
        client,
        dossier,
        S.AWAITING_APPROVAL,
        A.PROCESSING_OFFICER,
        result_kind="negative",
        note="Không đủ điều kiện.",
    )
    dossier.refresh_from_db()
    assert dossier.status == S.AWAITING_APPROVAL
    assert dossier.result_kind == "negative"


@pytest.mark.django_db
def test_a_stale_page_gets_a_clear_message(client):
    cast = make_cast()
    dossier = place_in(make_draft(cast), S.RECEIVED)
    second = make_cast().staff[A.RECEPTION_OFFICER]
    second.memberships.update(agency=cast.receiving)
    # The first officer moves it on; the second posts from the page they loaded before.
    svc.office_transition(
        dossier=dossier,
        to=S.IN_PROCESS,
        by=cast.staff[A.RECEPTION_OFFICER],
        role=A.RECEPTION_OFFICER,
        expected_status=S.RECEIVED,
    )
    _signed_in(client, second)
    response = _act(client, dossier, S.IN_PROCESS, A.RECEPTION_OFFICER, expected=S.RECEIVED)
    page = client.get(response["Location"]).content.decode()
    assert "vừa được cán bộ khác xử lý" in page
    assert dossier.events.filter(to_status=S.IN_PROCESS).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_officers_racing_at_reception_one_wins_the_loser_is_told():
    cast = make_cast()
    second = make_cast().staff[A.RECEPTION_OFFICER]
    second.memberships.update(agency=cast.receiving)
    dossier = _submitted(cast)
    component = str(dossier.components.get().uuid)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name, officer, decision, note):
        try:
            barrier.wait(timeout=30)
            seen = Dossier.objects.get(pk=dossier.pk)
            svc.reception_decide(
                dossier=seen,
                by=officer,
                decision=decision,
                complete_components=[component],
                note=note,
                expected_status=S.SUBMITTED,
            )
            outcomes[name] = "won"
        except svc.StaleDossier as refused:
            outcomes[name] = refused.message
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=act, args=("accept", cast.staff[A.RECEPTION_OFFICER], "accept", "")
        ),
        threading.Thread(target=act, args=("refuse", second, "refuse", "Sai thẩm quyền")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["accept", "refuse"]
    assert list(outcomes.values()).count("won") == 1
    loser = next(message for message in outcomes.values() if message != "won")
    assert "vừa được cán bộ khác xử lý" in loser
    assert DossierEvent.objects.filter(dossier=dossier, kind=EventKind.TRANSITION).count() == 2


# --- notes, results, files ---------------------------------------------------------------------


@pytest.mark.django_db
def test_internal_note_is_shown_to_staff_never_to_the_citizen(client):
    cast = make_cast()
    dossier = place_in(make_draft(cast), S.APPRAISING)
    _signed_in(client, cast.staff[A.PROCESSING_OFFICER])
    response = client.post(
        reverse("office:note", kwargs={"uuid": dossier.uuid}),
        {"text": "Đã gọi điện xác minh chủ nhà."},
    )
    assert response.status_code == 302
    event = dossier.events.get(kind=EventKind.NOTE)
    assert event.data["internal"] is True
    assert "Đã gọi điện xác minh chủ nhà." in client.get(_detail(dossier)).content.decode()
    client.logout()
    client.force_login(cast.citizen)
    citizen_page = client.get(reverse("dossiers:detail", kwargs={"uuid": dossier.uuid}))
    assert citizen_page.status_code == 200
    assert "Đã gọi điện xác minh chủ nhà." not in citizen_page.content.decode()


@pytest.mark.django_db
def test_result_draft_upload_attaches_and_is_viewable_inline(client, settings):
    """Before the signing step an upload is the draft the head will sign (the signing step
    itself, with its refusals, is tested in test_result_signing)."""
    settings.VIRUS_SCANNER = "none"
    cast = make_cast()
    dossier = place_in(make_draft(cast), S.AWAITING_APPROVAL, result_kind="positive")
    _signed_in(client, cast.staff[A.PROCESSING_OFFICER])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("office:result", kwargs={"uuid": dossier.uuid}),
        {
            "file": SimpleUploadedFile("ket-qua.pdf", pdf_bytes("Ket qua"), "application/pdf"),
            "result_code": "123/QĐ-STP",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.result_document_uuid is not None
    assert dossier.result_code == "123/QĐ-STP"
    shown = client.get(reverse("office:result_file", kwargs={"uuid": dossier.uuid}))
    assert shown.status_code == 200
    assert shown["Content-Type"] == "application/pdf"
    assert shown["Content-Disposition"].startswith("inline")
    assert svc.result_signature_record(dossier)["draft"] is True


# --- processing steps --------------------------------------------------------------------------


@pytest.mark.django_db
def test_head_assigns_an_officer_who_then_sees_it_in_my_queue(client):
    from dossiers import selectors as sel

    cast = make_cast()
    dossier = place_in(make_draft(cast), S.IN_PROCESS)
    officer = cast.staff[A.PROCESSING_OFFICER]
    _signed_in(client, cast.staff[A.AGENCY_HEAD])
    html = client.get(_detail(dossier)).content.decode()
    assert "Phân công xử lý" in html
    response = client.post(
        reverse("office:assign", kwargs={"uuid": dossier.uuid}), {"assignee": str(officer.uuid)}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == S.APPRAISING
    assert dossier.assignee_id == officer.pk
    assert [d.pk for d in sel.queue_for(officer, "cua-toi")] == [dossier.pk]


@pytest.mark.django_db
def test_consultation_round_trip_through_the_office(client):
    cast = make_cast()
    other = make_cast()
    dossier = place_in(make_draft(cast), S.APPRAISING)
    _signed_in(client, cast.staff[A.PROCESSING_OFFICER])
    response = client.post(
        reverse("office:consult", kwargs={"uuid": dossier.uuid}),
        {
            "agency": str(other.competent.uuid),
            "question": "Xác minh chỗ ở hợp pháp tại số 34 Trần Hưng Đạo.",
            "due_date": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier.refresh_from_db()
    assert dossier.status == S.CONSULTING
    consultation = dossier.consultations.get()

    # The consulted agency finds it in its queue and answers on the dossier page.
    from dossiers import selectors as sel

    consulted = other.staff[A.PROCESSING_OFFICER]
    assert [d.pk for d in sel.queue_for(consulted, "lay-y-kien")] == [dossier.pk]
    client.logout()
    _signed_in(client, consulted)
    assert client.get(_detail(dossier)).status_code == 200
    response = client.post(
        reverse(
            "office:consult_reply",
            kwargs={"uuid": dossier.uuid, "consultation": consultation.uuid},
        ),
        {f"r{consultation.uuid}-answer": "Đúng, có hợp đồng thuê nhà."},
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.answer == "Đúng, có hợp đồng thuê nhà."
    assert sel.queue_for(consulted, "lay-y-kien").count() == 0


@pytest.mark.django_db
def test_extension_once_then_refused_with_the_reason(client):
    cast = make_cast()
    due = timezone.now() + dt.timedelta(days=10)
    dossier = place_in(make_draft(cast), S.APPRAISING, due_at=due, due_at_original=due)
    _signed_in(client, cast.staff[A.AGENCY_HEAD])
    url = reverse("office:extend", kwargs={"uuid": dossier.uuid})
    new_day = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    response = client.post(url, {"new_due_date": new_day, "reason": "Chờ kết quả xác minh."})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.extension_count == 1
    assert timezone.localtime(dossier.due_at).date().isoformat() == new_day
    response = client.post(url, {"new_due_date": new_day, "reason": "Lần nữa."})
    assert response.status_code == 400
    assert "chỉ được hẹn lại ngày trả kết quả một lần" in response.content.decode()


@pytest.mark.django_db
def test_interagency_sent_to_all_with_the_lead_and_a_participant_completes(client):
    cast = make_cast()
    partner = make_cast()
    dossier = place_in(make_draft(cast), S.IN_PROCESS)
    _signed_in(client, cast.staff[A.AGENCY_HEAD])
    response = client.post(
        reverse("office:interagency", kwargs={"uuid": dossier.uuid}),
        {
            "lead_agency": str(cast.competent.uuid),
            "participants": [str(partner.competent.uuid)],
            "task": "Cho ý kiến về quy hoạch.",
            "due_date": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier.refresh_from_db()
    assert dossier.status == S.INTERAGENCY
    tasks = {t.agency_id: t for t in dossier.interagency_tasks.all()}
    assert set(tasks) == {cast.competent.pk, partner.competent.pk}
    assert tasks[cast.competent.pk].is_lead
    task = tasks[partner.competent.pk]
    client.logout()
    _signed_in(client, partner.staff[A.PROCESSING_OFFICER])
    response = client.post(
        reverse("office:task_complete", kwargs={"uuid": dossier.uuid, "task": task.uuid}),
        {f"t{task.uuid}-result_note": "Phù hợp quy hoạch."},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"
