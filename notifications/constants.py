"""The event catalogue, channels and statuses of the outbox.

Later apps call `notifications.services.notify(event=Event.X, ...)` with a context holding the
event's declared placeholders; `EVENTS[event].placeholders` is the contract (templates may use
only these names, and the admin's template editor checks it).
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    STAFF = "staff", _("Cán bộ")


class Channel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")
    ZALO = "zalo", _("Zalo")
    INBOX = "inbox", _("Hộp thư trên cổng")


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    DELIVERED = "delivered", _("Đã đến người nhận")
    FAILED = "failed", _("Gửi thất bại")
    DIGEST = "digest", _("Chờ gộp vào bản tin ngày")
    DIGESTED = "digested", _("Đã gộp vào bản tin ngày")


NOTIFICATION_STATUS_FINAL = frozenset(
    {
        NotificationStatus.SENT,
        NotificationStatus.DELIVERED,
        NotificationStatus.FAILED,
        NotificationStatus.DIGESTED,
    }
)
# The provider confirmed it has the message; a delivery report may still move SENT → DELIVERED/FAILED.
NOTIFICATION_STATUS_ACCEPTED = frozenset({NotificationStatus.SENT, NotificationStatus.DELIVERED})


class AttemptOutcome(models.TextChoices):
    SENT = "sent", _("Thành công")
    TRANSIENT = "transient", _("Lỗi tạm thời, sẽ thử lại")
    PERMANENT = "permanent", _("Lỗi vĩnh viễn")
    ABANDONED = "abandoned", _("Bị bỏ dở (tiến trình dừng)")


class Event(models.TextChoices):
    # citizen
    DOSSIER_SUBMITTED = "dossier_submitted", _("Hồ sơ đã được nộp")
    DOSSIER_RECEIVED = "dossier_received", _("Hồ sơ đã được tiếp nhận")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung hồ sơ")
    DOSSIER_REFUSED = "dossier_refused", _("Từ chối tiếp nhận hồ sơ")
    PAYMENT_DUE = "payment_due", _("Đề nghị nộp phí, lệ phí")
    PAYMENT_RECEIVED = "payment_received", _("Đã nhận tiền phí, lệ phí")
    DOSSIER_DELAYED = "dossier_delayed", _("Xin lỗi và hẹn lại ngày trả kết quả")
    RESULT_READY = "result_ready", _("Đã có kết quả")
    RESULT_RETURNED = "result_returned", _("Đã trả kết quả")
    DOSSIER_STOPPED = "dossier_stopped", _("Dừng xử lý hồ sơ")
    HELPDESK_ANSWERED = "helpdesk_answered", _("Đã trả lời câu hỏi, phản ánh")
    # to a bare phone number (`notify_phone`): the anonymous 1022 reporter
    HELPDESK_PHONE_CODE = "helpdesk_phone_code", _("Mã xác thực số điện thoại phản ánh")
    HELPDESK_REPORT_RECEIVED = "helpdesk_report_received", _("Đã tiếp nhận phản ánh")
    # a one-time code the person reads back to confirm a step (`notifications.phone_codes`)
    CONFIRMATION_CODE = "confirmation_code", _("Mã xác nhận qua tin nhắn")
    # a one-time code to sign in with ("Đăng nhập bằng mã gửi qua SMS", ADR 0300)
    SIGN_IN_CODE = "sign_in_code", _("Mã đăng nhập qua tin nhắn")
    HELPDESK_REPORT_UPDATE = "helpdesk_report_update", _("Cập nhật xử lý phản ánh")
    # mandates (accounts.identity.mandates through `hooks.mandate_listeners`, ADR 0301)
    MANDATE_OFFERED = "mandate_offered", _("Có người đề nghị ủy quyền cho bạn")
    MANDATE_REQUESTED = "mandate_requested", _("Có người xin bạn ủy quyền")
    MANDATE_IN_FORCE = "mandate_in_force", _("Ủy quyền đã có hiệu lực")
    MANDATE_REFUSED = "mandate_refused", _("Đề nghị ủy quyền bị từ chối")
    MANDATE_REVOKED = "mandate_revoked", _("Ủy quyền đã bị thu hồi")
    # staff
    STAFF_NEW_IN_QUEUE = "staff_new_in_queue", _("Hồ sơ mới trong hàng đợi")
    STAFF_DUE_SOON = "staff_due_soon", _("Hồ sơ sắp đến hạn")
    STAFF_OVERDUE = "staff_overdue", _("Hồ sơ quá hạn")
    STAFF_ESCALATION = "staff_escalation", _("Hồ sơ được chuyển lên cấp trên")
    STAFF_DAILY_DIGEST = "staff_daily_digest", _("Bản tin tổng hợp hằng ngày")
    HELPDESK_ASSIGNED = "helpdesk_assigned", _("Phản ánh, câu hỏi được giao cho cơ quan")
    HELPDESK_ANSWER_READY = "helpdesk_answer_ready", _("Trả lời phản ánh, câu hỏi chờ duyệt")


ALL_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.ZALO, Channel.INBOX)
# Channels that ring a phone: quiet hours hold non-urgent messages on these.
PHONE_CHANNELS = frozenset({Channel.SMS, Channel.ZALO})

_DOSSIER = ("citizen_name", "dossier_code", "procedure_name", "agency_name", "dossier_url")


@dataclass(frozen=True)
class EventSpec:
    audience: Audience
    placeholders: tuple[str, ...]
    # A legal notice (a decision the law says the applicant must be told) always reaches the
    # inbox and at least one of e-mail/SMS, whatever the preferences say.
    legal: bool = False
    # Urgent messages ignore quiet hours.
    urgent: bool = False
    channels: tuple[str, ...] = ALL_CHANNELS
    sample: dict = field(default_factory=dict)
    # A secret (a one-time code): the body, subject and context are blanked once the row is final
    # and never shown in the delivery log or the admin (ADR 0081).
    sensitive: bool = False


_SAMPLE_DOSSIER = {
    "citizen_name": "Nguyễn Thị Hồng Nhung",
    "dossier_code": "000.00.80.H52-260315-0007",
    "procedure_name": "Đăng ký khai sinh",
    "agency_name": "UBND phường Tân Ninh",
    "dossier_url": "https://dichvucong.tayninh.gov.vn/ho-so/000.00.80.H52-260315-0007/",
}
_SAMPLE_STAFF = {
    "staff_name": "Trần Văn Bình",
    "dossier_code": "000.00.80.H52-260315-0007",
    "procedure_name": "Đăng ký khai sinh",
    "queue_name": "Tiếp nhận — UBND phường Tân Ninh",
    "dossier_url": "https://dichvucong.tayninh.gov.vn/ho-so/can-bo/000.00.80.H52-260315-0007/",
}


# Staff messages about a field report or question share their placeholders (and preview sample).
_HELPDESK_STAFF_SAMPLE = {
    "staff_name": "Trần Văn Bình",
    "item_code": "PA-2026-000042",
    "item_title": "Đèn đường hỏng trên đường Cách Mạng Tháng Tám",
    "agency_name": "UBND phường Tân Ninh",
    "item_url": "https://dichvucong.tayninh.gov.vn/phan-anh/xu-ly/PA-2026-000042/",
}

# A mandate's notices name both people and link to the page where it is accepted, confirmed
# or revoked.
_MANDATE = ("citizen_name", "principal_name", "agent_name", "mandate_url")
_SAMPLE_MANDATE = {
    "citizen_name": "Nguyễn Thị Hồng Nhung",
    "principal_name": "Nguyễn Thị Hồng Nhung",
    "agent_name": "Trần Văn Hỗ Trợ",
    "mandate_url": "https://dichvucong.tayninh.gov.vn/dinh-danh/uy-quyen/",
}

EVENTS: dict[str, EventSpec] = {
    Event.DOSSIER_SUBMITTED: EventSpec(
        Audience.CITIZEN,
        (*_DOSSIER, "submitted_at"),
        sample={**_SAMPLE_DOSSIER, "submitted_at": "15/03/2026 09:12"},
    ),
    Event.DOSSIER_RECEIVED: EventSpec(
        Audience.CITIZEN,
        (*_DOSSIER, "due_date"),
        legal=True,
        sample={**_SAMPLE_DOSSIER, "due_date": "20/03/2026"},
    ),
    Event.SUPPLEMENT_REQUESTED: EventSpec(
        Audience.CITIZEN,
        (*_DOSSIER, "reason"),
        legal=True,
        urgent=True,
        sample={**_SAMPLE_DOSSIER, "reason": "Bổ sung bản sao giấy chứng sinh có chứng thực."},
    ),
    Event.DOSSIER_REFUSED: EventSpec(
        Audience.CITIZEN,
        (*_DOSSIER, "reason"),
        legal=True,
        sample={**_SAMPLE_DOSSIER, "reason": "Hồ sơ không thuộc thẩm quyền giải quyết."},
    ),
    Event.PAYMENT_DUE: EventSpec(
        Audience.CITIZEN,
        (*_DOSSIER, "amount", "payment_url"),
        sample={
            **_SAMPLE_DOSSIER,
            "amount": 50000,
            "payment_url": "https://dichvucong.tayninh.gov.vn/thanh-toan/000.00.80.H52-260315-0007/",
        },
    ),
    Event.PAYMENT_RECEIVED: EventSpec(
        Audience.CITIZEN,
        (*_DOSSIER, "amount", "receipt_url"),
        sample={
            **_SAMPLE_DOSSIER,
            "amount": 50000,
            "receipt_url": "https://dichvucong.tayninh.gov.vn/thanh-toan/giao-dich/3f1c/",
        },
    ),
    Event.DOSSIER_DELAYED: EventSpec(
        Audience.CITIZEN,
        (*_DOSSIER, "reason", "old_due_date", "new_due_date"),
        legal=True,
        sample={
            **_SAMPLE_DOSSIER,
            "reason": "Cần xác minh thông tin với cơ quan khác.",
            "old_due_date": "20/03/2026",
            "new_due_date": "25/03/2026",
        },
    ),
    Event.RESULT_READY: EventSpec(
        Audience.CITIZEN,
        (*_DOSSIER, "pickup"),
        legal=True,
        sample={**_SAMPLE_DOSSIER, "pickup": "Nhận trực tuyến trên Cổng dịch vụ công"},
    ),
    Event.RESULT_RETURNED: EventSpec(
        Audience.CITIZEN,
        (*_DOSSIER, "returned_at"),
        sample={**_SAMPLE_DOSSIER, "returned_at": "19/03/2026 14:30"},
    ),
    Event.DOSSIER_STOPPED: EventSpec(
        Audience.CITIZEN,
        (*_DOSSIER, "reason"),
        legal=True,
        sample={**_SAMPLE_DOSSIER, "reason": "Công dân đã rút hồ sơ."},
    ),
    Event.HELPDESK_ANSWERED: EventSpec(
        Audience.CITIZEN,
        ("citizen_name", "question_code", "question_title", "answer_url"),
        sample={
            "citizen_name": "Nguyễn Thị Hồng Nhung",
            "question_code": "PA-2026-00042",
            "question_title": "Đèn đường hỏng trên đường Cách Mạng Tháng Tám",
            "answer_url": "https://dichvucong.tayninh.gov.vn/phan-anh/PA-2026-00042/",
        },
    ),
    Event.STAFF_NEW_IN_QUEUE: EventSpec(
        Audience.STAFF,
        tuple(_SAMPLE_STAFF),
        channels=(Channel.EMAIL, Channel.INBOX),
        sample=_SAMPLE_STAFF,
    ),
    Event.STAFF_DUE_SOON: EventSpec(
        Audience.STAFF,
        (*_SAMPLE_STAFF, "due_date"),
        channels=(Channel.EMAIL, Channel.INBOX),
        sample={**_SAMPLE_STAFF, "due_date": "20/03/2026"},
    ),
    Event.STAFF_OVERDUE: EventSpec(
        Audience.STAFF,
        (*_SAMPLE_STAFF, "due_date"),
        channels=(Channel.EMAIL, Channel.SMS, Channel.INBOX),
        sample={**_SAMPLE_STAFF, "due_date": "20/03/2026"},
    ),
    Event.STAFF_ESCALATION: EventSpec(
        Audience.STAFF,
        (*_SAMPLE_STAFF, "reason"),
        urgent=True,
        channels=(Channel.EMAIL, Channel.SMS, Channel.INBOX),
        sample={**_SAMPLE_STAFF, "reason": "Quá hạn 2 ngày làm việc, chưa có ý kiến xử lý."},
    ),
    Event.STAFF_DAILY_DIGEST: EventSpec(
        Audience.STAFF,
        ("staff_name", "day", "items"),
        channels=(Channel.EMAIL,),
        sample={
            "staff_name": "Trần Văn Bình",
            "day": "16/03/2026",
            "items": ["Hồ sơ mới trong hàng đợi: 000.00.80.H52-260315-0007"],
        },
    ),
    Event.HELPDESK_PHONE_CODE: EventSpec(
        Audience.CITIZEN,
        ("code", "minutes"),
        urgent=True,
        channels=(Channel.SMS,),
        sample={"code": "482913", "minutes": "5"},
        sensitive=True,
    ),
    Event.CONFIRMATION_CODE: EventSpec(
        Audience.CITIZEN,
        # asker: "officer" (at the counter) or "helper" (asker_name asked for a mandate).
        ("code", "minutes", "purpose", "asker", "asker_name"),
        urgent=True,
        channels=(Channel.SMS,),
        sample={
            "code": "482913",
            "minutes": "10",
            "purpose": "nộp hồ sơ 1.004222 tại quầy",
            "asker": "officer",
            "asker_name": "",
        },
        sensitive=True,
    ),
    Event.SIGN_IN_CODE: EventSpec(
        Audience.CITIZEN,
        ("code", "minutes"),
        urgent=True,
        channels=(Channel.SMS,),
        sample={"code": "482913", "minutes": "10"},
        sensitive=True,
    ),
    Event.HELPDESK_REPORT_RECEIVED: EventSpec(
        Audience.CITIZEN,
        ("report_code", "tracking_url"),
        channels=(Channel.SMS,),
        sample={
            "report_code": "PA-2026-000042",
            "tracking_url": "https://dichvucong.tayninh.gov.vn/phan-anh/tra-cuu/",
        },
    ),
    Event.HELPDESK_REPORT_UPDATE: EventSpec(
        Audience.CITIZEN,
        ("report_code", "update", "tracking_url"),
        sample={
            "report_code": "PA-2026-000042",
            "update": "Cần bổ sung ảnh chụp vị trí cột đèn.",
            "tracking_url": "https://dichvucong.tayninh.gov.vn/phan-anh/tra-cuu/PA-2026-000042/",
        },
    ),
    **{
        event: EventSpec(
            Audience.CITIZEN,
            _MANDATE + extra,
            sample={**_SAMPLE_MANDATE, **dict.fromkeys(extra, "Trần Văn Hỗ Trợ")},
        )
        for event, extra in (
            (Event.MANDATE_OFFERED, ()),
            (Event.MANDATE_REQUESTED, ()),
            (Event.MANDATE_IN_FORCE, ()),
            (Event.MANDATE_REFUSED, ()),
            (Event.MANDATE_REVOKED, ("revoked_by_name",)),
        )
    },
    Event.HELPDESK_ASSIGNED: EventSpec(
        Audience.STAFF,
        tuple(_HELPDESK_STAFF_SAMPLE),
        channels=(Channel.EMAIL, Channel.INBOX),
        sample=_HELPDESK_STAFF_SAMPLE,
    ),
    Event.HELPDESK_ANSWER_READY: EventSpec(
        Audience.STAFF,
        tuple(_HELPDESK_STAFF_SAMPLE),
        channels=(Channel.EMAIL, Channel.INBOX),
        sample=_HELPDESK_STAFF_SAMPLE,
    ),
}

STAFF_EVENTS = frozenset(e for e, spec in EVENTS.items() if spec.audience == Audience.STAFF)
LEGAL_EVENTS = frozenset(e for e, spec in EVENTS.items() if spec.legal)
SENSITIVE_EVENTS = frozenset(e for e, spec in EVENTS.items() if spec.sensitive)
# What a sensitive row's body shows once redacted, and what staff see in its place before that.
REDACTED = _("[đã ẩn]")
LANGUAGES = ("vi", "en")

# Channels that have a subject line (e-mail subject, inbox title).
CHANNELS_WITH_SUBJECT = frozenset({Channel.EMAIL, Channel.INBOX})
