"""Named journeys through the real service (PostgreSQL), on a plain week of October 2026."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dossiers.constants import (
    Actor,
    DossierStatus,
    EventKind,
    FormCode,
    national_portal_status,
)
from dossiers.hooks import dossier_event_listeners
from dossiers.models import DossierEvent
from dossiers.services import dossier_result_attach, dossier_submit, dossier_transition
from dossiers.tests.factories import make_cast, make_draft, place_in
from dossiers.workflow import TransitionNotAllowed, guards

S = DossierStatus
A = Actor
VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=VN)


@pytest.fixture
def cast():
    return make_cast()


def move(cast, dossier, to, role, when=None, **kwargs):
    by = cast.user_for(role)
    if when is None:
        return dossier_transition(dossier=dossier, to=to, by=by, role=role, **kwargs)
    with time_machine.travel(when, tick=False):
        return dossier_transition(dossier=dossier, to=to, by=by, role=role, **kwargs)


def statuses(dossier):
    return [e.to_status for e in dossier.events.filter(kind=EventKind.TRANSITION).order_by("id")]


def test_happy_path_from_submission_to_returned_result(cast, django_capture_on_commit_callbacks):
    seen: list[int] = []
    dossier_event_listeners.register("test-recorder")(seen.append)
    try:
        dossier = make_draft(cast)
        with (
            time_machine.travel(at(5, 9), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            dossier_submit(dossier=dossier, by=cast.citizen)
        code = dossier.code
        assert code.startswith(f"{cast.competent.code}-261005-")
        assert dossier.submitted_at == at(5, 9)
        # 8 working hours from Monday 09:00: 2.5 h + 4 h on Monday, 1.5 h on Tuesday from 07:00.
        assert dossier.reception_due_at == at(6, 8, 30)

        with django_capture_on_commit_callbacks(execute=True):
            received = move(cast, dossier, S.RECEIVED, A.RECEPTION_OFFICER, at(5, 10))
        assert received.form_code == FormCode.RECEIPT
        assert received.agency == cast.receiving
        assert dossier.received_at == at(5, 10)
        # 5 working days: day 0 is Monday 5/10, day 5 is Monday 12/10, due at the close of office.
        assert dossier.due_at == dossier.due_at_original == at(12, 17)
        assert received.data == {"code": code, "due_at": "2026-10-12T17:00:00+07:00"}

        assert (
            move(cast, dossier, S.IN_PROCESS, A.RECEPTION_OFFICER).form_code
            == FormCode.CONTROL_SHEET
        )
        move(cast, dossier, S.APPRAISING, A.AGENCY_HEAD)
        move(cast, dossier, S.AWAITING_APPROVAL, A.PROCESSING_OFFICER, result_kind="positive")
        # The head approves a draft in view: not before the officer attached one (issue #20).
        with pytest.raises(TransitionNotAllowed, match="Chưa có dự thảo kết quả để phê duyệt"):
            move(cast, dossier, S.SIGNING, A.AGENCY_HEAD)
        dossier_result_attach(
            dossier=dossier,
            document_uuid=uuid.uuid4(),
            by=cast.staff[A.PROCESSING_OFFICER],
            role=A.PROCESSING_OFFICER,
        )
        move(cast, dossier, S.SIGNING, A.AGENCY_HEAD)
        move(cast, dossier, S.ISSUING, A.AGENCY_HEAD)
        done = move(cast, dossier, S.DONE, A.RECORDS_CLERK, at(9, 15))
        assert done.form_code == ""  # a positive result is the result document itself
        assert dossier.completed_at == at(9, 15)
        assert national_portal_status(dossier.status) == 9
        move(cast, dossier, S.RETURNED, A.SYSTEM, at(9, 16))
        assert dossier.returned_at == dossier.closed_at == at(9, 16)
        assert dossier.is_final
        assert not dossier.is_overdue
        assert dossier.code == code  # never changes
    finally:
        del dossier_event_listeners._items["test-recorder"]

    assert statuses(dossier) == [
        S.SUBMITTED, S.RECEIVED, S.IN_PROCESS, S.APPRAISING, S.AWAITING_APPROVAL,
        S.SIGNING, S.ISSUING, S.DONE, S.RETURNED,
    ]  # fmt: skip
    # The listener saw the submission and the receipt (the only ones run with execute=True).
    expected = dossier.events.filter(to_status__in=[S.SUBMITTED, S.RECEIVED]).order_by("id")
    assert seen == list(expected.values_list("pk", flat=True))


def test_intake_supplement_round_trip_keeps_the_code_and_is_allowed_once(cast):
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen)
    code = dossier.code
    with pytest.raises(TransitionNotAllowed) as refused:
        move(cast, dossier, S.INTAKE_SUPPLEMENT, A.RECEPTION_OFFICER)
    assert refused.value.code == "note_required"
    event = move(cast, dossier, S.INTAKE_SUPPLEMENT, A.RECEPTION_OFFICER, note="Thiếu bản sao CCCD")
    assert event.form_code == FormCode.SUPPLEMENT_REQUEST
    assert event.note == "Thiếu bản sao CCCD"
    assert dossier.received_at is None  # the main clock has not started
    move(cast, dossier, S.SUBMITTED, A.CITIZEN)
    assert dossier.code == code
    with pytest.raises(TransitionNotAllowed, match="một lần"):
        move(cast, dossier, S.INTAKE_SUPPLEMENT, A.RECEPTION_OFFICER, note="Lại thiếu")
    move(cast, dossier, S.RECEIVED, A.RECEPTION_OFFICER)
    assert statuses(dossier) == [S.SUBMITTED, S.INTAKE_SUPPLEMENT, S.SUBMITTED, S.RECEIVED]


def test_supplement_after_appraisal_restarts_the_clock_and_records_the_pause(cast):
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen)
    move(cast, dossier, S.RECEIVED, A.RECEPTION_OFFICER, at(5, 9))
    move(cast, dossier, S.IN_PROCESS, A.RECEPTION_OFFICER, at(5, 10))
    move(cast, dossier, S.APPRAISING, A.AGENCY_HEAD, at(5, 11))
    event = move(cast, dossier, S.SUPPLEMENT_REQUESTED, A.PROCESSING_OFFICER, at(7, 10),
                 note="Bổ sung giấy xác nhận nơi ở")  # fmt: skip
    assert event.form_code == FormCode.SUPPLEMENT_REQUEST
    assert dossier.clock_paused_at == dossier.supplement_requested_at == at(7, 10)
    # 15 days from Wednesday 7/10: Thursday 22/10, at the close of office.
    assert dossier.supplement_deadline_at == at(22, 17)

    move(cast, dossier, S.SUPPLEMENT_SUBMITTED, A.CITIZEN, at(9, 10))
    assert dossier.clock_paused_at == at(7, 10)  # still waiting for the officer
    move(cast, dossier, S.RECEIVED, A.RECEPTION_OFFICER, at(12, 9))
    assert dossier.received_at == at(12, 9)
    assert dossier.due_at == dossier.due_at_original == at(19, 17)  # restarted from zero
    assert dossier.clock_paused_at is None
    assert dossier.paused_seconds == int((at(12, 9) - at(7, 10)).total_seconds())


def test_supplement_after_appraisal_is_refused_after_three_working_days(cast):
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen)
    move(cast, dossier, S.RECEIVED, A.RECEPTION_OFFICER, at(5, 9))
    move(cast, dossier, S.IN_PROCESS, A.RECEPTION_OFFICER)
    move(cast, dossier, S.APPRAISING, A.AGENCY_HEAD)
    # Receipt Monday 5/10 → the window closes at the end of Thursday 8/10.
    with pytest.raises(TransitionNotAllowed, match="3 ngày làm việc"):
        move(cast, dossier, S.SUPPLEMENT_REQUESTED, A.PROCESSING_OFFICER, at(9, 8), note="Muộn")
    move(cast, dossier, S.SUPPLEMENT_REQUESTED, A.PROCESSING_OFFICER, at(8, 16, 59), note="Kịp")


def test_unanswered_supplement_is_stopped_only_after_fifteen_days(cast):
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen)
    place_in(dossier, S.APPRAISING, received_at=at(5, 9))
    move(
        cast, dossier, S.SUPPLEMENT_REQUESTED, A.PROCESSING_OFFICER, at(7, 10), note="Thiếu giấy tờ"
    )
    with pytest.raises(TransitionNotAllowed, match="Chưa hết thời hạn bổ sung"):
        move(cast, dossier, S.STOPPED, A.SYSTEM, at(22, 16), note="Quá hạn bổ sung")
    event = move(cast, dossier, S.STOPPED, A.SYSTEM, at(23, 7), note="Quá hạn bổ sung")
    assert event.form_code == FormCode.STOP_NOTICE
    assert event.actor is None
    assert event.role == A.SYSTEM
    assert dossier.closed_at == at(23, 7)
    assert national_portal_status(dossier.status) == 8


def test_withdrawal_cancelled_returns_to_the_same_step_and_accepted_stops(cast):
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen)
    place_in(dossier, S.APPRAISING)
    move(cast, dossier, S.WITHDRAWAL_REQUESTED, A.CITIZEN, note="Không còn nhu cầu")
    assert dossier.resume_status == S.APPRAISING
    assert national_portal_status(dossier.status) == 7
    with pytest.raises(TransitionNotAllowed, match="trở lại bước trước"):
        move(cast, dossier, S.RECEIVED, A.CITIZEN)
    with pytest.raises(TransitionNotAllowed, match="không được thực hiện"):
        move(cast, dossier, S.APPRAISING, A.AGENCY_HEAD)  # staff cannot refuse a withdrawal
    move(cast, dossier, S.APPRAISING, A.CITIZEN)
    assert dossier.resume_status == ""

    move(cast, dossier, S.WITHDRAWAL_REQUESTED, A.CITIZEN)
    event = move(cast, dossier, S.STOPPED, A.AGENCY_HEAD)
    assert event.form_code == FormCode.STOP_NOTICE
    assert dossier.status == S.STOPPED
    assert dossier.is_final


def test_withdrawal_until_the_decision_is_issued_and_not_after(cast):
    """Art. 21: a result being signed is not issued yet (issue #21, item 6); a done one is."""
    signing = make_draft(cast)
    dossier_submit(dossier=signing, by=cast.citizen)
    place_in(signing, S.SIGNING, result_kind="positive")
    move(cast, signing, S.WITHDRAWAL_REQUESTED, A.CITIZEN)
    issued = make_draft(cast)
    dossier_submit(dossier=issued, by=cast.citizen)
    place_in(issued, S.DONE, result_kind="positive")
    with pytest.raises(TransitionNotAllowed):
        move(cast, issued, S.WITHDRAWAL_REQUESTED, A.CITIZEN)


def test_intake_rejection_needs_reasons_and_closes_the_dossier(cast):
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen)
    with pytest.raises(TransitionNotAllowed):
        move(cast, dossier, S.REJECTED_AT_INTAKE, A.RECEPTION_OFFICER, note="   ")
    event = move(cast, dossier, S.REJECTED_AT_INTAKE, A.RECEPTION_OFFICER,
                 note="Không thuộc thẩm quyền")  # fmt: skip
    assert event.form_code == FormCode.REFUSAL
    assert national_portal_status(dossier.status) == 3
    for target in DossierStatus:
        for role in Actor:
            with pytest.raises(TransitionNotAllowed):
                move(cast, dossier, target, role, note="x")


def test_inter_agency_dossier_goes_to_all_then_back_to_appraisal(cast):
    dossier = make_draft(cast, is_interagency=True)
    dossier_submit(dossier=dossier, by=cast.citizen)
    place_in(dossier, S.IN_PROCESS)
    move(cast, dossier, S.INTERAGENCY, A.AGENCY_HEAD, data={"lead": cast.competent.code})
    assert national_portal_status(dossier.status) == 4
    move(cast, dossier, S.APPRAISING, A.PROCESSING_OFFICER)
    move(cast, dossier, S.CONSULTING, A.PROCESSING_OFFICER, note="Xin ý kiến Công an xã")
    move(cast, dossier, S.APPRAISING, A.PROCESSING_OFFICER)
    assert statuses(dossier)[-4:] == [S.INTERAGENCY, S.APPRAISING, S.CONSULTING, S.APPRAISING]


def test_negative_result_is_issued_on_form_03(cast):
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen)
    place_in(dossier, S.APPRAISING)
    with pytest.raises(TransitionNotAllowed) as refused:
        move(cast, dossier, S.AWAITING_APPROVAL, A.PROCESSING_OFFICER)
    assert refused.value.code == "result_kind_required"
    # A refusal states its reasons (Art. 19.3).
    with pytest.raises(TransitionNotAllowed) as refused:
        move(cast, dossier, S.AWAITING_APPROVAL, A.PROCESSING_OFFICER, result_kind="negative")
    assert refused.value.code == "note_required"
    move(
        cast,
        dossier,
        S.AWAITING_APPROVAL,
        A.PROCESSING_OFFICER,
        result_kind="negative",
        note="Không đủ điều kiện cấp phép.",
    )
    dossier_result_attach(
        dossier=dossier,
        document_uuid=uuid.uuid4(),
        by=cast.staff[A.PROCESSING_OFFICER],
        role=A.PROCESSING_OFFICER,
    )
    move(cast, dossier, S.SIGNING, A.AGENCY_HEAD)
    move(cast, dossier, S.ISSUING, A.AGENCY_HEAD)
    done = move(cast, dossier, S.DONE, A.RECORDS_CLERK)
    assert done.form_code == FormCode.REFUSAL
    assert done.data["result_kind"] == "negative"


def test_correction_after_return(cast):
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen)
    place_in(dossier, S.DONE, result_kind="positive", result_document_uuid=uuid.uuid4())
    move(cast, dossier, S.RETURNED, A.RECEPTION_OFFICER, at(9, 9))
    with pytest.raises(TransitionNotAllowed):
        move(cast, dossier, S.CORRECTION, A.RECEPTION_OFFICER)  # the error must be described
    move(cast, dossier, S.CORRECTION, A.RECEPTION_OFFICER, at(12, 9), note="Sai năm sinh")
    assert dossier.closed_at is None
    assert national_portal_status(dossier.status) == 4
    corrected = uuid.uuid4()
    dossier_result_attach(
        dossier=dossier,
        document_uuid=corrected,
        by=cast.staff[A.RECORDS_CLERK],
        role=A.RECORDS_CLERK,
    )
    move(cast, dossier, S.RETURNED, A.RECEPTION_OFFICER, at(13, 9))
    assert dossier.result_document_uuid == corrected
    assert dossier.returned_at == at(9, 9)  # the first return is what the index measures
    assert dossier.closed_at == at(13, 9)


def test_fee_after_reception_waits_for_the_payments_guard(cast):
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen)
    place_in(dossier, S.APPRAISING)
    move(cast, dossier, S.AWAITING_PAYMENT, A.PROCESSING_OFFICER, note="Lệ phí 50.000 đồng")
    assert national_portal_status(dossier.status) == 6
    # With "fees_settled" not registered (payments absent): refused, fail closed.
    registered_before = "fees_settled" in guards
    saved = guards._items.pop("fees_settled", None)
    try:
        with pytest.raises(TransitionNotAllowed, match="chưa được đăng ký"):
            move(cast, dossier, S.APPRAISING, A.SYSTEM)
    finally:
        if saved is not None:
            guards._items["fees_settled"] = saved
    with guards.replaced("fees_settled", lambda ctx: "Chưa nộp lệ phí."):
        with pytest.raises(TransitionNotAllowed, match="Chưa nộp lệ phí") as refused:
            move(cast, dossier, S.APPRAISING, A.SYSTEM)
        assert refused.value.extra["reasons"] == ["Chưa nộp lệ phí."]
    seen = []
    with guards.replaced("fees_settled", lambda ctx: seen.append(ctx.dossier.pk)):
        move(cast, dossier, S.APPRAISING, A.SYSTEM)
    assert seen == [dossier.pk]
    assert ("fees_settled" in guards) == registered_before  # the replacement was undone
    assert DossierEvent.objects.filter(dossier=dossier, to_status=S.APPRAISING).count() == 1
