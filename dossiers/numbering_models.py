"""The agency's registers of outgoing numbers (issue #20, ADR 0276): "Số" of every form and
result, and the reception book's "Quyển số / Số thứ tự" of the receipt (Mẫu 01). Imported by
`dossiers.models` (Django finds the models there)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def number_text(number: int, year: int) -> str:
    """ "07/2026": the number (two digits at least, as NĐ 30/2020 writes "01") and the year of its
    register, since numbering starts again every 1 January."""
    return f"{number:02d}/{year}"


class RegisterBook(models.TextChoices):
    # Sổ văn bản đi: one sequence a year for everything the agency issues (NĐ 30/2020 Art. 15:
    # numbers run from 01 on 1 January to 31 December).
    OUTGOING = "outgoing", _("Sổ văn bản đi")
    # Sổ theo dõi hồ sơ (Mẫu 07): the receipt's "Quyển số, Số thứ tự".
    RECEPTION = "reception", _("Sổ theo dõi hồ sơ")


class NumberRegister(models.Model):
    """One book of one agency for one year, and the last number it gave."""

    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="number_registers",
        verbose_name=_("cơ quan"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    book = models.CharField(_("sổ"), max_length=16, choices=RegisterBook.choices)
    last_number = models.PositiveIntegerField(_("số cuối"), default=0)

    class Meta:
        verbose_name = _("sổ cấp số")
        verbose_name_plural = _("sổ cấp số")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "book"], name="one_register_per_agency_year_book"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} {self.book}: {self.last_number}"


class IssuedNumber(models.Model):
    """A number given once for one thing (`reference`, e.g. a form of an event): taking it again
    for the same thing returns the same number, so a retried issuance leaves no gap."""

    register = models.ForeignKey(
        NumberRegister, on_delete=models.PROTECT, related_name="numbers", verbose_name=_("sổ")
    )
    number = models.PositiveIntegerField(_("số"))
    reference = models.CharField(_("cấp cho"), max_length=80, unique=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_numbers",
        verbose_name=_("hồ sơ"),
    )
    issued_at = models.DateTimeField(_("cấp lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("số đã cấp")
        verbose_name_plural = _("số đã cấp")
        constraints = [
            models.UniqueConstraint(fields=["register", "number"], name="one_number_per_register")
        ]

    def __str__(self) -> str:
        return f"{self.register} #{self.number}"
