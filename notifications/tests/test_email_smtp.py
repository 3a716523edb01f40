"""E-mail through Django's SMTP backend to a real SMTP server (aiosmtpd on a free port)."""

import pytest

from accounts.tests.factories import CitizenFactory
from notifications import services
from notifications.constants import Channel, Event, NotificationStatus
from notifications.models import Notification
from notifications.tests.factories import sample_context

PDF = b"%PDF-1.7\n% Phieu tiep nhan\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.django_db
def test_email_arrives_with_vietnamese_subject_body_and_pdf(
    smtp_settings, django_capture_on_commit_callbacks
):
    user = CitizenFactory(full_name="Nguyễn Thị Hồng Nhung")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            event=Event.DOSSIER_RECEIVED,
            recipient=user,
            context={**sample_context(Event.DOSSIER_RECEIVED), "citizen_name": ""},
            reference="000.00.80.H52-260315-0007",
            channels=[Channel.EMAIL, Channel.INBOX],
            attachments=[services.Attachment(filename="phiếu-tiếp-nhận.pdf", content=PDF)],
        )
    (message,) = smtp_settings.accepted
    # Django folds the long encoded header onto a continuation line; unfolding keeps one space.
    assert (
        message["Subject"].strip()
        == "Đã tiếp nhận hồ sơ 000.00.80.H52-260315-0007, hẹn trả 20/03/2026"
    )
    assert message["To"] == user.email
    assert "Cổng DVC Tây Ninh" in message["From"]
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(preferencelist=("html",)).get_content()
    assert text.startswith("Kính gửi Nguyễn Thị Hồng Nhung,")  # name filled from the account
    assert "Ngày hẹn trả kết quả: 20/03/2026." in text
    assert "Ngày hẹn trả kết quả: 20/03/2026." in html
    assert 'lang="vi"' in html
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "phiếu-tiếp-nhận.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF
    row = Notification.objects.get(channel=Channel.EMAIL)
    assert row.status == NotificationStatus.SENT
    assert message["X-Notification-Id"] == str(row.uuid)
    assert (
        message["Message-ID"].strip().strip("<>")
        == row.provider_message_id
        == f"{row.uuid}@dichvucong.tayninh.gov.vn"
    )


@pytest.mark.django_db
def test_too_big_attachment_becomes_a_link(
    settings, smtp_settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_EMAIL_ATTACHMENT_MAX_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            event=Event.RESULT_RETURNED,
            recipient=CitizenFactory(),
            context=sample_context(Event.RESULT_RETURNED),
            channels=[Channel.EMAIL],
            attachments=[
                services.Attachment(
                    filename="ket-qua.pdf",
                    content=PDF,
                    url="https://dichvucong.tayninh.gov.vn/kq/1",
                )
            ],
        )
    (message,) = smtp_settings.accepted
    assert list(message.iter_attachments()) == []
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert "Tài liệu kèm theo:\n- ket-qua.pdf: https://dichvucong.tayninh.gov.vn/kq/1" in text


@pytest.mark.django_db
def test_english_recipient_gets_english_email(smtp_settings, django_capture_on_commit_callbacks):
    user = CitizenFactory()
    services.preference_update(
        user=user,
        email_enabled=True,
        sms_enabled=False,
        zalo_enabled=False,
        quiet_start=None,
        quiet_end=None,
        language="en",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            event=Event.DOSSIER_DELAYED,
            recipient=user,
            context=sample_context(Event.DOSSIER_DELAYED),
            channels=[Channel.EMAIL],
        )
    subjects = [m["Subject"].strip() for m in smtp_settings.accepted]
    assert subjects == ["Apology: new date for dossier 000.00.80.H52-260315-0007"]
