from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import BaseModel
from documents.constants import (
    DocumentSource,
    OwnerKind,
    SignerKind,
    UseKind,
)


class StoredDocument(BaseModel):
    """One file the system holds, in a person's or an organisation's e-data store (kho dữ liệu).

    The file lives in the default storage under a random name; it is only ever served by a view
    that checks who asks. `sha256` is of the stored bytes, so verification can tell whether a PDF
    is exactly the one the system issued.
    """

    owner_kind = models.CharField(_("loại chủ sở hữu"), max_length=16, choices=OwnerKind.choices)
    # Số định danh cá nhân or mã số thuế; may be empty for a person who has not given it yet.
    owner_code = models.CharField(_("mã chủ sở hữu"), max_length=14, blank=True, db_index=True)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="stored_documents",
    )
    owner_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="stored_documents",
    )
    doc_type_code = models.CharField(_("mã loại giấy tờ"), max_length=32, blank=True)
    document_code = models.CharField(_("mã số giấy tờ"), max_length=64, blank=True, db_index=True)
    title = models.CharField(_("tên giấy tờ"), max_length=255)
    summary = models.TextField(_("trích yếu"), blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    valid_scope = models.CharField(_("phạm vi hiệu lực"), max_length=255, blank=True)

    file = models.FileField(_("tệp"), max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    content_type = models.CharField(_("kiểu nội dung"), max_length=64)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)

    source = models.CharField(_("nguồn"), max_length=16, choices=DocumentSource.choices)
    signer_kind = models.CharField(
        _("người ký"), max_length=16, choices=SignerKind.choices, default=SignerKind.NONE
    )
    signer_name = models.CharField(_("tên người ký"), max_length=255, blank=True)
    signer_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("ký lúc"), null=True, blank=True)
    # True when these exact bytes were produced by the system (rendered and/or signed here).
    issued_by_system = models.BooleanField(_("do hệ thống phát hành"), default=False)
    dossier_reference = models.CharField(_("mã hồ sơ"), max_length=64, blank=True)
    template_code = models.CharField(_("mẫu"), max_length=64, blank=True)
    template_version = models.PositiveSmallIntegerField(_("phiên bản mẫu"), null=True, blank=True)
    derived_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derivatives",
        verbose_name=_("tạo từ"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("giấy tờ lưu trữ")
        verbose_name_plural = _("giấy tờ lưu trữ")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        owner_kind=OwnerKind.PERSON,
                        owner_user__isnull=False,
                        owner_organisation__isnull=True,
                    )
                    | models.Q(
                        owner_kind=OwnerKind.ORGANISATION,
                        owner_user__isnull=True,
                        owner_organisation__isnull=False,
                    )
                ),
                name="stored_document_one_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="stored_document_valid_range",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=DocumentSource.values),
                name="stored_document_source_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(signer_kind__in=SignerKind.values),
                name="stored_document_signer_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def is_locked(self) -> bool:
        return self.uses.filter(locked=True).exists()


class DocumentUse(BaseModel):
    """Where a stored document has been used, e.g. as a component of a dossier.

    The dossier model lives in a higher app, so the reference is generic (kind + code). A locked
    use (a submitted dossier) forbids deleting the document.
    """

    document = models.ForeignKey(StoredDocument, on_delete=models.CASCADE, related_name="uses")
    kind = models.CharField(_("loại sử dụng"), max_length=16, choices=UseKind.choices)
    reference = models.CharField(_("mã tham chiếu"), max_length=64)
    label = models.CharField(_("mô tả"), max_length=255, blank=True)
    locked = models.BooleanField(_("đã khóa"), default=False)

    class Meta:
        verbose_name = _("lần sử dụng giấy tờ")
        verbose_name_plural = _("lần sử dụng giấy tờ")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "kind", "reference"], name="document_use_once_per_reference"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.kind}:{self.reference}"


class RemoteSigningCredential(BaseModel):
    """A software key held by the local remote-signing simulator (CSC API), one per signer.

    Only the simulator reads this table; the portal reaches it over HTTP like any real CSC
    service, so swapping in a commercial provider changes settings, not code.
    """

    user_ref = models.CharField(_("mã người dùng"), max_length=64, db_index=True)
    credential_id = models.CharField(_("mã chứng thư"), max_length=64, unique=True)
    private_key_pem = models.TextField()
    certificate_pem = models.TextField()

    class Meta:
        verbose_name = _("chứng thư ký từ xa (mô phỏng)")
        verbose_name_plural = _("chứng thư ký từ xa (mô phỏng)")

    def __str__(self) -> str:
        return f"{self.user_ref} / {self.credential_id}"


class RemoteSigningOtp(BaseModel):
    """A one-time code the simulator 'sent' to the signer; one code authorises one signature."""

    credential = models.ForeignKey(
        RemoteSigningCredential, on_delete=models.CASCADE, related_name="otps"
    )
    code = models.CharField(max_length=8)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # The Signature Activation Data issued against this code (CSC credentials/authorize).
    sad = models.CharField(max_length=64, blank=True, db_index=True)
    # The document hashes the SAD was issued for (CSC SCAL2: the code authorises these only).
    hashes = models.JSONField(default=list, blank=True)
    sad_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã OTP ký từ xa (mô phỏng)")
        verbose_name_plural = _("mã OTP ký từ xa (mô phỏng)")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"OTP {self.credential_id} {self.created_at:%H:%M:%S}"
