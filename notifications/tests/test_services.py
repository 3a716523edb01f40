from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.db import transaction
from django.utils import timezone

import pytest
import time_machine

from accounts.constants import Role
from accounts.tests.factories import CitizenFactory, StaffFactory
from notifications import delivery, services
from notifications.constants import AttemptOutcome, Channel, Event, NotificationStatus
from notifications.models import DeliveryAttempt, Notification, NotificationPreference
from notifications.tests.factories import citizen_with_phone, sample_context

S = NotificationStatus
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _change_that_fails(user, event):
    """A caller's transaction that writes a notification, then fails."""
    with transaction.atomic():
        _notify(user, event=event, channels=[Channel.INBOX])
        raise RuntimeError("the dossier change failed")


def _notify(user, event=Event.DOSSIER_SUBMITTED, **kwargs):
    return services.notify(
        event=event, recipient=user, context=sample_context(event), reference="HS-1", **kwargs
    )


@pytest.mark.django_db
def test_notify_writes_one_row_per_channel_the_citizen_can_receive(
    django_capture_on_commit_callbacks,
):
    user = citizen_with_phone("0912 345 678")
    with django_capture_on_commit_callbacks() as callbacks:
        rows = _notify(user, event=Event.DOSSIER_RECEIVED)
    by_channel = {n.channel: n for n in rows}
    assert set(by_channel) == {Channel.EMAIL, Channel.SMS, Channel.INBOX}  # Zalo: not linked
    assert by_channel[Channel.SMS].address == "+84912345678"
    assert by_channel[Channel.EMAIL].address == user.email
    assert (
        by_channel[Channel.EMAIL].subject
        == "Đã tiếp nhận hồ sơ 000.00.80.H52-260315-0007, hẹn trả 20/03/2026"
    )
    assert all(n.status == S.QUEUED and n.legal for n in rows)
    assert len({n.group for n in rows}) == 1
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_linked_zalo_adds_the_zalo_channel_and_language_follows_preference():
    user = citizen_with_phone()
    services.preference_update(
        user=user,
        email_enabled=True,
        sms_enabled=True,
        zalo_enabled=True,
        quiet_start=None,
        quiet_end=None,
        language="en",
        zalo_linked=True,
    )
    rows = _notify(user, event=Event.RESULT_READY)
    by_channel = {n.channel: n for n in rows}
    assert by_channel[Channel.ZALO].address == "84912345678"
    assert by_channel[Channel.EMAIL].subject.startswith("Result ready for dossier")
    assert all(n.language == "en" for n in rows)


@pytest.mark.django_db
def test_rolled_back_transaction_leaves_no_row_and_enqueues_nothing(
    django_capture_on_commit_callbacks,
):
    user = citizen_with_phone()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        _change_that_fails(user, Event.DOSSIER_RECEIVED)
    assert Notification.objects.count() == 0
    assert callbacks == []


@pytest.mark.django_db
def test_savepoint_rollback_discards_only_the_inner_notification(
    django_capture_on_commit_callbacks,
):
    user = citizen_with_phone()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        outer = _notify(user, event=Event.DOSSIER_SUBMITTED, channels=[Channel.INBOX])
        with pytest.raises(RuntimeError):
            _change_that_fails(user, Event.PAYMENT_DUE)
    assert list(Notification.objects.values_list("pk", flat=True)) == [outer[0].pk]
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_after_commit_the_task_delivers_email_and_inbox(django_capture_on_commit_callbacks):
    user = CitizenFactory()
    with django_capture_on_commit_callbacks(execute=True):
        rows = _notify(user, channels=[Channel.EMAIL, Channel.INBOX])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Đã nộp hồ sơ 000.00.80.H52-260315-0007"
    assert message.alternatives[0].mimetype == "text/html"
    email_row, inbox_row = (Notification.objects.get(pk=n.pk) for n in rows)
    assert email_row.status == S.SENT
    assert email_row.provider_message_id
    assert message.extra_headers["X-Notification-Id"] == str(email_row.uuid)
    assert inbox_row.status == S.DELIVERED
    assert inbox_row.read_at is None
    assert DeliveryAttempt.objects.filter(outcome=AttemptOutcome.SENT).count() == 2


@pytest.mark.django_db
def test_a_row_is_sent_at_most_once_whatever_the_number_of_tasks(
    django_capture_on_commit_callbacks,
):
    user = CitizenFactory()
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = _notify(user, channels=[Channel.EMAIL])
    assert delivery.notification_deliver(notification_id=row.pk) == "skipped"
    assert delivery.notification_deliver(notification_id=row.pk) == "skipped"
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=row.pk).attempts == 1


@pytest.mark.django_db
def test_legal_notice_reaches_inbox_and_email_even_when_the_citizen_opted_out():
    user = citizen_with_phone()
    services.preference_update(
        user=user,
        email_enabled=False,
        sms_enabled=False,
        zalo_enabled=False,
        quiet_start=None,
        quiet_end=None,
        language="vi",
    )
    legal = {n.channel for n in _notify(user, event=Event.SUPPLEMENT_REQUESTED)}
    assert legal == {Channel.EMAIL, Channel.INBOX}
    ordinary = {n.channel for n in _notify(user, event=Event.DOSSIER_SUBMITTED)}
    assert ordinary == {Channel.INBOX}


@pytest.mark.django_db
def test_quiet_hours_hold_non_urgent_sms_until_morning():
    user = citizen_with_phone()
    services.preference_update(
        user=user,
        email_enabled=True,
        sms_enabled=True,
        zalo_enabled=True,
        quiet_start=time(22, 0),
        quiet_end=time(6, 30),
        language="vi",
    )
    with time_machine.travel(datetime(2026, 3, 16, 23, 15, tzinfo=HCM), tick=False):
        rows = {n.channel: n for n in _notify(user, event=Event.DOSSIER_SUBMITTED)}
        urgent = {n.channel: n for n in _notify(user, event=Event.SUPPLEMENT_REQUESTED)}
        now = timezone.now()
    assert rows[Channel.SMS].next_attempt_at == datetime(2026, 3, 17, 6, 30, tzinfo=HCM)
    assert rows[Channel.SMS].enqueued_at is None
    assert rows[Channel.EMAIL].next_attempt_at == now  # e-mail does not ring a phone
    assert urgent[Channel.SMS].next_attempt_at == now


@pytest.mark.django_db
def test_transient_failures_back_off_then_fail_permanently(settings, smtp_settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    user = CitizenFactory()
    (row,) = _notify(user, channels=[Channel.EMAIL])
    smtp_settings.refuse_next = ["451 4.3.0 busy", "451 4.3.0 busy", "451 4.3.0 busy"]

    assert delivery.notification_deliver(notification_id=row.pk) == "retry"
    row.refresh_from_db()
    assert row.status == S.QUEUED
    assert row.enqueued_at is None
    assert row.next_attempt_at - timezone.now() > timedelta(seconds=50)
    assert delivery.notification_deliver(notification_id=row.pk) == "skipped"  # not due yet

    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert delivery.notification_deliver(notification_id=row.pk) == "retry"
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert delivery.notification_deliver(notification_id=row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == S.FAILED
    assert "451" in row.last_error
    assert row.failed_at
    outcomes = list(row.delivery_attempts.values_list("outcome", flat=True))
    assert outcomes == [
        AttemptOutcome.TRANSIENT,
        AttemptOutcome.TRANSIENT,
        AttemptOutcome.PERMANENT,
    ]
    assert smtp_settings.accepted == []


@pytest.mark.django_db
def test_a_permanent_smtp_refusal_is_not_retried(smtp_settings):
    user = CitizenFactory()
    (row,) = _notify(user, channels=[Channel.EMAIL])
    smtp_settings.refuse_next = ["550 5.1.1 mailbox unavailable"]
    assert delivery.notification_deliver(notification_id=row.pk) == "failed"


def test_retry_schedule_spans_about_four_hours(settings):
    total = sum(
        delivery.retry_delay(n).total_seconds()
        for n in range(1, settings.NOTIFICATIONS_MAX_ATTEMPTS)
    )
    assert 3.5 * 3600 <= total <= 4.5 * 3600
    assert delivery.retry_delay(1) == timedelta(minutes=1)
    assert delivery.retry_delay(20) == timedelta(hours=1)


@pytest.mark.django_db
def test_sweeper_sends_a_stuck_row_exactly_once(django_capture_on_commit_callbacks):
    user = CitizenFactory()
    with django_capture_on_commit_callbacks(execute=False):  # the task was lost
        (row,) = _notify(user, channels=[Channel.EMAIL])
    two_hours_ago = timezone.now() - timedelta(hours=2)
    Notification.objects.filter(pk=row.pk).update(
        created_at=two_hours_ago, enqueued_at=two_hours_ago
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.notification_sweep() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.notification_sweep() == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=row.pk).status == S.SENT


@pytest.mark.django_db
def test_sweeper_takes_back_a_row_whose_worker_died(django_capture_on_commit_callbacks):
    user = CitizenFactory()
    with django_capture_on_commit_callbacks(execute=False):
        (row,) = _notify(user, channels=[Channel.EMAIL])
    claimed = delivery.notification_claim(notification_id=row.pk)
    assert claimed.status == S.SENDING  # … and the worker is killed here
    Notification.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.notification_sweep() == 1
    row.refresh_from_db()
    assert row.status == S.SENT
    assert row.attempts == 2
    assert list(row.delivery_attempts.values_list("outcome", flat=True)) == [
        AttemptOutcome.ABANDONED,
        AttemptOutcome.SENT,
    ]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_held_quiet_hours_row_is_enqueued_by_the_sweeper_once_due(
    django_capture_on_commit_callbacks,
):
    user = citizen_with_phone()
    NotificationPreference.objects.create(user=user, quiet_start=time(0, 0), quiet_end=time(23, 59))
    rows = {n.channel: n for n in _notify(user, channels=[Channel.SMS, Channel.INBOX])}
    assert rows[Channel.SMS].enqueued_at is None
    assert rows[Channel.INBOX].enqueued_at is not None  # the inbox is silent: never held
    with django_capture_on_commit_callbacks(execute=False) as early:
        assert delivery.notification_sweep() == 0
    with django_capture_on_commit_callbacks(execute=False) as due:
        assert delivery.notification_sweep(now=timezone.now() + timedelta(days=1)) == 2
    assert early == []
    assert len(due) == 1


@pytest.mark.django_db
def test_staff_digest_gathers_held_messages(django_capture_on_commit_callbacks):
    officer = StaffFactory(roles=[Role.PROCESSING_OFFICER], full_name="Trần Văn Bình")
    NotificationPreference.objects.create(user=officer, daily_digest=True)
    for code in ("HS-A", "HS-B"):
        services.notify(
            event=Event.STAFF_NEW_IN_QUEUE,
            recipient=officer,
            context={**sample_context(Event.STAFF_NEW_IN_QUEUE), "dossier_code": code},
            reference=code,
        )
    held = Notification.objects.filter(recipient=officer, channel=Channel.EMAIL)
    assert set(held.values_list("status", flat=True)) == {S.DIGEST}
    assert (
        Notification.objects.filter(
            recipient=officer, channel=Channel.INBOX, status=S.QUEUED
        ).count()
        == 2
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert services.notification_digest_send() == 1
    digest = Notification.objects.get(event=Event.STAFF_DAILY_DIGEST)
    assert "HS-A" in digest.body
    assert "HS-B" in digest.body
    assert "Trần Văn Bình" in digest.body
    assert digest.status == S.SENT
    assert set(held.exclude(pk=digest.pk).values_list("status", flat=True)) == {S.DIGESTED}
    assert services.notification_digest_send() == 0


@pytest.mark.django_db
def test_sms_without_diacritics_when_the_province_chooses(settings):
    settings.NOTIFICATIONS_SMS_WITHOUT_DIACRITICS = True
    user = citizen_with_phone()
    (row,) = _notify(user, channels=[Channel.SMS])
    assert (
        row.body
        == "DVC Tay Ninh: Ho so 000.00.80.H52-260315-0007 da nop luc 15/03/2026 09:12, dang cho tiep nhan."
    )
    assert row.sms_segments == 1


@pytest.mark.django_db
def test_inbox_mark_read_is_scoped_to_the_owner():
    owner, other = CitizenFactory(), CitizenFactory()
    (row,) = _notify(owner, event=Event.DOSSIER_SUBMITTED, channels=[Channel.INBOX])
    with pytest.raises(Exception, match="not found"):
        services.inbox_mark_read(user=other, notification_uuid=row.uuid)
    services.inbox_mark_read(user=owner, notification_uuid=row.uuid)
    assert Notification.objects.get(pk=row.pk).read_at is not None


@pytest.mark.django_db
def test_unknown_event_is_refused():
    with pytest.raises(Exception, match="unknown notification event"):
        services.notify(event="nope", recipient=CitizenFactory(), context={})


@pytest.mark.django_db
def test_context_with_dates_and_decimals_is_stored():
    from datetime import date
    from decimal import Decimal

    context = {
        **sample_context(Event.PAYMENT_DUE),
        "amount": Decimal("50000"),
        "due": date(2026, 3, 20),
    }
    (stored,) = services.notify(
        event=Event.PAYMENT_DUE,
        recipient=CitizenFactory(),
        context=context,
        channels=[Channel.INBOX],
    )
    stored.refresh_from_db()
    assert stored.context["amount"] == "50000"
    assert "50.000 đồng" in stored.body  # money in the message's language (common.money)
