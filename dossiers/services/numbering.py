"""Numbers from the agency's registers (ADR 0276): "Số" of every form and result from the
outgoing book, "Quyển số / Số thứ tự" of the receipt from the reception book. One register per
agency, year and book; a number is taken once per `reference` (idempotent) under the register's
row lock, so concurrent issuances never share a number and a retried one gets its own back."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from dossiers.models import Dossier, IssuedNumber, NumberRegister
from dossiers.numbering_models import number_text
from dossiers.workflow import TransitionNotAllowed


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


# "21/TB-STP", "021/QĐ-UBND", "21": the number in the book is the leading integer; the rest is the
# document's symbol (ký hiệu), which does not take part in the book's sequence (NĐ 30/2020 Art. 15).
_TYPED_NUMBER = re.compile(r"^\s*0*(\d{1,7})(?!\d)")


def typed_number_value(text: str) -> int | None:
    """The book number in a number typed by staff, or None when it does not start with one."""
    match = _TYPED_NUMBER.match(text)
    if match is None or int(match.group(1)) == 0:
        return None
    return int(match.group(1))


@transaction.atomic
def number_record(
    *,
    agency: Agency,
    book: str,
    reference: str,
    text: str,
    dossier: Dossier | None = None,
    at: dt.datetime | None = None,
) -> TakenNumber:
    """Record a number typed by staff (the records clerk numbering a result by hand) in
    `agency`'s `book` for the year of `at`, so the book holds every number given (ADR 0321).

    Refused (TransitionNotAllowed, with the reason) when the text does not start with a number,
    when that number is already given in the book to something else, or when `reference`
    already holds another number. The same number again for the same reference is a retry and
    is accepted. The book continues after the highest number it holds, typed or taken."""
    number = typed_number_value(text)
    if number is None:
        raise TransitionNotAllowed(
            _(
                "Số văn bản phải bắt đầu bằng số thứ tự trong sổ văn bản đi (ví dụ 21/TB-STP), "
                "hoặc để trống để lấy số tiếp theo."
            ),
            code="number_invalid",
        )
    year = timezone.localtime(at or timezone.now()).year
    NumberRegister.objects.bulk_create(
        [NumberRegister(agency=agency, year=year, book=book)], ignore_conflicts=True
    )
    register = NumberRegister.objects.select_for_update().get(agency=agency, year=year, book=book)
    earlier = IssuedNumber.objects.select_related("register").filter(reference=reference).first()
    if earlier is not None:
        if earlier.register_id == register.pk and earlier.number == number:
            return TakenNumber(number, year)
        raise TransitionNotAllowed(
            _("Văn bản này đã được cấp số %(number)s trong sổ; không cấp số thứ hai.")
            % {"number": number_text(earlier.number, earlier.register.year)},
            code="number_already_given",
        )
    holder = (
        IssuedNumber.objects.select_related("dossier")
        .filter(register=register, number=number)
        .first()
    )
    if holder is not None:
        raise TransitionNotAllowed(
            _(
                "Số %(number)s đã được cấp trong sổ văn bản đi năm %(year)s của cơ quan"
                "%(owner)s. Nhập số khác, hoặc để trống để lấy số tiếp theo (%(next)s)."
            )
            % {
                "number": number,
                "year": year,
                "owner": (
                    _(" (hồ sơ %(code)s)") % {"code": holder.dossier.code}
                    if holder.dossier is not None and holder.dossier.code
                    else ""
                ),
                "next": number_text(_next_free(register), year),
            },
            code="number_taken",
        )
    IssuedNumber.objects.create(
        register=register, number=number, reference=reference, dossier=dossier
    )
    if number > register.last_number:
        register.last_number = number
        register.save(update_fields=["last_number"])
    return TakenNumber(number, year)


def _next_free(register: NumberRegister) -> int:
    return register.last_number + 1
