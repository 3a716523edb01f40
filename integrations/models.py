"""The sync state of each dossier, inbound dossiers, postal legs, and the simulators' ledgers.

The outbox of the National Portal sync is the append-only `dossiers.DossierEvent` table itself:
a `SyncState` only remembers how far along that history the portal has been told (ADR 0130).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import BaseModel
from integrations.constants import (
    InboundStatus,
    PostalKind,
    PostalStatus,
    Provider,
    SyncStatus,
)


class SyncState(BaseModel):
    """How far one dossier's history has been pushed to one provider."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="sync_states"
    )
    provider = models.CharField(_("hệ thống"), max_length=16, choices=Provider.choices)
    # Every event with an id up to `synced_event_id` is known to the portal; the newest event
    # seen is `target_event_id`. Behind when target > synced.
    synced_event_id = models.BigIntegerField(_("sự kiện đã đồng bộ"), default=0)
    target_event_id = models.BigIntegerField(_("sự kiện mới nhất"), default=0)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=SyncStatus.choices, default=SyncStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần thử liên tiếp"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    last_attempt_at = models.DateTimeField(_("lần thử gần nhất"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)
    synced_at = models.DateTimeField(_("đồng bộ thành công lúc"), null=True, blank=True)
    first_synced_at = models.DateTimeField(_("đồng bộ lần đầu lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("trạng thái đồng bộ")
        verbose_name_plural = _("trạng thái đồng bộ")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "provider"], name="one_sync_state"),
            models.CheckConstraint(
                condition=models.Q(status__in=SyncStatus.values), name="sync_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "status", "next_attempt_at"], name="sync_due_idx")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.dossier_id}: {self.status}"

    @property
    def is_behind(self) -> bool:
        return self.target_event_id > self.synced_event_id


class InboundDossier(BaseModel):
    """A dossier submitted on the National Portal and taken in here (its code is kept)."""

    provider = models.CharField(max_length=16, choices=Provider.choices, default=Provider.DVCQG)
    external_code = models.CharField(_("mã hồ sơ trên Cổng"), max_length=64, unique=True)
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_record",
    )
    status = models.CharField(max_length=16, choices=InboundStatus.choices)
    error = models.TextField(blank=True)
    payload = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("hồ sơ nhận từ Cổng DVCQG")
        verbose_name_plural = _("hồ sơ nhận từ Cổng DVCQG")

    def __str__(self) -> str:
        return self.external_code


class PostalOrder(BaseModel):
    """One postal leg of a dossier (collection or result dispatch) at VNPost."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="postal_orders"
    )
    kind = models.CharField(_("loại"), max_length=16, choices=PostalKind.choices)
    # Empty until VNPost confirms the order (status REQUESTED).
    order_number = models.CharField(
        _("số hiệu bưu gửi"), max_length=32, unique=True, null=True, blank=True
    )
    status = models.CharField(_("trạng thái"), max_length=2, choices=PostalStatus.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người yêu cầu"),
    )
    requested_role = models.CharField(_("vai trò người yêu cầu"), max_length=32, blank=True)
    picked_up_at = models.DateTimeField(_("nhận từ người nộp lúc"), null=True, blank=True)
    # The legal reception time of a postal dossier: the handover record at the agency (§3).
    handed_over_at = models.DateTimeField(_("bàn giao cho cơ quan lúc"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("phát thành công lúc"), null=True, blank=True)
    proof = models.JSONField(_("xác nhận phát"), default=dict, blank=True)

    class Meta:
        verbose_name = _("bưu gửi")
        verbose_name_plural = _("bưu gửi")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.order_number or str(_("(chờ bưu điện xác nhận)"))


# --- the simulators' side (they play the other party; never used by real providers) ------------


class SimulatedRequest(models.Model):
    """A request the National Portal simulator accepted, by its idempotency key."""

    request_key = models.CharField(max_length=200, unique=True)
    service = models.CharField(max_length=64)
    body = models.JSONField(default=dict)
    response = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.request_key


class SimulatedPortalDossier(models.Model):
    """The portal simulator's copy of a dossier (DongBoHoSoMC upserts it)."""

    code = models.CharField(max_length=64, unique=True)
    status_code = models.PositiveSmallIntegerField(default=0)
    data = models.JSONField(default=dict)
    progress = models.JSONField(default=list)
    pushes = models.PositiveIntegerField(default=0)
    # Submitted on the portal itself (inbound): waiting for the province to take it.
    submitted_on_portal = models.BooleanField(default=False)
    taken_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.code


class SimulatedFault(models.Model):
    """Make the simulators fail the next `remaining` calls of `service` (tests and demos)."""

    service = models.CharField(max_length=64, unique=True)
    remaining = models.PositiveIntegerField(default=0)
    status = models.PositiveSmallIntegerField(default=503)

    def __str__(self) -> str:
        return f"{self.service} × {self.remaining}"


class SimulatedPostalOrder(models.Model):
    order_number = models.CharField(max_length=32, unique=True)
    request_key = models.CharField(max_length=200, unique=True)
    body = models.JSONField(default=dict)
    status = models.CharField(max_length=2, default="1")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.order_number or str(_("(chờ bưu điện xác nhận)"))
