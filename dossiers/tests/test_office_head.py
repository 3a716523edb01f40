"""Issue #20 on the officer's dossier page: the supplement safeguard, once-only steps that say when
they were used, refused actions shown where the officer looks, the extension proposed by the
officer and decided by the head (Mẫu 04 in the head's name), the head approving with the
proposal in view, a stale tab refused, a consultation that must be answered first."""

import datetime as dt
import struct
import uuid

from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.tests.factories import login_with_mfa
from dossiers import services as svc
from dossiers.constants import Actor, DossierStatus, EventKind
from dossiers.official_forms.context import form_context
from dossiers.services import dossier_submit, dossier_transition
from dossiers.tests.factories import make_cast, make_draft, place_in
from dossiers.tests.submission_helpers import pdf_bytes
from dossiers.workflow import TransitionNotAllowed
from notifications.models import Notification

S = DossierStatus
A = Actor
pytestmark = pytest.mark.django_db


def _submitted(cast):
    dossier = make_draft(
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
    dossier_submit(dossier=dossier, by=cast.citizen)
    dossier.refresh_from_db()
    return dossier


def _page(client, dossier) -> str:
    response = client.get(reverse("office:detail", kwargs={"uuid": dossier.uuid}))
    assert response.status_code == 200
    return response.content.decode()


def _appraising(cast, days=10):
    due = timezone.now() + dt.timedelta(days=days)
    dossier = place_in(make_draft(cast), S.APPRAISING, due_at=due, due_at_original=due)
    dossier.assignee = cast.staff[A.PROCESSING_OFFICER]
    dossier.save(update_fields=["assignee"])
    return dossier


# --- the supplement at intake: confirm what is asked, guidance required, once only ------------


def test_the_supplement_request_is_confirmed_with_its_items_and_guidance_before_it_goes_out(
    client,
):
    cast = make_cast()
    dossier = _submitted(cast)
    first = dossier.components.get(requirement_code="TK01")
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    url = reverse("office:reception", kwargs={"uuid": dossier.uuid})
    asked = {
        "decision": "supplement",
        "complete": [str(first.uuid)],
        "note": "Nộp bản sao có chứng thực.",
        "expected_status": "submitted",
    }

    response = client.post(url, asked)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Xác nhận yêu cầu bổ sung (Mẫu 02)" in html
    confirm = html[html.index('id="supplement-confirm-items"') :]
    assert "Giấy tờ chứng minh chỗ ở hợp pháp" in confirm[: confirm.index("</ol>")]
    assert "Tờ khai thay đổi" not in confirm[: confirm.index("</ol>")]
    assert "Chỉ được yêu cầu bổ sung một lần" in html
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED  # nothing issued yet

    assert client.post(url, {**asked, "confirm": "True"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == S.INTAKE_SUPPLEMENT


def test_a_supplement_request_without_guidance_is_refused_beside_the_field(client):
    cast = make_cast()
    dossier = _submitted(cast)
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    response = client.post(
        reverse("office:reception", kwargs={"uuid": dossier.uuid}),
        {"decision": "supplement", "note": "", "confirm": "True", "expected_status": "submitted"},
    )
    assert response.status_code == 400
    assert "Nhập hướng dẫn cho người nộp" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED
    with pytest.raises(TransitionNotAllowed) as refused:
        svc.reception_decide(
            dossier=dossier,
            by=cast.staff[A.RECEPTION_OFFICER],
            decision="supplement",
            complete_components=[],
            note=" ",
        )
    assert refused.value.code == "guidance_required"


def test_once_the_intake_supplement_was_used_it_is_not_offered_and_the_page_says_when(client):
    cast = make_cast()
    dossier = _submitted(cast)
    officer = cast.staff[A.RECEPTION_OFFICER]
    svc.reception_decide(
        dossier=dossier, by=officer, decision="supplement", complete_components=[], note="Bổ sung."
    )
    dossier_transition(dossier=dossier, to=S.SUBMITTED, by=cast.citizen, role=A.CITIZEN)
    login_with_mfa(client, officer)
    html = _page(client, dossier)
    assert 'value="supplement"' not in html
    assert "Đã yêu cầu bổ sung khi tiếp nhận lúc" in html
    assert 'value="accept"' in html


# --- the extension: the officer proposes, the head decides and signs Mẫu 04 -----------------


def test_the_officer_cannot_extend_alone_but_proposes_and_the_head_approves_in_own_name(client):
    cast = make_cast()
    dossier = _appraising(cast)
    officer, head = cast.staff[A.PROCESSING_OFFICER], cast.staff[A.AGENCY_HEAD]
    new_due = dossier.due_at + dt.timedelta(days=7)
    with pytest.raises(TransitionNotAllowed) as refused:
        svc.dossier_extend(
            dossier=dossier, by=officer, new_due_at=new_due, reason="x", role=A.PROCESSING_OFFICER
        )
    assert refused.value.code == "role_not_allowed"

    login_with_mfa(client, officer)
    html = _page(client, dossier)
    assert reverse("office:extension_proposal", kwargs={"uuid": dossier.uuid}) in html
    assert f'action="{reverse("office:extend", kwargs={"uuid": dossier.uuid})}"' not in html
    response = client.post(
        reverse("office:extension_proposal", kwargs={"uuid": dossier.uuid}),
        {
            "de-xuat-new_due_date": timezone.localtime(new_due).date().isoformat(),
            "de-xuat-reason": "Chờ kết quả xác minh thực địa.",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.extension_count == 0  # only proposed
    assert Notification.objects.filter(recipient=head, event="staff_new_in_queue").exists()
    assert "Đang chờ lãnh đạo cơ quan phê duyệt." in _page(client, dossier)

    client.logout()
    login_with_mfa(client, head)
    html = _page(client, dossier)
    assert "Đề xuất gia hạn (Mẫu 04)" in html
    assert "Chờ kết quả xác minh thực địa." in html
    response = client.post(
        reverse("office:extension_decision", kwargs={"uuid": dossier.uuid}),
        {"decision": "approve"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.extension_count == 1
    extended = dossier.events.get(kind=EventKind.EXTENDED)
    assert extended.actor == head
    assert extended.role == A.AGENCY_HEAD
    assert extended.note == "Chờ kết quả xác minh thực địa."
    assert form_context(extended, "04")["head_name"] == head.get_full_name()
    html = _page(client, dossier)
    assert "Đã gia hạn lúc" in html
    assert "/gia-han/" not in html  # neither extending nor proposing is offered again


def test_the_head_declines_a_proposed_extension_with_a_reason(client):
    cast = make_cast()
    dossier = _appraising(cast)
    svc.extension_propose(
        dossier=dossier,
        by=cast.staff[A.PROCESSING_OFFICER],
        new_due_at=dossier.due_at + dt.timedelta(days=3),
        reason="Chậm.",
    )
    login_with_mfa(client, cast.staff[A.AGENCY_HEAD])
    url = reverse("office:extension_decision", kwargs={"uuid": dossier.uuid})
    response = client.post(url, {"decision": "decline", "note": ""})
    assert response.status_code == 400
    assert "Nêu lý do không đồng ý gia hạn" in response.content.decode()
    assert client.post(url, {"decision": "decline", "note": "Đủ thời gian."}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.extension_count == 0
    assert dossier.events.filter(kind=EventKind.EXTENSION_DECLINED).count() == 1
    assert svc.extension_propose(
        dossier=dossier,
        by=cast.staff[A.PROCESSING_OFFICER],
        new_due_at=dossier.due_at + dt.timedelta(days=3),
        reason="Lần nữa.",
    )


def test_a_refused_extension_opens_its_section_with_the_error_summary(client):
    cast = make_cast()
    dossier = _appraising(cast)
    login_with_mfa(client, cast.staff[A.AGENCY_HEAD])
    response = client.post(
        reverse("office:extend", kwargs={"uuid": dossier.uuid}),
        {"new_due_date": "2020-01-01", "reason": "Muộn."},
    )
    assert response.status_code == 400
    html = response.content.decode()
    section = html[html.index('<details class="card mb-3" open>') :]
    section = section[: section.index("</details>")]
    assert "form-error-summary" in section
    assert "Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại." in section


# --- approval with the proposal in view ---------------------------------------------------------


def test_the_head_sees_the_proposed_refusal_its_reasons_and_the_draft(client):
    cast = make_cast()
    dossier = _appraising(cast)
    dossier_transition(
        dossier=dossier,
        to=S.AWAITING_APPROVAL,
        by=cast.staff[A.PROCESSING_OFFICER],
        role=A.PROCESSING_OFFICER,
        result_kind="negative",
        note="Nhà ở không thuộc quyền sở hữu của người đề nghị.",
    )
    login_with_mfa(client, cast.staff[A.AGENCY_HEAD])
    html = _page(client, dossier)
    proposal = html[html.index('id="proposal"') :]
    assert 'data-proposal="negative"' in proposal
    assert "Từ chối giải quyết" in proposal
    assert "Nhà ở không thuộc quyền sở hữu của người đề nghị." in proposal
    assert "Chuyên viên chưa đính kèm dự thảo kết quả: chưa thể phê duyệt." in proposal
    assert "đề xuất: Từ chối giải quyết" in html  # the history says what was proposed
    assert "Trả lại chuyên viên" in html  # return with a note; no draft, so no approval
    assert 'data-action="signing"' not in html


def test_approval_is_refused_until_the_draft_exists_and_offered_once_it_does(client):
    cast = make_cast()
    dossier = _appraising(cast)
    officer, head = cast.staff[A.PROCESSING_OFFICER], cast.staff[A.AGENCY_HEAD]
    dossier_transition(
        dossier=dossier,
        to=S.AWAITING_APPROVAL,
        by=officer,
        role=A.PROCESSING_OFFICER,
        result_kind="positive",
    )
    login_with_mfa(client, head)
    # A tab opened before the rule (or a crafted post): refused, the reason at the top.
    to = S.SIGNING
    response = client.post(
        reverse("office:action", kwargs={"uuid": dossier.uuid}),
        {
            "to_prefix": to,
            f"a-{to}-to": to,
            f"a-{to}-role": A.AGENCY_HEAD,
            f"a-{to}-expected_status": S.AWAITING_APPROVAL,
        },
        follow=True,
    )
    dossier.refresh_from_db()
    assert dossier.status == S.AWAITING_APPROVAL
    html = response.content.decode()
    messages_block = html[html.index('class="messages') :]
    assert "Chưa có dự thảo kết quả để phê duyệt" in messages_block[:2000]
    svc.office_result_upload(
        dossier=dossier, by=officer, data=pdf_bytes("Du thao ket qua"), name="du-thao.pdf"
    )
    html = _page(client, dossier)
    assert 'data-action="signing"' in html
    assert "proposal-no-draft" not in html
    # The draft inline (ADR 0320): its page drawn on the server, its text beside it.
    preview = html[html.index('id="proposal-draft-preview"') :]
    page_url = reverse("office:result_page", kwargs={"uuid": dossier.uuid, "page": 1})
    assert page_url in preview
    assert "Du thao ket qua" in preview
    assert f"{reverse('office:result_page', kwargs={'uuid': dossier.uuid, 'page': 2})}" not in html
    image = client.get(page_url)
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    # The <img> says the image's own size, so the page keeps its room before it loads.
    width, height = struct.unpack(">II", image.content[16:24])  # the PNG's IHDR
    assert (width, height) == (900, 1274)  # an A4 page (595 × 842 pt), 900 px wide
    assert f'width="{width}" height="{height}" loading="lazy"' in preview
    assert client.get(page_url.replace("trang-1", "trang-2")).status_code == 404


# --- smaller things ----------------------------------------------------------------------------


def test_a_stale_tab_does_not_reassign_and_the_history_names_the_assignee(client):
    cast = make_cast()
    head = cast.staff[A.AGENCY_HEAD]
    dossier = place_in(make_draft(cast), S.IN_PROCESS)
    svc.dossier_assign(dossier=dossier, assignee=cast.staff[A.PROCESSING_OFFICER], by=head)
    login_with_mfa(client, head)
    response = client.post(
        reverse("office:assign", kwargs={"uuid": dossier.uuid}),
        {"assignee": "auto", "expected_assignee": ""},  # the tab opened before the assignment
    )
    assert response.status_code == 302
    assert dossier.events.filter(kind=EventKind.ASSIGNED).count() == 1
    html = _page(client, dossier)
    assert "vừa được phân công cho" in html
    assert f"Phân công xử lý: {cast.staff[A.PROCESSING_OFFICER].get_full_name()}" in html


def test_appraisal_does_not_resume_while_a_consultation_is_unanswered():
    cast = make_cast()
    other = make_cast()
    dossier = _appraising(cast)
    officer = cast.staff[A.PROCESSING_OFFICER]
    svc.consultation_request(
        dossier=dossier,
        by=officer,
        agency=other.competent,
        question="Có đúng địa chỉ?",
        due_at=timezone.now() + dt.timedelta(days=3),
    )
    with pytest.raises(TransitionNotAllowed, match="Còn chờ ý kiến của"):
        dossier_transition(dossier=dossier, to=S.APPRAISING, by=officer, role=A.PROCESSING_OFFICER)


def test_the_result_can_be_opened_when_it_is_handed_over(client):
    cast = make_cast()
    dossier = place_in(make_draft(cast), S.DONE, result_document_uuid=uuid.uuid4())
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    html = _page(client, dossier)
    assert reverse("office:result_file", kwargs={"uuid": dossier.uuid}) in html
    assert "Xem, in văn bản kết quả" in html
