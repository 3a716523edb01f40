"""Statuses, channels, actors and event kinds of a dossier (regulation-spec §3, §5, §12.1).

Labels are Vietnamese source strings; English comes from the translation catalogue.
"""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierStatus(models.TextChoices):
    """The internal states of §5.1. `in_process` and the states after it up to `issuing` are the
    sub-steps of "Đang xử lý" (portal code 4)."""

    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Mới nộp, chờ tiếp nhận")
    INTAKE_SUPPLEMENT = "intake_supplement", _("Yêu cầu bổ sung trước khi tiếp nhận")
    REJECTED_AT_INTAKE = "rejected_at_intake", _("Từ chối tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    IN_PROCESS = "in_process", _("Đã chuyển cơ quan giải quyết, chờ phân công")
    APPRAISING = "appraising", _("Đang thẩm định")
    CONSULTING = "consulting", _("Đang thẩm tra, xác minh, lấy ý kiến")
    INTERAGENCY = "interagency", _("Đang xử lý liên thông")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ lãnh đạo phê duyệt")
    SIGNING = "signing", _("Đang ký kết quả")
    ISSUING = "issuing", _("Đang ban hành kết quả")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung hồ sơ")
    SUPPLEMENT_SUBMITTED = "supplement_submitted", _("Đã bổ sung, chờ tiếp nhận lại")
    AWAITING_PAYMENT = "awaiting_payment", _("Chờ thực hiện nghĩa vụ tài chính")
    WITHDRAWAL_REQUESTED = "withdrawal_requested", _("Công dân yêu cầu rút hồ sơ")
    STOPPED = "stopped", _("Dừng giải quyết")
    DONE = "done", _("Đã có kết quả")
    RETURNED = "returned", _("Đã trả kết quả")
    CORRECTION = "correction", _("Đang đính chính kết quả")


S = DossierStatus

# The result is issued to the applicant: only now may they see and download it (issue #19,
# `dossiers.selectors.results`). Before, an attached result is the agency's draft.
RESULT_ISSUED_STATUSES = frozenset({S.DONE, S.RETURNED})
# No way out: the dossier is closed for good.
TERMINAL_STATUSES = frozenset({S.REJECTED_AT_INTAKE, S.STOPPED})
# Processing finished (queues and deadline alerts ignore these). A returned result may still be
# sent back for correction (NĐ 118 Art. 23), so RETURNED is final but not terminal.
FINAL_STATUSES = frozenset({*TERMINAL_STATUSES, S.RETURNED})
# Sub-steps of "Đang xử lý" at the competent agency.
IN_PROCESS_STATUSES = frozenset(
    {
        S.IN_PROCESS,
        S.APPRAISING,
        S.CONSULTING,
        S.INTERAGENCY,
        S.AWAITING_APPROVAL,
        S.SIGNING,
        S.ISSUING,
    }
)
# The processing clock does not run in these (§8.2: store the pauses for the QĐ 766 index).
CLOCK_PAUSED_STATUSES = frozenset(
    {S.SUPPLEMENT_REQUESTED, S.SUPPLEMENT_SUBMITTED, S.AWAITING_PAYMENT}
)
# Still being worked on (the back-office queues). Tuples in a fixed order: they appear in the
# partial indexes' conditions, which migrations compare. A DONE dossier still waits to be
# handed over, so it is open. Listed, not negated: `status IN (...)` uses the indexes.
OPEN_STATUSES: tuple[str, ...] = tuple(
    s for s in S.values if s not in FINAL_STATUSES and s != S.DRAFT
)
# The legal clock runs (due-soon and overdue): open, not paused, not before reception, not done.
CLOCK_RUNNING_STATUSES: tuple[str, ...] = tuple(
    s
    for s in OPEN_STATUSES
    if s not in CLOCK_PAUSED_STATUSES and s not in (S.DONE, S.SUBMITTED, S.INTAKE_SUPPLEMENT)
)

# The "Đang chờ bổ sung" queue: asked for a supplement (at intake or after appraisal), or
# supplemented and waiting to be received again. Here because its partial index names it too.
SUPPLEMENT_QUEUE_STATUSES: tuple[str, ...] = (
    S.INTAKE_SUPPLEMENT.value,
    S.SUPPLEMENT_REQUESTED.value,
    S.SUPPLEMENT_SUBMITTED.value,
)


class NationalPortalStatus(models.IntegerChoices):
    """`TrangThaiHoSo` of the National Public Service Portal sync (§5, §12.1) [S]."""

    NEW = 1, _("Mới đăng ký")
    ACCEPTED = 2, _("Được tiếp nhận")
    NOT_ACCEPTED = 3, _("Không được tiếp nhận")
    IN_PROCESS = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung giấy tờ")
    PAYMENT_REQUESTED = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWAL_REQUESTED = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    FINISHED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


P = NationalPortalStatus

# §5.1 table. A draft is not known to the portal (None).
NATIONAL_PORTAL_STATUS: dict[DossierStatus, NationalPortalStatus | None] = {
    S.DRAFT: None,
    S.SUBMITTED: P.NEW,
    S.INTAKE_SUPPLEMENT: P.SUPPLEMENT_REQUESTED,
    S.REJECTED_AT_INTAKE: P.NOT_ACCEPTED,
    S.RECEIVED: P.ACCEPTED,
    S.IN_PROCESS: P.IN_PROCESS,
    S.APPRAISING: P.IN_PROCESS,
    S.CONSULTING: P.IN_PROCESS,
    S.INTERAGENCY: P.IN_PROCESS,
    S.AWAITING_APPROVAL: P.IN_PROCESS,
    S.SIGNING: P.IN_PROCESS,
    S.ISSUING: P.IN_PROCESS,
    S.SUPPLEMENT_REQUESTED: P.SUPPLEMENT_REQUESTED,
    # [I] still waiting for the officer to accept the supplement, so still "supplement requested".
    S.SUPPLEMENT_SUBMITTED: P.SUPPLEMENT_REQUESTED,
    S.AWAITING_PAYMENT: P.PAYMENT_REQUESTED,
    S.WITHDRAWAL_REQUESTED: P.WITHDRAWAL_REQUESTED,
    S.STOPPED: P.STOPPED,
    S.DONE: P.FINISHED,
    S.RETURNED: P.RETURNED,
    S.CORRECTION: P.IN_PROCESS,
}


def national_portal_status(status: str) -> NationalPortalStatus | None:
    return NATIONAL_PORTAL_STATUS[DossierStatus(status)]


class ResultKind(models.TextChoices):
    """DONE covers both outcomes (§5.1: a refusal after appraisal is a result, Art. 19.3)."""

    POSITIVE = "positive", _("Giải quyết")
    NEGATIVE = "negative", _("Từ chối giải quyết")


class Channel(models.TextChoices):
    """How the dossier reached the one-stop unit (NĐ 118 Art. 15, §3). VNeID counts as online."""

    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp tại Bộ phận Một cửa")
    POSTAL = "postal", _("Qua dịch vụ bưu chính công ích")
    NATIONAL_PORTAL = "national_portal", _("Từ Cổng Dịch vụ công quốc gia")


# What an applicant filing on this portal may choose: online only, or the paper collected at home
# by the public postal service (QĐ 45/2016/QĐ-TTg; the reception time is the handover).
APPLICANT_CHANNELS: tuple[str, ...] = (Channel.ONLINE, Channel.POSTAL)

# Submitted online (here or on the National Portal): the 8-working-hour reception window runs.
ONLINE_CHANNELS: tuple[str, ...] = (Channel.ONLINE, Channel.NATIONAL_PORTAL)


def is_online(channel: str) -> bool:
    """Submitted online, here or on the National Portal: THE definition (the reception window,
    the online fee, the helpdesk's "online" rating criterion, the QĐ 766 counts)."""
    return channel in ONLINE_CHANNELS


def catalogue_channel(channel: str) -> str:
    """The catalogue's channel (procedures' terms and fees) a dossier's channel reads."""
    if is_online(channel):
        return "online"
    return "postal" if channel == Channel.POSTAL else "in_person"


# `KenhThucHien` of the portal sync (§3) [S].
CHANNEL_NATIONAL_CODE: dict[Channel, int] = {
    Channel.COUNTER: 1,
    Channel.ONLINE: 2,
    Channel.NATIONAL_PORTAL: 2,
    Channel.POSTAL: 3,
}


class Actor(models.TextChoices):
    """Who moves a dossier: the roles of `accounts.constants.Role` that take part, plus `system`
    (tasks, the payment callback, the national-portal importer). Values equal the Role values."""

    CITIZEN = "citizen", _("Công dân, tổ chức")
    COMMUNITY_HELPER = "community_helper", _("Tổ công nghệ số cộng đồng")
    RECEPTION_OFFICER = "reception_officer", _("Cán bộ tiếp nhận")
    PROCESSING_OFFICER = "processing_officer", _("Chuyên viên xử lý")
    AGENCY_HEAD = "agency_head", _("Lãnh đạo cơ quan")
    RECORDS_CLERK = "records_clerk", _("Văn thư")
    ONESTOP_SUPERVISOR = "onestop_supervisor", _("Giám sát một cửa")
    SYSTEM = "system", _("Hệ thống")


APPLICANT_ACTORS = frozenset({Actor.CITIZEN, Actor.COMMUNITY_HELPER})
STAFF_ACTORS = frozenset(
    {
        Actor.RECEPTION_OFFICER,
        Actor.PROCESSING_OFFICER,
        Actor.AGENCY_HEAD,
        Actor.RECORDS_CLERK,
        Actor.ONESTOP_SUPERVISOR,
    }
)
# The one-stop side acts for the receiving agency; the others for the competent agency.
RECEIVING_SIDE_ACTORS = frozenset({Actor.RECEPTION_OFFICER, Actor.ONESTOP_SUPERVISOR})


class FormCode(models.TextChoices):
    """The standard forms of TT 03/2025/TT-VPCP Phụ lục I (§6.1)."""

    RECEIPT = "01", _("Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    SUPPLEMENT_REQUEST = "02", _("Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    REFUSAL = "03", _("Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    APOLOGY_EXTENSION = "04", _("Mẫu 04 — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết")
    STOP_NOTICE = "05", _("Mẫu 05 — Thông báo dừng giải quyết hồ sơ")
    CONTROL_SHEET = "06", _("Mẫu 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ")
    REGISTER = "07", _("Mẫu 07 — Sổ theo dõi hồ sơ")


class EventKind(models.TextChoices):
    """What a `DossierEvent` records. Only TRANSITION changes the status; the others are facts
    recorded on the way (an extension, a handover, a consultation) by `dossier_event_record`."""

    TRANSITION = "transition", _("Chuyển trạng thái")
    CODE_ASSIGNED = "code_assigned", _("Cấp mã hồ sơ")
    NOTE = "note", _("Ghi chú")
    ASSIGNED = "assigned", _("Phân công xử lý")
    EXTENDED = "extended", _("Gia hạn thời gian giải quyết")
    EXTENSION_PROPOSED = "extension_proposed", _("Đề xuất gia hạn, chờ lãnh đạo phê duyệt")
    EXTENSION_DECLINED = "extension_declined", _("Lãnh đạo không đồng ý gia hạn")
    HANDOVER = "handover", _("Bàn giao hồ sơ")
    CONSULTATION_SENT = "consultation_sent", _("Gửi lấy ý kiến")
    CONSULTATION_REPLIED = "consultation_replied", _("Trả lời ý kiến")
    COMPONENT_CHANGED = "component_changed", _("Cập nhật thành phần hồ sơ")
    CASE_CHANGED = "case_changed", _("Đổi trường hợp hồ sơ")
    FORM_ISSUED = "form_issued", _("Phát hành biểu mẫu")
    PAYMENT_SETTLED = "payment_settled", _("Đã thực hiện nghĩa vụ tài chính")
    RESULT_ATTACHED = "result_attached", _("Đính kèm kết quả")


class ComponentSource(models.TextChoices):
    """Where a component's file came from (QĐ 766 indicators 4.3/4.4 count the re-used ones)."""

    UPLOADED = "uploaded", _("Tải lên")
    REUSED = "reused", _("Lấy từ kho dữ liệu")
    SCANNED = "scanned", _("Số hóa tại Bộ phận Một cửa")
    NATIONAL_DATABASE = "national_database", _("Khai thác từ cơ sở dữ liệu quốc gia")
    STATE_HOLDS = "state_holds", _("Không phải nộp: Nhà nước đã có")


# One definition of each digitisation fact, shared by the QĐ 766 dashboard (`metrics.facts`) and the
# flags sent to the National Portal (`integrations.dvcqg.payloads`), so both score a dossier alike.
# 4.3 "tái sử dụng dữ liệu số hóa" = the portal's `TaiLieuNop.DuocSoHoa` / `HoSoCoThanhPhanSoHoa`:
# a component taken from data the state already holds in digital form (NĐ 118 Art. 17.1.b, 5.1.i),
# not a paper scanned today (that is digitisation, 4.2).
REUSED_DATA_SOURCES = frozenset(
    {ComponentSource.REUSED, ComponentSource.NATIONAL_DATABASE, ComponentSource.STATE_HOLDS}
)
# 4.4 = `TaiLieuNop.DuocLayTuKhoDMQG`: a component taken from the applicant's e-data store.
DATA_STORE_SOURCES = frozenset({ComponentSource.REUSED})


def component_reuses_data(source: str) -> bool:
    """QĐ 766 4.3 / `DuocSoHoa`: this component re-uses digitised data."""
    return source in REUSED_DATA_SOURCES


def component_from_data_store(source: str) -> bool:
    """QĐ 766 4.4 / `DuocLayTuKhoDMQG`: this component came from the applicant's data store."""
    return source in DATA_STORE_SOURCES


class CopyType(models.TextChoices):
    """Document copy type of the portal sync (0 original / 1 copy / 2 electronic) and Mẫu 01."""

    ORIGINAL = "original", _("Bản chính")
    CERTIFIED_COPY = "certified_copy", _("Bản sao chứng thực")
    COPY = "copy", _("Bản sao")
    ELECTRONIC = "electronic", _("Bản điện tử")


class TimeUnit(models.TextChoices):
    """Units of a statutory processing time (`DonViTinh`, §8.1). Snapshotted on the dossier."""

    WORKING_DAY = "working_day", _("ngày làm việc")
    WORKING_HOUR = "working_hour", _("giờ làm việc")
    DAY = "day", _("ngày")
    HOUR = "hour", _("giờ")
    MONTH = "month", _("tháng")


# Statutory periods (NĐ 118/2025). Sector law may differ; these are the decree's defaults.
RECEPTION_WINDOW_WORKING_HOURS = 8  # accept or ask for corrections, online (Art. 17.2.c)
SUPPLEMENT_WINDOW_WORKING_DAYS = 3  # supplement after appraisal, from receipt (Art. 19.5)
SUPPLEMENT_REPLY_DAYS = 15  # calendar days to answer a supplement request (Art. 19.5) [I]


class ResultDelivery(models.TextChoices):
    """How the applicant receives the result (NĐ 118 Art. 22.3, 22.5)."""

    ELECTRONIC = "electronic", _("Bản điện tử trong kho dữ liệu của tôi")
    COUNTER = "counter", _("Nhận tại Bộ phận Một cửa")
    POST = "post", _("Qua dịch vụ bưu chính công ích")


class DraftStep(models.TextChoices):
    """The steps of the online submission form, in order (ADR 0090)."""

    APPLICANT = "nguoi-nop", _("Người nộp")
    FIELDS = "thong-tin", _("Thông tin hồ sơ")
    DOCUMENTS = "giay-to", _("Giấy tờ")
    DELIVERY = "nhan-ket-qua", _("Nhận kết quả")
    FEES = "le-phi", _("Phí, lệ phí")
    REVIEW = "xem-lai", _("Xem lại và nộp")


DRAFT_STEPS: tuple[DraftStep, ...] = tuple(DraftStep)
# The steps whose answers are typed and saved as the person types (ADR 0310); the documents step
# saves each upload as it is sent, the fees and review steps have nothing to type.
AUTOSAVE_STEPS: tuple[DraftStep, ...] = (DraftStep.APPLICANT, DraftStep.FIELDS, DraftStep.DELIVERY)

# What the citizen reads for each applicant key: the form's labels, the review page's and the
# submission check's messages (never the raw key, issue #26).
APPLICANT_LABELS = {
    "full_name": _("Họ và tên"),
    "id_number": _("Số định danh cá nhân"),
    "date_of_birth": _("Ngày sinh"),
    "phone": _("Số điện thoại"),
    "email": _("Thư điện tử"),
    "address": _("Địa chỉ thường trú"),
    "applicant_type_code": _("Đối tượng thực hiện"),
}


# --- processing (back-office services, deadlines and alerts) ----------------------------------


class ConsultationStatus(models.TextChoices):
    """A request for an opinion, verification or field check sent to another agency (Art. 19.4)."""

    OPEN = "open", _("Đang chờ trả lời")
    ANSWERED = "answered", _("Đã trả lời")


class InteragencyTaskStatus(models.TextChoices):
    """One participant's part of an inter-agency dossier (Art. 20)."""

    OPEN = "open", _("Đang thực hiện")
    DONE = "done", _("Đã hoàn thành")


class AlertKind(models.TextChoices):
    """The deadline alerts of the back office; each is sent once per dossier and due moment."""

    NEW_ONLINE = "new_online", _("Hồ sơ trực tuyến mới chờ tiếp nhận")
    RECEPTION_DUE_SOON = "reception_due_soon", _("Sắp hết thời hạn tiếp nhận")
    RECEPTION_OVERDUE = "reception_overdue", _("Quá thời hạn tiếp nhận")
    DUE_SOON = "due_soon", _("Hồ sơ sắp đến hạn")
    OVERDUE = "overdue", _("Hồ sơ quá hạn")
    ESCALATION = "escalation", _("Báo cáo giám sát một cửa")
    CONSULTATION_OVERDUE = "consultation_overdue", _("Quá hạn trả lời ý kiến")
    CORRECTION_OVERDUE = "correction_overdue", _("Quá hạn đính chính kết quả")
    TRANSFER_OVERDUE = "transfer_overdue", _("Quá hạn chuyển hồ sơ giấy")


# Paper dossiers go to the competent agency the same working day, or at the start of the next one
# when received after 15:00 (NĐ 118 Art. 18.2); between levels, the paper within 1 working day
# (Art. 20.1.a). [I] "Đầu giờ" (the start of the day) is read as its first working hour.
TRANSFER_CUTOFF = dt.time(15, 0)
TRANSFER_NEXT_MORNING_WORKING_HOURS = 1
INTERLEVEL_PAPER_WORKING_DAYS = 1
PAPER_CHANNELS = frozenset({"counter", "postal"})


CORRECTION_WORKING_DAYS = 3  # a corrected result is due within 3 working days (Art. 23.1)
NEW_ONLINE_ALERT_HOURS = 2  # wall-clock hours to alert reception of an online dossier (Art. 17.2)
RECEPTION_DUE_SOON_WORKING_HOURS = 2  # warn when this much of the 8-hour window is left [I]
DUE_SOON_WORKING_HOURS = 8  # "due within one working day" [I]


# --- what the back office records beside status changes: who may, and when ----------------------
# (read by the actions selector and enforced by the services; the status changes themselves are
# the transition table's, `dossiers.workflow`)
NOTE_ROLES: tuple[str, ...] = (
    Actor.PROCESSING_OFFICER,
    Actor.AGENCY_HEAD,
    Actor.RECEPTION_OFFICER,
    Actor.RECORDS_CLERK,
    Actor.ONESTOP_SUPERVISOR,
)
# The one extension (form 04, Art. 19.6): the apology letter is the agency's, signed by its head,
# so only an agency head records it (ADR 0272); the processing officer proposes it to the head.
EXTEND_ROLES: tuple[str, ...] = (Actor.AGENCY_HEAD,)
EXTENSION_PROPOSE_ROLES: tuple[str, ...] = (Actor.PROCESSING_OFFICER,)
# The result document is attached from the presentation for approval until it is issued, and
# again during a correction (Art. 23).
RESULT_ROLES: tuple[str, ...] = (Actor.AGENCY_HEAD, Actor.PROCESSING_OFFICER, Actor.RECORDS_CLERK)
RESULT_UPLOAD_STATUSES: tuple[str, ...] = (
    DossierStatus.AWAITING_APPROVAL,
    DossierStatus.SIGNING,
    DossierStatus.ISSUING,
    DossierStatus.CORRECTION,
)

# Keys the portal itself keeps in a dossier's form data, never the applicant's answers: not shown
# to staff as form rows nor given out by the API (issue #20: "demo_key moi-2" on the officer's
# page). `demo_key` marks the dossiers `seed_demo` made, so seeding again adds none.
SYSTEM_FORM_KEYS: frozenset[str] = frozenset({"demo_key"})
