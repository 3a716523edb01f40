from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from agencies.constants import (
    AgencyKind,
    AgencyLevel,
    CalendarDayKind,
    CalendarOrigin,
    Weekday,
)
from common.models import BaseModel


class Agency(BaseModel):
    """A node of the agency tree after the 2025 reform (province → departments, centre, communes).

    Agencies are never deleted or rewritten: a renamed or merged agency gets `valid_to` and a
    `successor`, so old dossiers keep pointing at the agency that really handled them.
    """

    code = models.CharField(
        _("mã định danh điện tử"),
        max_length=32,
        unique=True,
        help_text=_("Mã định danh điện tử của cơ quan theo QĐ 20/2020/QĐ-TTg."),
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=AgencyKind.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=AgencyLevel.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("cơ quan cấp trên"),
    )
    # For communes and wards: the 5-digit administrative code (dvhc 2025), kept zero-padded.
    commune_code = models.CharField(
        _("mã đơn vị hành chính"), max_length=5, blank=True, db_index=True
    )
    position = models.PositiveIntegerField(_("thứ tự hiển thị"), default=0)
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
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(successor=models.F("id")),
                name="agency_not_own_successor",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class StaffMembership(BaseModel):
    """A staff member works in an agency in a role; reads of dossiers are scoped by these rows.

    Ending a membership sets `valid_to`; the row stays as the record of who could act when.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("người dùng"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("cơ quan")
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    valid_from = models.DateField(_("hiệu lực từ"), default=timezone.localdate)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("cán bộ của cơ quan")
        verbose_name_plural = _("cán bộ của cơ quan")
        ordering = ["agency__position", "agency__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                condition=models.Q(valid_to__isnull=True),
                name="one_open_membership_per_role",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="membership_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"


class CalendarOverride(BaseModel):
    """One date that departs from the normal week: a holiday on a weekday, or a worked weekend day.

    Lunar holidays and day swaps are published yearly by the Government, so they live here as
    data maintained by an administrator, never as rules in code (regulation-spec §8.2).
    """

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại ngày"), max_length=20, choices=CalendarDayKind.choices)
    name = models.CharField(_("tên"), max_length=255)
    source_document = models.CharField(_("văn bản căn cứ"), max_length=500, blank=True)
    origin = models.CharField(
        _("nguồn"), max_length=20, choices=CalendarOrigin.choices, default=CalendarOrigin.MANUAL
    )

    class Meta:
        verbose_name = _("ngày nghỉ / ngày làm bù")
        verbose_name_plural = _("lịch làm việc: ngày nghỉ và ngày làm bù")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.name}"

    @property
    def is_working_day(self) -> bool:
        return self.kind == CalendarDayKind.WORKING_DAY


class OfficeHours(BaseModel):
    """One working session of an agency on a weekday (e.g. Monday 07:00–11:30).

    An agency with no rows works the default week (Mon–Fri 07:00–11:30, 13:00–17:00). Rows on a
    Saturday record reception hours only: a day still counts as working only if the calendar says so.
    """

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="office_hours", verbose_name=_("cơ quan")
    )
    weekday = models.PositiveSmallIntegerField(_("thứ"), choices=Weekday.choices)
    opens_at = models.TimeField(_("giờ bắt đầu"))
    closes_at = models.TimeField(_("giờ kết thúc"))

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        ordering = ["agency", "weekday", "opens_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "weekday", "opens_at"], name="one_session_start_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="session_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def clean(self) -> None:
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("Giờ kết thúc phải sau giờ bắt đầu.")})
        if not self.agency_id or self.weekday is None or not self.opens_at or not self.closes_at:
            return
        overlapping = OfficeHours.objects.filter(
            agency_id=self.agency_id,
            weekday=self.weekday,
            opens_at__lt=self.closes_at,
            closes_at__gt=self.opens_at,
        ).exclude(pk=self.pk)
        if overlapping.exists():
            raise ValidationError(_("Buổi làm việc này trùng với một buổi khác trong cùng ngày."))
