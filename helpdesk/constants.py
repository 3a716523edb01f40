"""Statuses, categories and deadline targets of the citizen-voice app (1022, Q&A, ratings)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role


class ReportCategory(models.TextChoices):
    ROADS = "roads", _("Giao thông, đường sá")
    LIGHTING = "lighting", _("Chiếu sáng công cộng")
    ENVIRONMENT = "environment", _("Môi trường, rác thải")
    WATER = "water", _("Cấp thoát nước, ngập úng")
    CONSTRUCTION = "construction", _("Xây dựng, đất đai")
    PUBLIC_ORDER = "public_order", _("Trật tự, an ninh")
    PROCEDURES = "procedures", _("Thủ tục hành chính")
    OTHER = "other", _("Khác")


class ReportStatus(models.TextChoices):
    NEW = "new", _("Mới tiếp nhận")
    NEEDS_INFO = "needs_info", _("Cần bổ sung thông tin")
    REFUSED = "refused", _("Không tiếp nhận")
    ASSIGNED = "assigned", _("Đã chuyển cơ quan xử lý")
    ANSWERED = "answered", _("Cơ quan đã trả lời, chờ duyệt")
    PUBLISHED = "published", _("Đã công khai kết quả")
    MERGED = "merged", _("Đã gộp vào phản ánh khác")


# Reports a duplicate may be merged into, and which the queue still shows.
OPEN_REPORT_STATUSES = frozenset(
    {ReportStatus.NEW, ReportStatus.NEEDS_INFO, ReportStatus.ASSIGNED, ReportStatus.ANSWERED}
)
CLOSED_REPORT_STATUSES = frozenset(
    {ReportStatus.REFUSED, ReportStatus.PUBLISHED, ReportStatus.MERGED}
)


class Priority(models.TextChoices):
    LOW = "low", _("Thấp")
    NORMAL = "normal", _("Bình thường")
    HIGH = "high", _("Cao")
    URGENT = "urgent", _("Khẩn cấp")


class IntakeChannel(models.TextChoices):
    WEB = "web", _("Cổng dịch vụ công")
    HOTLINE = "hotline", _("Tổng đài 1022")
    ZALO = "zalo", _("Zalo")
    OPERATOR = "operator", _("Cán bộ nhập từ cuộc gọi")


class ReportAction(models.TextChoices):
    SUBMITTED = "submitted", _("Tiếp nhận phản ánh")
    TRIAGED = "triaged", _("Phân loại, đặt mức ưu tiên")
    INFO_REQUESTED = "info_requested", _("Yêu cầu bổ sung thông tin")
    INFO_SUPPLIED = "info_supplied", _("Người phản ánh bổ sung thông tin")
    REFUSED = "refused", _("Không tiếp nhận")
    ASSIGNED = "assigned", _("Chuyển cơ quan xử lý")
    ANSWERED = "answered", _("Cơ quan trả lời")
    ANSWER_RETURNED = "answer_returned", _("Trả lại cơ quan để trả lời lại")
    PUBLISHED = "published", _("Công khai kết quả")
    MERGED = "merged", _("Gộp phản ánh trùng")
    DUPLICATE_ATTACHED = "duplicate_attached", _("Nhận phản ánh trùng")
    RATED = "rated", _("Người phản ánh đánh giá")
    REOPENED = "reopened", _("Mở lại do chưa hài lòng")
    PHOTO_HIDDEN = "photo_hidden", _("Ẩn ảnh khỏi trang công khai")


class QuestionStatus(models.TextChoices):
    NEW = "new", _("Mới gửi")
    ASSIGNED = "assigned", _("Đã chuyển cơ quan trả lời")
    ANSWERED = "answered", _("Đã có trả lời, chờ duyệt")
    PUBLISHED = "published", _("Đã công khai")
    REFUSED = "refused", _("Không trả lời")


class Stage(models.TextChoices):
    """The QĐ 766 indicator 5.2 targets, each in working days (regulation-spec §11.1)."""

    REFUSE = "refuse", _("Từ chối tiếp nhận")
    REQUEST_INFO = "request_info", _("Yêu cầu bổ sung thông tin")
    PROCESS = "process", _("Xử lý, trả lời")
    PUBLISH = "publish", _("Công khai kết quả")


# QĐ 766/QĐ-TTg indicator 5.2; overridable with HELPDESK_DEADLINE_* settings.
DEFAULT_STAGE_WORKING_DAYS = {
    Stage.REFUSE: 2,
    Stage.REQUEST_INFO: 5,
    Stage.PROCESS: 15,
    Stage.PUBLISH: 2,
}


# Decree 118/2025 Art. 33.1: what the applicant rates, each on a 1–5 scale.
class RatingCriterion(models.TextChoices):
    TIME = "time_vs_deadline", _("Thời gian giải quyết so với thời hạn")
    CONTACTS = "contacts", _("Số lần phải liên hệ để hoàn thành thủ tục")
    INFORMATION = "information", _("Sự chính xác của thông tin thủ tục được công khai")
    ATTITUDE = "attitude", _("Thái độ của cán bộ")
    LAWFULNESS = "lawfulness", _("Kết quả đúng quy định, không phát sinh chi phí ngoài quy định")
    EXPLANATION = "explanation", _("Chất lượng hướng dẫn, giải thích")
    ONLINE = "online_service", _("Chất lượng dịch vụ công trực tuyến")


class RatingChannel(models.TextChoices):
    WEB = "web", _("Trên cổng")
    KIOSK = "kiosk", _("Thiết bị đánh giá tại quầy")


SCORE_CHOICES = [
    (1, _("1 — Rất không hài lòng")),
    (2, _("2 — Không hài lòng")),
    (3, _("3 — Bình thường")),
    (4, _("4 — Hài lòng")),
    (5, _("5 — Rất hài lòng")),
]
# A rating (or a reporter's verdict) below this counts as "not satisfied" for indicators 5.3/5.4.
SATISFIED_FROM = 3


# Agency members told when a report or question is assigned to their agency (any member can see
# it; these are the roles that act on it).
HELPDESK_ASSIGNEE_ROLES = frozenset(
    {Role.PROCESSING_OFFICER, Role.AGENCY_HEAD, Role.HELPDESK_OFFICER}
)
