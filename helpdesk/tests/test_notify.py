"""Helpdesk ↔ notifications outbox: staff told of assignments, reporters of answers."""

from django.db import transaction

import pytest

from accounts.constants import Role
from accounts.tests.factories import StaffFactory
from agencies.tests.factories import StaffMembershipFactory
from helpdesk import services
from helpdesk.constants import IntakeChannel
from helpdesk.tests.factories import submit_report
from helpdesk.tests.test_questions import _ask
from notifications.constants import Channel, Event, NotificationStatus
from notifications.models import Notification

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def _assigned_rows(code):
    return Notification.objects.filter(event=Event.HELPDESK_ASSIGNED, reference=code)


def test_assignment_notifies_the_agencys_helpdesk_staff_only(
    commune, officer, agency, other_agency, agency_staff, django_capture_on_commit_callbacks
):
    head = StaffFactory(roles=[Role.AGENCY_HEAD])
    StaffMembershipFactory(user=head, agency=agency, role=Role.AGENCY_HEAD)
    clerk = StaffFactory(roles=[Role.RECORDS_CLERK])  # not a role that handles reports
    StaffMembershipFactory(user=clerk, agency=agency, role=Role.RECORDS_CLERK)
    elsewhere = StaffFactory(roles=[Role.PROCESSING_OFFICER])
    StaffMembershipFactory(user=elsewhere, agency=other_agency, role=Role.PROCESSING_OFFICER)
    report = submit_report(commune=commune)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.report_assign(report=report, by=officer, agency=agency)

    rows = _assigned_rows(report.code)
    assert {r.recipient_id for r in rows} == {agency_staff.pk, head.pk}
    assert {r.channel for r in rows} == {Channel.EMAIL, Channel.INBOX}
    mail = rows.get(recipient=agency_staff, channel=Channel.EMAIL)
    assert report.code in mail.subject
    assert agency.name in mail.subject
    assert f"/phan-anh/xu-ly/{report.code}/" in mail.body
    assert callbacks, "delivery is enqueued after commit"


def test_assignment_rolled_back_leaves_no_notification(commune, officer, agency, agency_staff):
    report = submit_report(commune=commune)
    written = []

    def assign_then_fail():
        with transaction.atomic():
            services.report_assign(report=report, by=officer, agency=agency)
            written.append(_assigned_rows(report.code).count())
            raise Rollback

    with pytest.raises(Rollback):
        assign_then_fail()
    assert written == [2]  # e-mail and inbox for the one officer, inside the transaction
    assert not _assigned_rows(report.code).exists()


def test_question_assignment_notifies_the_agencys_staff(citizen, officer, agency, agency_staff):
    question = _ask(citizen)
    services.question_assign(question=question, by=officer, agency=agency)
    inbox = _assigned_rows(question.code).get(channel=Channel.INBOX)
    assert inbox.recipient == agency_staff
    assert question.title in inbox.body
    assert f"/phan-anh/hoi-dap/xu-ly/{question.code}/" in inbox.body


def _publish(report, officer, agency, agency_staff):
    services.report_assign(report=report, by=officer, agency=agency)
    services.report_answer(report=report, by=agency_staff, answer="Đã thay bóng đèn.")
    return services.report_publish(
        report=report,
        by=officer,
        public_title="Đèn đường hỏng",
        public_description="Ba cột đèn không sáng.",
        answer="Đã thay bóng đèn.",
    )


def test_publication_notifies_the_reporter_account(
    commune, reporter, officer, agency, agency_staff
):
    report = _publish(
        submit_report(commune=commune, reporter=reporter), officer, agency, agency_staff
    )
    rows = Notification.objects.filter(event=Event.HELPDESK_ANSWERED, reference=report.code)
    assert rows.exists()
    assert {r.recipient_id for r in rows} == {reporter.pk}
    assert f"/phan-anh/tra-cuu/{report.code}/" in rows.get(channel=Channel.INBOX).body


def _anonymous_report(commune, officer):
    return submit_report(
        commune=commune,
        channel=IntakeChannel.OPERATOR,
        reporter=None,
        reporter_phone="0911111111",
        entered_by=officer,
    )


def test_publication_reaches_an_anonymous_reporter_through_the_outbox(
    commune, officer, agency, agency_staff, sms_outbox
):
    report = _anonymous_report(commune, officer)
    _publish(report, officer, agency, agency_staff)
    row = Notification.objects.get(event=Event.HELPDESK_ANSWERED, reference=report.code)
    assert row.recipient is None
    assert row.channel == Channel.SMS
    assert row.address == "+84911111111"
    assert report.code in row.body
    assert row.status == NotificationStatus.QUEUED


def test_refusal_tells_an_anonymous_reporter_the_reason(commune, officer, sms_outbox):
    report = _anonymous_report(commune, officer)
    services.report_refuse(report=report, by=officer, reason="Không thuộc phạm vi 1022.")
    row = Notification.objects.get(event=Event.HELPDESK_REPORT_UPDATE, reference=report.code)
    assert row.address == "+84911111111"
    assert "Không thuộc phạm vi 1022." in row.body


def test_an_agency_answer_tells_the_helpdesk_officers_it_awaits_review(
    commune, officer, agency, agency_staff
):
    report = submit_report(commune=commune)
    services.report_assign(report=report, by=officer, agency=agency)
    services.report_answer(report=report, by=agency_staff, answer="Đã thay bóng đèn.")
    rows = Notification.objects.filter(event=Event.HELPDESK_ANSWER_READY, reference=report.code)
    assert {r.recipient_id for r in rows} == {officer.pk}
    inbox = rows.get(channel=Channel.INBOX)
    assert agency.name in inbox.body
    assert f"/phan-anh/xu-ly/{report.code}/" in inbox.body


def test_a_helpdesk_officer_answering_a_question_is_not_told_to_review_it(citizen, officer):
    question = _ask(citizen)
    services.question_answer(question=question, by=officer, answer="Cần sổ hộ khẩu cũ.")
    assert not Notification.objects.filter(
        event=Event.HELPDESK_ANSWER_READY, reference=question.code
    ).exists()


def test_an_agency_answer_to_a_question_awaits_review(citizen, officer, agency, agency_staff):
    question = _ask(citizen)
    services.question_assign(question=question, by=officer, agency=agency)
    services.question_answer(question=question, by=agency_staff, answer="Cần sổ hộ khẩu cũ.")
    rows = Notification.objects.filter(event=Event.HELPDESK_ANSWER_READY, reference=question.code)
    assert {r.recipient_id for r in rows} == {officer.pk}
