import uuid
from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constants import AssuranceLevel, Gender
from accounts.identity.constants import (
    ConsentMethod,
    MandateStatus,
    PrivacyRequestKind,
    PrivacyRequestStatus,
)
from accounts.managers import UserManager
from accounts.validators import validate_id_number, validate_phone, validate_tax_code
from common.models import BaseModel


class User(AbstractBaseUser, PermissionsMixin):
    """Signs in by e-mail. Roles are groups (see `accounts.constants.Role`)."""

    # Not a field: set between pre_save and post_save by accounts.identity.signals.
    _sessions_must_end: bool = False

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    # The number (E.164) a one-time SMS code proved this person holds, and when (ADR 0300):
    # the only number "Đăng nhập bằng mã gửi qua SMS" sends a code to.
    verified_phone = models.CharField(_("số điện thoại đã xác thực"), max_length=20, blank=True)
    phone_verified_at = models.DateTimeField(_("xác thực số điện thoại lúc"), null=True, blank=True)
    is_staff = models.BooleanField(_("quyền vào trang quản trị"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    date_joined = models.DateTimeField(_("ngày đăng ký"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[-1]


class CitizenProfile(BaseModel):
    """The data the citizen gave once; every later form is prefilled from it."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices, blank=True)
    id_number = models.CharField(
        _("số định danh cá nhân"), max_length=12, null=True, blank=True, unique=True
    )
    permanent_address = models.CharField(_("địa chỉ thường trú"), max_length=255, blank=True)
    permanent_province_code = models.CharField(_("tỉnh thường trú"), max_length=2, blank=True)
    permanent_commune_code = models.CharField(_("xã thường trú"), max_length=5, blank=True)
    current_address = models.CharField(_("nơi ở hiện tại"), max_length=255, blank=True)
    current_province_code = models.CharField(_("tỉnh nơi ở"), max_length=2, blank=True)
    current_commune_code = models.CharField(_("xã nơi ở"), max_length=5, blank=True)
    phone = models.CharField(
        _("số điện thoại"), max_length=20, blank=True, validators=[validate_phone]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    # Set when the national identity (VNeID) vouched for the data above.
    verified_at = models.DateTimeField(_("xác thực định danh lúc"), null=True, blank=True)
    assurance_level = models.PositiveSmallIntegerField(
        _("mức độ định danh"), choices=AssuranceLevel.choices, default=AssuranceLevel.NONE
    )

    class Meta:
        verbose_name = _("hồ sơ công dân")
        verbose_name_plural = _("hồ sơ công dân")

    def __str__(self) -> str:
        return self.full_name or str(self.user)

    def clean(self) -> None:

        if self.id_number:
            validate_id_number(self.id_number, self.date_of_birth)


class Organisation(BaseModel):
    tax_code = models.CharField(
        _("mã số thuế"), max_length=14, unique=True, validators=[validate_tax_code]
    )
    name = models.CharField(_("tên tổ chức"), max_length=255)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    province_code = models.CharField(_("tỉnh"), max_length=2, blank=True)
    commune_code = models.CharField(_("xã"), max_length=5, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    representatives = models.ManyToManyField(
        User, through="OrganisationRepresentative", related_name="organisations"
    )

    class Meta:
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})"


class OrganisationRepresentative(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    title = models.CharField(_("chức danh"), max_length=100, blank=True)
    is_legal_representative = models.BooleanField(_("người đại diện theo pháp luật"), default=False)
    valid_from = models.DateField(_("hiệu lực từ"), default=timezone.localdate)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("người đại diện")
        verbose_name_plural = _("người đại diện")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_representation"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="representation_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"


# --- National identity, mandates, personal-data requests (see docs/identity.md) ---------------


class NationalIdentity(BaseModel):
    """A person at a national identity provider, keyed on (issuer, subject), never on e-mail or ID."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="national_identities")
    issuer = models.CharField(_("nhà cung cấp định danh"), max_length=255)
    subject = models.CharField(_("mã định danh tại nhà cung cấp"), max_length=255)
    acr = models.CharField(_("mức xác thực (acr)"), max_length=100, blank=True)
    assurance_level = models.PositiveSmallIntegerField(
        _("mức độ định danh"), choices=AssuranceLevel.choices, default=AssuranceLevel.NONE
    )
    last_authenticated_at = models.DateTimeField(_("lần xác thực gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("định danh quốc gia")
        verbose_name_plural = _("định danh quốc gia")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="identity_issuer_subject")
        ]

    def __str__(self) -> str:
        return f"{self.issuer} · {self.subject}"


class AssuranceRecord(models.Model):
    """One national-identity sign-in: which assurance level the provider vouched for, and when."""

    identity = models.ForeignKey(
        NationalIdentity, on_delete=models.CASCADE, related_name="assurance_records"
    )
    acr = models.CharField(_("mức xác thực (acr)"), max_length=100, blank=True)
    assurance_level = models.PositiveSmallIntegerField(
        _("mức độ định danh"), choices=AssuranceLevel.choices
    )
    asserted_at = models.DateTimeField(_("xác thực lúc"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-asserted_at"]
        verbose_name = _("lần xác thực định danh")
        verbose_name_plural = _("lần xác thực định danh")

    def __str__(self) -> str:
        return f"{self.identity} · {self.get_assurance_level_display()}"


class Mandate(BaseModel):
    """Who acts for whom (a relative, a community helper), for which procedures, and when."""

    principal = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="mandates_given",
        verbose_name=_("người ủy quyền"),
    )
    agent = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="mandates_received",
        verbose_name=_("người được ủy quyền"),
    )
    # Scope: the procedures and the fields (lĩnh vực) it covers; both empty: every procedure.
    procedure_codes = models.JSONField(_("mã thủ tục"), default=list, blank=True)
    field_codes = models.JSONField(_("mã lĩnh vực"), default=list, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), default=timezone.localdate)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=MandateStatus.choices,
        default=MandateStatus.PENDING_CONSENT,
        db_index=True,
    )
    consent_method = models.CharField(
        _("cách ghi nhận đồng ý"), max_length=20, choices=ConsentMethod.choices
    )
    consent_document = models.FileField(
        _("giấy ủy quyền đã ký (bản quét)"), upload_to="mandates/%Y/%m/", blank=True
    )
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consented_at = models.DateTimeField(_("đồng ý lúc"), null=True, blank=True)
    # Where the SMS code of a `sms_code` consent was sent.
    consent_phone = models.CharField(_("số điện thoại nhận mã xác nhận"), max_length=20, blank=True)
    # The agent's side of the consent: they accepted an offer, or they asked themselves.
    agent_accepted_at = models.DateTimeField(
        _("người được ủy quyền nhận lúc"), null=True, blank=True
    )
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("ủy quyền")
        verbose_name_plural = _("ủy quyền")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(principal=models.F("agent")), name="mandate_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="mandate_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} → {self.principal}"


class PrivacyRequest(BaseModel):
    """A data subject's request to correct or delete personal data (Law 91/2025, Decree 356/2025)."""

    user = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="privacy_requests"
    )
    kind = models.CharField(_("loại yêu cầu"), max_length=20, choices=PrivacyRequestKind.choices)
    details = models.TextField(_("nội dung yêu cầu"), max_length=4000)
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=PrivacyRequestStatus.choices,
        default=PrivacyRequestStatus.RECEIVED,
        db_index=True,
    )
    received_at = models.DateTimeField(_("tiếp nhận lúc"), default=timezone.now)
    due_at = models.DateTimeField(_("hạn xử lý"), db_index=True)
    handled_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    resolution = models.TextField(_("kết quả xử lý"), blank=True)

    class Meta:
        ordering = ["due_at", "received_at"]
        verbose_name = _("yêu cầu về dữ liệu cá nhân")
        verbose_name_plural = _("yêu cầu về dữ liệu cá nhân")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.received_at:%d/%m/%Y}"
