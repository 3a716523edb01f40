"""The dossier, its components and its append-only history.

State changes go through `dossiers.services.dossier_transition` only (ADR 0070); `Dossier.status`
is never assigned elsewhere. `DossierEvent` rows are written once and never changed (ADR 0072).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import BaseModel
from dossiers.constants import (
    CLOCK_RUNNING_STATUSES,
    FINAL_STATUSES,
    OPEN_STATUSES,
    SUPPLEMENT_QUEUE_STATUSES,
    Actor,
    Channel,
    ComponentSource,
    CopyType,
    DossierStatus,
    EventKind,
    FormCode,
    ResultDelivery,
    ResultKind,
    TimeUnit,
)


def _choices_check(
    field: str, choices: type[models.TextChoices], name: str, *, blank: bool = False
):
    condition = models.Q(**{f"{field}__in": choices.values})
    if blank:
        condition |= models.Q(**{field: ""})
    return models.CheckConstraint(condition=condition, name=name)


# Before reception the clock that runs is the reception window (8 working hours, Art. 15),
# after it the appointment date: "due first" orders by whichever runs (issue #20). Stored as
# `Dossier.next_due_at`, a column PostgreSQL (or SQLite) computes on every write (ADR 0355).
AWAITING_RECEPTION: tuple[str, ...] = (
    DossierStatus.SUBMITTED.value,
    DossierStatus.SUPPLEMENT_SUBMITTED.value,
)


def next_deadline_expression() -> models.Case:
    return models.Case(
        models.When(
            status__in=AWAITING_RECEPTION,
            then=Coalesce("reception_due_at", "due_at"),
        ),
        default=models.F("due_at"),
        output_field=models.DateTimeField(),
    )


class Dossier(BaseModel):
    """One application for one procedure, from draft to returned result (regulation-spec §5)."""

    # Mã số hồ sơ (NĐ 118 Art. 28): issued at submission, or taken from the National Portal.
    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True, null=True, blank=True)

    # The catalogue is another app; until its model is stable we keep the national procedure
    # code and a snapshot of what the applicant saw (name, statutory time) — ADR 0071.
    procedure_code = models.CharField(_("mã thủ tục"), max_length=32, db_index=True)
    procedure_name = models.CharField(_("tên thủ tục"), max_length=500)
    # The case (situation) of the procedure whose documents this dossier holds (ADR 0260): the
    # catalogue's key and the wording the applicant chose, kept as seen.
    case_key = models.CharField(_("mã trường hợp"), max_length=64, blank=True)
    case_title = models.CharField(_("trường hợp hồ sơ"), max_length=500, blank=True)
    processing_time = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    processing_time_unit = models.CharField(
        _("đơn vị thời hạn"), max_length=16, choices=TimeUnit.choices, blank=True
    )
    # Receptions after this time count from the next working day (Art. 18.2); null: no cut-off.
    processing_cutoff = models.TimeField(_("giờ chốt tiếp nhận"), null=True, blank=True)
    is_interagency = models.BooleanField(_("thủ tục liên thông"), default=False)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("người yêu cầu"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("tổ chức yêu cầu"),
    )
    # Who filled in and sent it: the applicant, a representative or a helper under a mandate.
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="submitted_dossiers",
        verbose_name=_("người nộp"),
    )
    receiving_agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_dossiers",
        verbose_name=_("nơi tiếp nhận"),
    )
    competent_agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="competent_dossiers",
        verbose_name=_("cơ quan giải quyết"),
    )

    status = models.CharField(
        _("trạng thái"),
        max_length=32,
        choices=DossierStatus.choices,
        default=DossierStatus.DRAFT,
        db_index=True,
    )
    # Where WITHDRAWAL_REQUESTED returns to if the applicant cancels the request.
    resume_status = models.CharField(
        _("trạng thái trước khi tạm dừng"), max_length=32, choices=DossierStatus.choices, blank=True
    )
    channel = models.CharField(
        _("kênh nộp"), max_length=20, choices=Channel.choices, default=Channel.ONLINE
    )
    # Filed online at the counter by this reception officer, with the applicant present (an
    # online-only procedure): still an online dossier (`dossiers.services.counter`).
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ hỗ trợ nộp trực tuyến tại quầy"),
    )
    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    vneid_authenticated = models.BooleanField(_("nộp bằng tài khoản định danh"), default=False)

    # What the applicant declared about themselves on the form (a snapshot: the profile may
    # change later). The public lookup checks its phone and ID number (ADR 0091).
    applicant_data = models.JSONField(_("thông tin người nộp"), default=dict, blank=True)
    # The online form: the furthest step reached, so a draft resumes where it stopped.
    draft_step = models.CharField(_("bước đang khai"), max_length=20, blank=True)
    # Autosave (ADR 0310): what the citizen typed on a step and has not yet saved with "Lưu và
    # tiếp tục", kept as typed (unvalidated), by step. Shown again on any device; emptied for a
    # step when that step is saved and validated.
    draft_typed = models.JSONField(_("thông tin đang khai dở"), default=dict, blank=True)
    result_delivery = models.CharField(
        _("hình thức nhận kết quả"), max_length=16, choices=ResultDelivery.choices, blank=True
    )
    delivery_address = models.CharField(_("địa chỉ nhận kết quả"), max_length=255, blank=True)
    delivery_commune_code = models.CharField(_("xã nhận kết quả"), max_length=5, blank=True)
    fee_vnd = models.PositiveBigIntegerField(_("phí, lệ phí (đồng)"), null=True, blank=True)

    declared_at = models.DateTimeField(_("cam đoan lúc"), null=True, blank=True)

    result_kind = models.CharField(
        _("loại kết quả"), max_length=16, choices=ResultKind.choices, blank=True
    )
    result_document_uuid = models.UUIDField(_("tài liệu kết quả"), null=True, blank=True)
    result_code = models.CharField(_("mã số giấy tờ kết quả"), max_length=64, blank=True)
    result_type_code = models.CharField(_("mã loại kết quả"), max_length=32, blank=True)

    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    # The 8-working-hour window to accept or ask for corrections (Art. 17.2.c).
    reception_due_at = models.DateTimeField(_("hạn tiếp nhận"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    due_at_original = models.DateTimeField(_("hẹn trả ban đầu"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True, db_index=True)
    extension_count = models.PositiveSmallIntegerField(_("số lần gia hạn"), default=0)
    completed_at = models.DateTimeField(_("có kết quả lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    early_return_notified_at = models.DateTimeField(_("báo trả sớm lúc"), null=True, blank=True)

    # Clock bookkeeping (§8.2): the law restarts the period after a supplement, the QĐ 766 index
    # subtracts the waiting time — so we keep both the legal due date and the pauses.
    clock_paused_at = models.DateTimeField(_("tạm dừng tính thời hạn lúc"), null=True, blank=True)
    paused_seconds = models.PositiveBigIntegerField(_("tổng thời gian tạm dừng (giây)"), default=0)
    supplement_requested_at = models.DateTimeField(_("yêu cầu bổ sung lúc"), null=True, blank=True)
    # 15 days after the supplement notice the dossier is closed (Art. 19.5).
    supplement_deadline_at = models.DateTimeField(_("hạn bổ sung"), null=True, blank=True)

    # The processing officer the agency head (or the assignment rule) put on it (Art. 19.1).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
        verbose_name=_("chuyên viên xử lý"),
    )
    assigned_at = models.DateTimeField(_("phân công lúc"), null=True, blank=True)
    # An erroneous result sent back is corrected within 3 working days (Art. 23.1).
    correction_due_at = models.DateTimeField(_("hạn đính chính"), null=True, blank=True)
    # The deadline the dossier is judged by next (`next_deadline_expression`), stored so that
    # "due first" reads an index in order (ADR 0355). The database computes it from the row on
    # every INSERT and UPDATE, whoever writes `status`, `due_at` or `reception_due_at` (the
    # transition service, extensions, a bulk `update()`, raw SQL): no code keeps it. Like any
    # generated column, an instance sees the new value only after `refresh_from_db()`.
    next_due_at = models.GeneratedField(
        expression=next_deadline_expression(),
        output_field=models.DateTimeField(),
        db_persist=True,
        verbose_name=_("hạn kế tiếp"),
    )

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["competent_agency", "status", "due_at"], name="dossier_queue_idx"),
            models.Index(fields=["receiving_agency", "status"], name="dossier_reception_idx"),
            models.Index(fields=["applicant", "status"], name="dossier_applicant_idx"),
            # The back-office queues: "assigned to me", reception by arrival, due-date sweeps.
            models.Index(fields=["assignee", "status", "due_at"], name="dossier_assignee_idx"),
            models.Index(
                fields=["receiving_agency", "status", "submitted_at"],
                name="dossier_reception_time_idx",
            ),
            models.Index(fields=["status", "due_at"], name="dossier_status_due_idx"),
            models.Index(
                fields=["receiving_agency", "status", "reception_due_at"],
                name="dossier_reception_due_idx",
            ),
            # Measured on 1,000,000 dossiers (docs/benchmarks.md): overdue and due-soon walk
            # running due dates only; open work per side by due date; the index's own periods.
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(status__in=CLOCK_RUNNING_STATUSES),
                name="dossier_running_due_idx",
            ),
            models.Index(
                fields=["receiving_agency", "due_at"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="dossier_open_reception_idx",
            ),
            models.Index(
                fields=["competent_agency", "due_at"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="dossier_open_competent_idx",
            ),
            # The overdue and due-soon badges of one side (ADR 0330): read from the index alone,
            # where the open-work indexes above sent PostgreSQL to the table to check the status.
            models.Index(
                fields=["receiving_agency", "due_at"],
                condition=models.Q(status__in=CLOCK_RUNNING_STATUSES),
                name="dossier_running_reception_idx",
            ),
            models.Index(
                fields=["competent_agency", "due_at"],
                condition=models.Q(status__in=CLOCK_RUNNING_STATUSES),
                name="dossier_running_competent_idx",
            ),
            # "Tất cả hồ sơ", due first (ADR 0355): one agency's read in order from its side's
            # index; several agencies (`IN (…)`, the one-stop supervisor) from the whole table's
            # order, filtered by agency — no index gives several agencies' ranges in one order.
            models.Index(
                fields=["receiving_agency", "next_due_at", "id"],
                condition=~models.Q(status=DossierStatus.DRAFT.value),
                name="dossier_reception_next_idx",
            ),
            models.Index(
                fields=["competent_agency", "next_due_at", "id"],
                condition=~models.Q(status=DossierStatus.DRAFT.value),
                name="dossier_competent_next_idx",
            ),
            models.Index(
                fields=["next_due_at", "id"],
                condition=~models.Q(status=DossierStatus.DRAFT.value),
                name="dossier_next_due_idx",
            ),
            # "Chờ tiếp nhận" and "Đang chờ bổ sung" of several agencies (the supervisor's
            # `IN (…)`), read in their deadline's order and filtered by agency (ADR 0356); one
            # agency's are served by `dossier_reception_due_idx` or sorted (a few rows).
            models.Index(
                fields=["reception_due_at", "id"],
                condition=models.Q(status=DossierStatus.SUBMITTED.value),
                name="dossier_awaiting_reception_idx",
            ),
            models.Index(
                fields=["supplement_deadline_at", "id"],
                condition=models.Q(status__in=SUPPLEMENT_QUEUE_STATUSES),
                name="dossier_supplement_due_idx",
            ),
            models.Index(fields=["received_at"], name="dossier_received_at_idx"),
            models.Index(fields=["submitted_at"], name="dossier_submitted_at_idx"),
        ]
        constraints = [
            _choices_check("status", DossierStatus, "dossier_status_valid"),
            _choices_check(
                "resume_status", DossierStatus, "dossier_resume_status_valid", blank=True
            ),
            _choices_check("channel", Channel, "dossier_channel_valid"),
            _choices_check("result_kind", ResultKind, "dossier_result_kind_valid", blank=True),
            _choices_check(
                "result_delivery", ResultDelivery, "dossier_result_delivery_valid", blank=True
            ),
            _choices_check("processing_time_unit", TimeUnit, "dossier_time_unit_valid", blank=True),
            # One extension only (Art. 19.6).
            models.CheckConstraint(
                condition=models.Q(extension_count__lte=1), name="dossier_one_extension"
            ),
            # Only a draft may lack its code.
            models.CheckConstraint(
                condition=models.Q(status=DossierStatus.DRAFT) | models.Q(code__isnull=False),
                name="dossier_code_after_draft",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"{self.procedure_name} ({_('bản nháp')})"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_overdue(self) -> bool:
        """Past the due moment and not finished. Due moments already sit on working time."""
        if self.due_at is None or self.is_final or self.completed_at is not None:
            return False
        return timezone.now() > self.due_at

    def forget_typed(self, step: str) -> None:
        """`step` was saved and validated: what was typed there now lives in its own fields
        (autosave, ADR 0310). The caller saves `draft_typed`."""
        self.draft_typed = {k: v for k, v in (self.draft_typed or {}).items() if k != step}


class _AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise DossierEvent.AppendOnlyError(_("Lịch sử hồ sơ không được sửa."))

    def delete(self) -> NoReturn:
        raise DossierEvent.AppendOnlyError(_("Lịch sử hồ sơ không được xóa."))


class DossierEvent(models.Model):
    """One line of a dossier's history: a transition or a fact recorded on the way.

    Append-only (NĐ 118 Art. 5.1.c): app code creates rows and never updates or deletes them;
    `save()` on an existing row, `delete()` and queryset `update()`/`delete()` all raise. A form
    rendered after the fact is a new FORM_ISSUED event pointing at this one (ADR 0072).
    """

    class AppendOnlyError(Exception):
        pass

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("loại sự kiện"), max_length=32, choices=EventKind.choices)
    from_status = models.CharField(
        _("từ trạng thái"), max_length=32, choices=DossierStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("sang trạng thái"), max_length=32, choices=DossierStatus.choices, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thực hiện thay cho"),
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Actor.choices)
    # The agency the staff actor acted for (form 06 handovers read it).
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("ghi chú"), blank=True)
    form_code = models.CharField(_("biểu mẫu"), max_length=2, choices=FormCode.choices, blank=True)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    # The history hash chain (dossiers.integrity): sha256 over this row's canonical JSON and the
    # hash of the dossier's previous event; `verify_history` recomputes it.
    prev_hash = models.CharField(_("mã băm sự kiện trước"), max_length=64, blank=True)
    hash = models.CharField(_("mã băm"), max_length=64, blank=True)

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="dossier_event_timeline_idx")]
        constraints = [
            _choices_check("kind", EventKind, "dossier_event_kind_valid"),
            _choices_check("role", Actor, "dossier_event_role_valid"),
            _choices_check("form_code", FormCode, "dossier_event_form_valid", blank=True),
            # A transition names both ends; other facts name neither.
            models.CheckConstraint(
                condition=(
                    models.Q(kind=EventKind.TRANSITION)
                    & ~models.Q(from_status="")
                    & ~models.Q(to_status="")
                )
                | (
                    ~models.Q(kind=EventKind.TRANSITION)
                    & models.Q(from_status="")
                    & models.Q(to_status="")
                ),
                name="dossier_event_transition_ends",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == EventKind.TRANSITION:
            return f"{self.at:%d/%m/%Y %H:%M} {self.from_status} → {self.to_status}"
        return f"{self.at:%d/%m/%Y %H:%M} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise self.AppendOnlyError(_("Lịch sử hồ sơ không được sửa."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self.AppendOnlyError(_("Lịch sử hồ sơ không được xóa."))


class DossierEventCursor(models.Model):
    """How far the sweep has handed the event table to one after-commit listener (ADR 0180):
    every event up to `last_event_id` has been given to `listener` at least once."""

    listener = models.CharField(max_length=64, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.listener} @ {self.last_event_id}"


class DossierComponent(BaseModel):
    """One required (or optional) document of the dossier, pointing at a stored document.

    A re-used document is a pointer to the citizen's data store, not a copy. The pointer is the
    stored document's UUID until the documents app's model is migrated (ADR 0071).
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    requirement_code = models.CharField(_("mã thành phần"), max_length=64)
    requirement_name = models.CharField(_("tên thành phần"), max_length=500)
    is_required = models.BooleanField(_("bắt buộc"), default=True)
    document_uuid = models.UUIDField(_("tài liệu"), null=True, blank=True, db_index=True)
    source = models.CharField(
        _("nguồn"), max_length=20, choices=ComponentSource.choices, blank=True
    )
    copy_type = models.CharField(
        _("loại bản"), max_length=20, choices=CopyType.choices, default=CopyType.ELECTRONIC
    )
    quantity = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "requirement_code"], name="one_component_per_requirement"
            ),
            _choices_check("source", ComponentSource, "component_source_valid", blank=True),
            _choices_check("copy_type", CopyType, "component_copy_type_valid"),
        ]

    def __str__(self) -> str:
        return self.requirement_name

    @property
    def is_provided(self) -> bool:
        """Satisfied by a file, or not asked for because the state already holds it (Art. 5.1.i)."""
        return self.document_uuid is not None or self.source == ComponentSource.STATE_HOLDS


class DossierCodeCounter(models.Model):
    """The last sequence number issued for one code prefix on one day (NĐ 118 Art. 28.b)."""

    prefix = models.CharField(_("mã định danh"), max_length=40)
    day = models.DateField(_("ngày"))
    last_value = models.PositiveIntegerField(_("số cuối"), default=0)

    class Meta:
        verbose_name = _("bộ đếm mã hồ sơ")
        verbose_name_plural = _("bộ đếm mã hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "day"], name="one_counter_per_prefix_day")
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.day:%d/%m/%Y}: {self.last_value}"


# Consultations, inter-agency tasks and alerts, the registers of outgoing numbers and the counter
# confirmations live in their own modules (this one is near its size limit).
from dossiers.assisted_models import IdentityConfirmation  # noqa: E402, F401
from dossiers.numbering_models import IssuedNumber, NumberRegister  # noqa: E402, F401
from dossiers.processing_models import (  # noqa: E402, F401
    DossierAlert,
    DossierConsultation,
    InteragencyTask,
)
