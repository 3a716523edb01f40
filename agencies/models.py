from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from agencies.constants import AgencyKind, AgencyLevel
from common.models import BaseModel


class Agency(BaseModel):
    """A node of the agency tree after the 2025 reform (province → departments, centre, communes)."""

    code = models.CharField(
        _("mã định danh điện tử"),
        max_length=32,
        unique=True,
        help_text=_("Mã định danh điện tử của cơ quan (QĐ 20/2020/QĐ-TTg) hoặc mã xã."),
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=AgencyKind.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=AgencyLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # For communes and wards: the 5-digit administrative code (dvhc 2025).
    commune_code = models.CharField(_("mã đơn vị hành chính"), max_length=5, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), default=timezone.localdate)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        verbose_name=_("cơ quan kế thừa"),
    )

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StaffMembership(BaseModel):
    """A staff member works in an agency in a role; reads of dossiers are scoped by these rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    valid_from = models.DateField(_("hiệu lực từ"), default=timezone.localdate)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("cán bộ của cơ quan")
        verbose_name_plural = _("cán bộ của cơ quan")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="one_membership_per_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"
