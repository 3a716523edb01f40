"""Numbers from the agency's registers (ADR 0276): "Số" of every form and result from the
outgoing book, "Quyển số / Số thứ tự" of the receipt from the reception book. One register per
agency, year and book; a number is taken once per `reference` (idempotent) under the register's
row lock, so concurrent issuances never share a number and a retried one gets its own back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from dossiers.models import Dossier, IssuedNumber, NumberRegister
from dossiers.numbering_models import number_text


@dataclass(frozen=True)
class TakenNumber:
    number: int
    year: int

    @property
    def text(self) -> str:
        return number_text(self.number, self.year)


@transaction.atomic
def number_take(
    *,
    agency: Agency,
    book: str,
    reference: str,
    dossier: Dossier | None = None,
    at: dt.datetime | None = None,
) -> TakenNumber:
    """The number of `reference` in `agency`'s `book` for the year of `at` (taken now if new)."""
    earlier = IssuedNumber.objects.select_related("register").filter(reference=reference).first()
    if earlier is not None:
        return TakenNumber(earlier.number, earlier.register.year)
    year = timezone.localtime(at or timezone.now()).year
    NumberRegister.objects.bulk_create(
        [NumberRegister(agency=agency, year=year, book=book)], ignore_conflicts=True
    )
    register = NumberRegister.objects.select_for_update().get(agency=agency, year=year, book=book)
    # Under the register's lock: a racing taker of the same reference waited, and finds it now.
    earlier = IssuedNumber.objects.filter(reference=reference).first()
    if earlier is not None:
        return TakenNumber(earlier.number, year)
    register.last_number += 1
    register.save(update_fields=["last_number"])
    IssuedNumber.objects.create(
        register=register, number=register.last_number, reference=reference, dossier=dossier
    )
    return TakenNumber(register.last_number, year)
