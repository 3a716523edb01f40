"""The citizen's confirmation, with their national identity, of a dossier an officer files online
for them at the counter (ADR 0306). Imported by `dossiers.models` (Django finds the models there).

The other way to confirm, a code by SMS, is a `notifications.PhoneCode` (ADR 0291).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdentityConfirmation(models.Model):
    """The applicant signed in with the national identity on the counter device, their verified
    ID number matched the dossier's, and so they agreed to its submission."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="identity_confirmations"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cán bộ tiếp nhận"),
    )
    # Who the provider said signed in (its subject), not their ID number: the dossier holds that.
    issuer = models.CharField(_("nhà cung cấp định danh"), max_length=255)
    subject = models.CharField(_("mã định danh tại nhà cung cấp"), max_length=255)
    acr = models.CharField(_("mức xác thực (acr)"), max_length=64, blank=True)
    # The verified ID number, which must still be the applicant's when the dossier is submitted.
    id_number = models.CharField(_("số định danh cá nhân"), max_length=12)
    authenticated_at = models.DateTimeField(_("đăng nhập lúc"))
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("xác nhận bằng định danh điện tử")
        verbose_name_plural = _("xác nhận bằng định danh điện tử")
        ordering = ["-confirmed_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.confirmed_at:%d/%m/%Y %H:%M}"
