"""Field reports (1022), questions and answers, and satisfaction ratings of dossiers.

Personal data of reporters (name, phone, e-mail) lives only on `FieldReport` and is never shown on
public pages: those render `public_title`/`public_description`, set by the helpdesk at publication.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import BaseModel
from helpdesk.constants import (
    SCORE_CHOICES,
    IntakeChannel,
    Priority,
    QuestionStatus,
    RatingChannel,
    ReportAction,
    ReportCategory,
    ReportStatus,
)


def _choices_check(
    field: str, choices: type[models.TextChoices], name: str
) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)


class CodeCounter(models.Model):
    """Yearly sequence behind tracking codes (PA-2026-000042, HD-2026-000007)."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="helpdesk_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class FieldReport(BaseModel):
    code = models.CharField(_("mã phản ánh"), max_length=20, unique=True)
    channel = models.CharField(_("kênh tiếp nhận"), max_length=10, choices=IntakeChannel.choices)
    category = models.CharField(_("lĩnh vực"), max_length=20, choices=ReportCategory.choices)
    title = models.CharField(_("tiêu đề"), max_length=200)
    description = models.TextField(_("nội dung phản ánh"))
    # Tones stripped, lower case: accent-insensitive search and duplicate suggestions.
    search_text = models.TextField(editable=False, blank=True)
    commune = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="field_reports_located",
        verbose_name=_("xã, phường nơi xảy ra"),
    )
    address = models.CharField(_("địa chỉ cụ thể"), max_length=255)
    latitude = models.DecimalField(
        _("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="field_reports",
        verbose_name=_("người phản ánh (tài khoản)"),
    )
    reporter_name = models.CharField(_("họ tên người phản ánh"), max_length=150, blank=True)
    reporter_phone = models.CharField(_("số điện thoại"), max_length=16, blank=True, db_index=True)
    reporter_email = models.EmailField(_("e-mail"), blank=True)
    phone_verified = models.BooleanField(_("số điện thoại đã xác thực"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ nhập"),
    )
    external_reference = models.CharField(_("mã bên ngoài"), max_length=64, blank=True)
    dossier_code = models.CharField(_("mã hồ sơ liên quan"), max_length=64, blank=True)

    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=ReportStatus.choices,
        default=ReportStatus.NEW,
        db_index=True,
    )
    priority = models.CharField(
        _("mức ưu tiên"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    assigned_agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="field_reports_assigned",
        verbose_name=_("cơ quan xử lý"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("gộp vào"),
    )

    # The clock (QĐ 766 indicator 5.2). Due moments are computed on the working calendar.
    received_at = models.DateTimeField(_("tiếp nhận lúc"), db_index=True)
    refuse_due_at = models.DateTimeField(_("hạn từ chối tiếp nhận"))
    info_due_at = models.DateTimeField(_("hạn yêu cầu bổ sung"))
    process_due_at = models.DateTimeField(_("hạn xử lý"), db_index=True)
    publish_due_at = models.DateTimeField(_("hạn công khai"), null=True, blank=True)
    refused_at = models.DateTimeField(_("từ chối lúc"), null=True, blank=True)
    info_requested_at = models.DateTimeField(_("yêu cầu bổ sung lúc"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("chuyển xử lý lúc"), null=True, blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("công khai lúc"), null=True, blank=True)

    refusal_reason = models.TextField(_("lý do không tiếp nhận"), blank=True)
    info_request = models.TextField(_("nội dung cần bổ sung"), blank=True)
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người trả lời"),
    )
    # What the public sees: edited by the helpdesk so no personal data is published.
    public_title = models.CharField(_("tiêu đề công khai"), max_length=200, blank=True)
    public_description = models.TextField(_("nội dung công khai"), blank=True)
    # Public search reads only the published text, so a search cannot probe private content.
    public_search_text = models.TextField(editable=False, blank=True)

    rating = models.PositiveSmallIntegerField(
        _("đánh giá của người phản ánh"), choices=SCORE_CHOICES, null=True, blank=True
    )
    rating_comment = models.TextField(_("ý kiến của người phản ánh"), blank=True)
    rated_at = models.DateTimeField(_("đánh giá lúc"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("số lần mở lại"), default=0)
    was_overdue = models.BooleanField(_("đã có lúc quá hạn"), default=False)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-received_at"]
        constraints = [
            _choices_check("status", ReportStatus, "report_status_valid"),
            _choices_check("category", ReportCategory, "report_category_valid"),
            _choices_check("priority", Priority, "report_priority_valid"),
            _choices_check("channel", IntakeChannel, "report_channel_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=ReportStatus.MERGED)
                | models.Q(merged_into__isnull=False),
                name="report_merged_has_target",
            ),
            models.CheckConstraint(
                condition=models.Q(reporter__isnull=False) | ~models.Q(reporter_phone=""),
                name="report_has_a_way_back",
            ),
        ]
        indexes = [models.Index(fields=["status", "process_due_at"], name="report_queue_idx")]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def shown_title(self) -> str:
        return self.public_title or self.title


class ReportPhoto(BaseModel):
    """A photo kept by `documents.document_store` (re-encoded: EXIF and GPS dropped)."""

    report = models.ForeignKey(FieldReport, on_delete=models.CASCADE, related_name="photos")
    document = models.ForeignKey(
        "documents.StoredDocument", on_delete=models.PROTECT, related_name="+"
    )
    hidden = models.BooleanField(_("ẩn khỏi trang công khai"), default=False)

    class Meta:
        ordering = ["created_at"]


class ReportEvent(models.Model):
    """Append-only history of a report: every change, who made it, and why."""

    report = models.ForeignKey(FieldReport, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("thao tác"), max_length=24, choices=ReportAction.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action}"


class PhoneVerification(BaseModel):
    """A one-time SMS code that proves an anonymous reporter holds the phone they gave."""

    phone = models.CharField(max_length=16, db_index=True)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)


class Question(BaseModel):
    code = models.CharField(_("mã câu hỏi"), max_length=20, unique=True)
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="helpdesk_questions",
        verbose_name=_("người hỏi"),
    )
    procedure_code = models.CharField(_("mã thủ tục liên quan"), max_length=32, blank=True)
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung câu hỏi"))
    search_text = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=QuestionStatus.choices,
        default=QuestionStatus.NEW,
        db_index=True,
    )
    assigned_agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="helpdesk_questions",
        verbose_name=_("cơ quan trả lời"),
    )
    due_at = models.DateTimeField(_("hạn trả lời"))
    answer = models.TextField(_("trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(_("lý do không trả lời"), blank=True)

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("hỏi đáp")
        ordering = ["-created_at"]
        constraints = [_choices_check("status", QuestionStatus, "question_status_valid")]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class DossierRating(BaseModel):
    """The applicant's rating of a returned dossier (Decree 118 Art. 33), once per dossier."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="rating"
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=RatingChannel.choices)
    # Snapshots, so aggregates per agency and procedure need no join into dossiers.
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, related_name="dossier_ratings"
    )
    procedure_code = models.CharField(max_length=32, db_index=True)
    time_vs_deadline = models.PositiveSmallIntegerField(choices=SCORE_CHOICES)
    contacts = models.PositiveSmallIntegerField(choices=SCORE_CHOICES)
    information = models.PositiveSmallIntegerField(choices=SCORE_CHOICES)
    attitude = models.PositiveSmallIntegerField(choices=SCORE_CHOICES)
    lawfulness = models.PositiveSmallIntegerField(choices=SCORE_CHOICES)
    explanation = models.PositiveSmallIntegerField(choices=SCORE_CHOICES)
    online_service = models.PositiveSmallIntegerField(choices=SCORE_CHOICES, null=True, blank=True)
    average = models.DecimalField(max_digits=3, decimal_places=2)
    comment = models.TextField(_("ý kiến khác"), blank=True)

    class Meta:
        verbose_name = _("đánh giá hồ sơ")
        verbose_name_plural = _("đánh giá mức độ hài lòng")
        constraints = [
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{f}__gte": 1, f"{f}__lte": 5}), name=f"rating_{f}_1_5"
                )
                for f in (
                    "time_vs_deadline",
                    "contacts",
                    "information",
                    "attitude",
                    "lawfulness",
                    "explanation",
                )
            ),
        ]


class SurveyLink(BaseModel):
    """An external satisfaction survey (VNForm, form.gov.vn) offered after a procedure's result."""

    procedure_code = models.CharField(_("mã thủ tục"), max_length=32, unique=True)
    url = models.URLField(
        _("đường dẫn khảo sát"), help_text=_("Ví dụ một biểu mẫu trên form.gov.vn.")
    )
    title = models.CharField(_("tên khảo sát"), max_length=200, blank=True)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("đường dẫn khảo sát")
        verbose_name_plural = _("đường dẫn khảo sát (VNForm)")

    def __str__(self) -> str:
        return f"{self.procedure_code}: {self.url}"
