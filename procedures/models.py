import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from common.models import BaseModel
from procedures.constants import (
    PREFILL_TYPES,
    Channel,
    FieldType,
    OnlineLevel,
    PrefillSource,
    ProcedureLevel,
    ProposalStatus,
    RequirementKind,
    ReviewFlag,
    StateDatabase,
    TimeUnit,
)

CODE_PATTERN = re.compile(r"^\d+\.\d{6}$")
FIELD_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class ProcedureField(models.Model):
    """Lĩnh vực (sector/field); the code is the national one when synced, else derived from the name."""

    code = models.SlugField(_("mã lĩnh vực"), max_length=120, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)

    class Meta:
        ordering = ["name"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def __str__(self) -> str:
        return self.name


class ApplicantType(models.Model):
    """Đối tượng thực hiện (citizen, enterprise, cooperative, ...)."""

    code = models.SlugField(_("mã đối tượng"), max_length=120, unique=True)
    name = models.CharField(_("tên đối tượng"), max_length=255)

    class Meta:
        ordering = ["name"]
        verbose_name = _("đối tượng thực hiện")
        verbose_name_plural = _("đối tượng thực hiện")

    def __str__(self) -> str:
        return self.name


class AgencyNameMapping(models.Model):
    """Maps a generic national agency name ("UBND cấp xã") to the province's own agencies.

    Either one agency (a department) or a whole level ("each commune": the commune where the
    dossier is filed). Editable in admin; procedures point at the mapping, so an edit applies at once.
    """

    source_name = models.CharField(_("tên trong danh mục quốc gia"), max_length=500, unique=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="procedure_name_mappings",
        verbose_name=_("cơ quan của tỉnh"),
    )
    agency_level = models.CharField(
        _("hoặc mọi cơ quan cấp"),
        max_length=10,
        blank=True,
        choices=[("province", _("Cấp tỉnh")), ("commune", _("Cấp xã"))],
        help_text=_("Dùng khi tên chung chỉ cơ quan nơi nộp hồ sơ, ví dụ “UBND cấp xã”."),
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        ordering = ["source_name"]
        verbose_name = _("ánh xạ tên cơ quan")
        verbose_name_plural = _("ánh xạ tên cơ quan")

    def __str__(self) -> str:
        return self.source_name

    @property
    def is_mapped(self) -> bool:
        return self.agency_id is not None or bool(self.agency_level)


class Procedure(BaseModel):
    """One administrative procedure (TTHC) of the national catalogue, plus local configuration."""

    code = models.CharField(_("mã thủ tục"), max_length=16, unique=True)
    name = models.TextField(_("tên thủ tục"))
    field = models.ForeignKey(
        ProcedureField,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("lĩnh vực"),
    )
    at_ministry = models.BooleanField(_("cấp bộ"), default=False)
    at_province = models.BooleanField(_("cấp tỉnh"), default=False, db_index=True)
    at_commune = models.BooleanField(_("cấp xã"), default=False, db_index=True)
    at_other = models.BooleanField(_("cơ quan khác"), default=False)
    procedure_type = models.CharField(_("loại thủ tục"), max_length=255, blank=True)
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    decision_number = models.CharField(_("quyết định công bố"), max_length=255, blank=True)
    source_group = models.CharField(_("nhóm nguồn"), max_length=64, blank=True)
    source_url = models.URLField(_("nguồn"), max_length=500, blank=True)
    applicant_types = models.ManyToManyField(
        ApplicantType, blank=True, related_name="procedures", verbose_name=_("đối tượng thực hiện")
    )
    implementing_agency_name = models.TextField(_("cơ quan thực hiện (nguồn)"), blank=True)
    competent_agency_name = models.TextField(_("cơ quan có thẩm quyền (nguồn)"), blank=True)
    coordinating_agency_name = models.TextField(_("cơ quan phối hợp (nguồn)"), blank=True)
    authorised_agency_name = models.TextField(_("cơ quan được ủy quyền (nguồn)"), blank=True)
    implementing_mapping = models.ForeignKey(
        AgencyNameMapping, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    competent_mapping = models.ForeignKey(
        AgencyNameMapping, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coordinating_mapping = models.ForeignKey(
        AgencyNameMapping, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reception_address = models.TextField(_("địa chỉ tiếp nhận"), blank=True)
    results = models.JSONField(
        _("kết quả"),
        default=list,
        blank=True,
        help_text=_('[{"name": ..., "code": "KQ.G01.000095"}]'),
    )
    legal_basis = models.JSONField(_("căn cứ pháp lý (số hiệu)"), default=list, blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    steps = models.TextField(_("trình tự thực hiện"), blank=True)
    related_procedures = models.TextField(_("thủ tục liên quan"), blank=True)
    documents_raw_text = models.TextField(_("thành phần hồ sơ (văn bản gốc)"), blank=True)
    online_submission_listed = models.BooleanField(_("danh mục có kênh trực tuyến"), default=False)

    online_level = models.CharField(
        _("mức độ dịch vụ công trực tuyến"),
        max_length=10,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
        db_index=True,
    )
    online_level_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    online_level_set_at = models.DateTimeField(_("xác định mức độ lúc"), null=True, blank=True)
    online_only = models.BooleanField(
        _("chỉ tiếp nhận trực tuyến"),
        default=False,
        help_text=_("Thí điểm không tiếp nhận giấy: quầy tiếp nhận nộp trực tuyến thay người dân."),
    )
    # Local configuration: the national identity assurance the submitter must hold to start a
    # dossier online (0 none, 1, 2 = VNeID level 2). Kept by re-imports like the online level.
    min_assurance_level = models.PositiveSmallIntegerField(
        _("mức xác thực điện tử tối thiểu"),
        default=0,
        choices=[
            (0, _("Không yêu cầu")),
            (1, _("Mức 1")),
            (2, _("Mức 2 (VNeID)")),
        ],
        help_text=_("Người nộp trực tuyến phải đăng nhập bằng định danh điện tử ở mức này."),
    )
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    # "nếu tiếp nhận hồ sơ sau 15 giờ thì … trong ngày làm việc tiếp theo": set by the import from
    # the procedure's own text (NĐ 118 Art. 18.2 makes 15:00 the transfer cut-off; the same-day
    # procedures, e.g. 1.001193, 1.011441, state it for the result). Editable.
    # Publication of the procedure by the province (QĐ 766 indicators 1.1 and 1.2): the date of
    # the Chairman's publication decision, the effective date of the legal text it implements, and
    # the date it was made public on the national TTHC database. Entered by the province's staff
    # (the national extract does not carry them).
    publication_decided_on = models.DateField(
        _("ngày quyết định công bố"), null=True, blank=True, db_index=True
    )
    legal_basis_effective_on = models.DateField(
        _("ngày hiệu lực của văn bản quy định thủ tục"), null=True, blank=True
    )
    publicised_on = models.DateField(
        _("ngày công khai trên CSDL quốc gia về TTHC"), null=True, blank=True
    )
    receipt_cutoff = models.TimeField(
        _("giờ chốt tiếp nhận trong ngày"),
        null=True,
        blank=True,
        help_text=_("Hồ sơ nhận sau giờ này tính từ ngày làm việc tiếp theo."),
    )

    review_flags = models.CharField(_("cần rà soát"), max_length=255, blank=True, db_index=True)
    # Why the split of the document list into cases was a guess: [{"code": CaseGuess, "text"}].
    case_guesses = models.JSONField(_("chia trường hợp cần xem lại"), default=list, blank=True)
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Folded (accent-free, lower-case) copies for search; trigram-indexed on PostgreSQL.
    name_folded = models.TextField(editable=False, blank=True)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_from__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="procedure_effective_range",
            ),
            models.CheckConstraint(
                condition=models.Q(online_level__in=OnlineLevel.values),
                name="procedure_online_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def levels(self) -> list[str]:
        flags = (
            (self.at_ministry, ProcedureLevel.MINISTRY),
            (self.at_province, ProcedureLevel.PROVINCE),
            (self.at_commune, ProcedureLevel.COMMUNE),
            (self.at_other, ProcedureLevel.OTHER),
        )
        return [level.value for on, level in flags if on]

    @property
    def level_labels(self) -> list[str]:
        return [str(ProcedureLevel(level).label) for level in self.levels]

    @property
    def flags(self) -> list[str]:
        return [flag for flag in self.review_flags.split(",") if flag]

    @property
    def flag_labels(self) -> list[str]:
        return [str(ReviewFlag(flag).label) for flag in self.flags if flag in ReviewFlag.values]

    @property
    def offers_online(self) -> bool:
        return self.online_level != OnlineLevel.NONE

    def clean(self) -> None:
        if not CODE_PATTERN.match(self.code):
            raise ValidationError({"code": _("Mã thủ tục có dạng 1.004222.")})


class ProcedureChannel(models.Model):
    """Per-channel terms: processing time (number + unit), fee in VND and notes, as published."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="channels")
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    time_value = models.DecimalField(
        _("thời hạn"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    time_unit = models.CharField(
        _("đơn vị"), max_length=12, choices=TimeUnit.choices, default=TimeUnit.UNKNOWN
    )
    fee_vnd = models.PositiveBigIntegerField(_("phí, lệ phí (đồng)"), null=True, blank=True)
    fee_amounts = models.JSONField(_("các mức phí (đồng)"), default=list, blank=True)
    is_free = models.BooleanField(_("miễn phí"), default=False)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["procedure", "channel"]
        verbose_name = _("cách thức thực hiện")
        verbose_name_plural = _("cách thức thực hiện")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "channel"], name="one_row_per_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} {self.get_channel_display()}"


class ProcedureCase(models.Model):
    """One situation of a procedure with its own document list (a `nhom`, ADR 0260).

    `key` is the hash of the catalogue's heading, so a re-import finds the row again; `label` is
    the plain wording an administrator gave it and is never overwritten by an import."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="cases")
    key = models.CharField(max_length=64, editable=False)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    title = models.TextField(_("tên trường hợp trong CSDL quốc gia"), blank=True)
    label = models.CharField(_("tên dễ hiểu cho người dân"), max_length=300, blank=True)
    corrected = models.BooleanField(_("đã sửa tại địa phương"), default=False)

    class Meta:
        ordering = ["procedure", "position", "id"]
        verbose_name = _("trường hợp hồ sơ")
        verbose_name_plural = _("trường hợp hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "key"], name="one_case_per_key")
        ]

    def __str__(self) -> str:
        return self.display_name[:80]

    @property
    def display_name(self) -> str:
        return self.label or self.title or str(_("Hồ sơ chung cho mọi người nộp"))


class DocumentRequirement(models.Model):
    """One line of the document list: an upload slot only when `kind` is a document (ADR 0260).
    Imported rows carry `source_key`; rows added locally have none."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="requirements")
    case = models.ForeignKey(
        ProcedureCase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requirements",
        verbose_name=_("trường hợp"),
        help_text=_("Để trống: giấy tờ chung cho mọi trường hợp."),
    )
    kind = models.CharField(
        _("loại dòng"),
        max_length=20,
        choices=RequirementKind.choices,
        default=RequirementKind.DOCUMENT,
    )
    condition = models.CharField(_("điều kiện"), max_length=300, blank=True)
    alternative_of = models.CharField(max_length=64, blank=True, editable=False)
    corrected = models.BooleanField(
        _("đã sửa tại địa phương"),
        default=False,
        help_text=_("Lần nhập lại từ CSDL quốc gia giữ nguyên loại, trường hợp và điều kiện."),
    )
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    group = models.CharField(_("nhóm / trường hợp"), max_length=500, blank=True)
    name = models.TextField(_("tên giấy tờ"))
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    template_name = models.CharField(_("mẫu đơn, tờ khai"), max_length=500, blank=True)
    required = models.BooleanField(_("bắt buộc"), default=True)
    state_holds = models.BooleanField(
        _("Nhà nước đã có"),
        default=False,
        help_text=_("Cơ quan khai thác từ CSDL; biểu mẫu không được yêu cầu người dân nộp."),
    )
    state_database = models.CharField(
        _("CSDL nguồn"), max_length=20, choices=StateDatabase.choices, blank=True
    )
    source_key = models.CharField(max_length=64, blank=True, editable=False, db_index=True)

    class Meta:
        ordering = ["procedure", "position", "id"]
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")

    def __str__(self) -> str:
        return self.name[:80]

    def clean(self) -> None:
        if self.state_holds and not self.state_database:
            raise ValidationError({"state_database": _("Chọn CSDL mà Nhà nước đã có giấy tờ này.")})


class FeeRule(models.Model):
    """A locally configured fee: per channel, with an online discount and exemptions."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fee_rules")
    channel = models.CharField(
        _("kênh"),
        max_length=10,
        choices=Channel.choices,
        blank=True,
        help_text=_("Trống: mọi kênh."),
    )
    name = models.CharField(_("tên khoản thu"), max_length=255)
    amount_vnd = models.PositiveBigIntegerField(_("mức thu (đồng)"))
    online_discount_percent = models.PositiveSmallIntegerField(
        _("giảm khi nộp trực tuyến (%)"), default=0
    )
    exempt_applicant_types = models.ManyToManyField(
        ApplicantType, blank=True, related_name="+", verbose_name=_("đối tượng được miễn")
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        ordering = ["procedure", "channel", "name"]
        verbose_name = _("quy định phí, lệ phí")
        verbose_name_plural = _("quy định phí, lệ phí")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(online_discount_percent__lte=100), name="fee_discount_percent"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="fee_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount_vnd:,} đ"

    def amount_for(self, channel: str) -> int:
        """The amount on `channel`, after the online discount."""
        if channel == Channel.ONLINE and self.online_discount_percent:
            return self.amount_vnd * (100 - self.online_discount_percent) // 100
        return self.amount_vnd

    def clean(self) -> None:
        if self.online_discount_percent > 100:
            raise ValidationError({"online_discount_percent": _("Mức giảm tối đa là 100%.")})
        if self.channel and self.channel != Channel.ONLINE and self.online_discount_percent:
            raise ValidationError(
                {"online_discount_percent": _("Chỉ áp dụng mức giảm cho kênh trực tuyến.")}
            )
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày hết hiệu lực phải sau ngày bắt đầu.")})


class FormField(models.Model):
    """One field of the procedure's e-form spec."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="form_fields")
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    key = models.CharField(_("khóa"), max_length=64)
    label_vi = models.CharField(_("nhãn (tiếng Việt)"), max_length=255)
    label_en = models.CharField(_("nhãn (tiếng Anh)"), max_length=255, blank=True)
    field_type = models.CharField(_("kiểu"), max_length=12, choices=FieldType.choices)
    required = models.BooleanField(_("bắt buộc"), default=False)
    choices = models.JSONField(
        _("lựa chọn"), default=list, blank=True, help_text=_('Cho kiểu “Chọn một”: ["a", "b"].')
    )
    validation_regex = models.CharField(_("biểu thức kiểm tra"), max_length=255, blank=True)
    help_text_vi = models.CharField(_("hướng dẫn"), max_length=500, blank=True)
    prefill_source = models.CharField(
        _("điền sẵn từ"), max_length=40, choices=PrefillSource.choices, blank=True
    )

    class Meta:
        ordering = ["procedure", "position", "id"]
        verbose_name = _("trường biểu mẫu điện tử")
        verbose_name_plural = _("trường biểu mẫu điện tử")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "key"], name="form_field_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if not FIELD_KEY_PATTERN.match(self.key or ""):
            errors["key"] = _("Khóa gồm chữ thường không dấu, số và “_”, bắt đầu bằng chữ.")
        if self.field_type == FieldType.SELECT:
            if not isinstance(self.choices, list) or len(self.choices) < 2:
                errors["choices"] = _("Kiểu “Chọn một” cần ít nhất hai lựa chọn.")
        elif self.choices:
            errors["choices"] = _("Chỉ kiểu “Chọn một” mới có lựa chọn.")
        if self.validation_regex:
            try:
                re.compile(self.validation_regex)
            except re.error:
                errors["validation_regex"] = _("Biểu thức kiểm tra không hợp lệ.")
        if self.prefill_source and self.field_type not in PREFILL_TYPES.get(
            PrefillSource(self.prefill_source), set()
        ):
            errors["prefill_source"] = _("Nguồn điền sẵn không hợp với kiểu trường.")
        if errors:
            raise ValidationError(errors)


class WorkflowStep(models.Model):
    """One step of the procedure's processing template; shares of the time limit add up to 100."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="workflow_steps"
    )
    position = models.PositiveIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=255)
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan"),
        help_text=_("Trống: cơ quan có thẩm quyền giải quyết."),
    )
    time_share_percent = models.PositiveSmallIntegerField(_("tỷ lệ thời gian (%)"))
    inter_agency = models.BooleanField(_("liên thông"), default=False)
    lead_agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan chủ trì"),
    )
    participating_agencies = models.ManyToManyField(
        "agencies.Agency", blank=True, related_name="+", verbose_name=_("cơ quan phối hợp")
    )

    class Meta:
        ordering = ["procedure", "position"]
        verbose_name = _("bước quy trình")
        verbose_name_plural = _("bước quy trình")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "position"], name="workflow_step_position"
            ),
            models.CheckConstraint(
                condition=models.Q(time_share_percent__gte=0, time_share_percent__lte=100),
                name="workflow_step_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    def clean(self) -> None:
        if self.inter_agency and not self.lead_agency_id:
            raise ValidationError({"lead_agency": _("Bước liên thông cần cơ quan chủ trì.")})
        if not self.inter_agency and self.lead_agency_id:
            raise ValidationError(
                {"inter_agency": _("Chỉ bước liên thông mới có cơ quan chủ trì.")}
            )


class OnlineOnlyDay(models.Model):
    """A day on which a procedure takes no paper at an agency (or everywhere when agency is empty)."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="online_only_days"
    )
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("ngày"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("ngày chỉ tiếp nhận trực tuyến")
        verbose_name_plural = _("ngày chỉ tiếp nhận trực tuyến")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "agency", "day"], name="online_only_day_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} {self.day:%d/%m/%Y}"


class OnlineLevelProposal(BaseModel):
    """Staff propose an online level with a reason; a one-stop supervisor approves or rejects it."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="online_level_proposals"
    )
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_level = models.CharField(_("mức đề xuất"), max_length=10, choices=OnlineLevel.choices)
    reason = models.TextField(_("lý do"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("đề xuất mức độ trực tuyến")
        verbose_name_plural = _("đề xuất mức độ trực tuyến")

    def __str__(self) -> str:
        return f"{self.procedure.code} → {self.get_proposed_level_display()}"
