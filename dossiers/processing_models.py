"""Processing records of a dossier: consultations of other agencies, inter-agency tasks and the
deadline alerts sent. Imported by `dossiers.models` (Django finds the models there); split from it
to keep each module readable."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import BaseModel
from dossiers.constants import AlertKind, ConsultationStatus, InteragencyTaskStatus
from dossiers.models import Dossier, _choices_check


class DossierConsultation(BaseModel):
    """A request for an opinion, verification or field check sent to another agency, with its
    content, deadline and reply (NĐ 118 Art. 19.4). The consulted agency sees the dossier while
    the request is open (a `dossier_agency_scopes` registration)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="consultations")
    requesting_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    consulted_agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="consultations_received",
        verbose_name=_("cơ quan được lấy ý kiến"),
    )
    question = models.TextField(_("nội dung lấy ý kiến"))
    due_at = models.DateTimeField(_("hạn trả lời"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.OPEN,
    )
    answer = models.TextField(_("ý kiến trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lấy ý kiến")
        verbose_name_plural = _("lấy ý kiến")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["consulted_agency", "status", "due_at"], name="consultation_queue_idx"
            )
        ]
        constraints = [
            _choices_check("status", ConsultationStatus, "consultation_status_valid"),
            models.CheckConstraint(
                condition=models.Q(status=ConsultationStatus.OPEN)
                | (~models.Q(answer="") & models.Q(answered_at__isnull=False)),
                name="consultation_answered_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} → {self.consulted_agency}"

    @property
    def is_overdue(self) -> bool:
        return self.status == ConsultationStatus.OPEN and timezone.now() > self.due_at


class InteragencyTask(BaseModel):
    """One participating agency's task and deadline on an inter-agency dossier; all are sent at
    once with the lead agency named (NĐ 118 Art. 20)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="interagency_tasks")
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="interagency_tasks",
        verbose_name=_("cơ quan phối hợp"),
    )
    is_lead = models.BooleanField(_("cơ quan chủ trì"), default=False)
    task = models.TextField(_("nhiệm vụ"))
    due_at = models.DateTimeField(_("hạn hoàn thành"))
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=InteragencyTaskStatus.choices,
        default=InteragencyTaskStatus.OPEN,
    )
    result_note = models.TextField(_("kết quả thực hiện"), blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("nhiệm vụ liên thông")
        verbose_name_plural = _("nhiệm vụ liên thông")
        ordering = ["-is_lead", "created_at", "id"]
        indexes = [
            models.Index(fields=["agency", "status", "due_at"], name="interagency_task_queue_idx")
        ]
        constraints = [
            _choices_check("status", InteragencyTaskStatus, "interagency_task_status_valid"),
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(is_lead=True, status=InteragencyTaskStatus.OPEN),
                name="one_open_lead_task_per_dossier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.agency}"


class DossierAlert(models.Model):
    """A deadline alert that was sent: one row per dossier, kind and due moment, created in the
    same transaction as its notifications, so running the sweep twice never alerts twice."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("loại cảnh báo"), max_length=32, choices=AlertKind.choices)
    # The moment the alert is about (the due date, the reception window's end…); an extension
    # moves the due date, so the new date gets its own alerts.
    due_instant = models.DateTimeField(_("mốc thời hạn"))
    # Tells two alerts of one kind and moment apart (e.g. two consultations); usually empty.
    ref = models.CharField(_("tham chiếu"), max_length=64, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("số người nhận"), default=0)

    class Meta:
        verbose_name = _("cảnh báo thời hạn")
        verbose_name_plural = _("cảnh báo thời hạn")
        ordering = ["-sent_at"]
        constraints = [
            _choices_check("kind", AlertKind, "dossier_alert_kind_valid"),
            models.UniqueConstraint(
                fields=["dossier", "kind", "due_instant", "ref"], name="one_alert_per_due_instant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} {self.kind} {self.due_instant:%d/%m/%Y %H:%M}"
