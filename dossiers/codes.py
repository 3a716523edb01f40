"""The dossier code (mã số hồ sơ), NĐ 118/2025 Art. 28 and regulation-spec §7 (ADR 0073).

Art. 28: (a) the electronic identifier of the competent agency — for an inter-agency (liên
thông) dossier, the receiving one-stop unit's identifier when submitted in person, the National
Portal's when submitted online; (b) the reception date and the sequence number of the dossier
received that day. TT 03/2025 has not been found, so the layout is §7.3's default,
`<identifier>-<YYMMDD>-<NNNN>`, kept behind `dossier_code_format` so the official layout can
replace it in one place.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dossiers.constants import is_online
from dossiers.models import DossierCodeCounter

if TYPE_CHECKING:
    from dossiers.models import Dossier

SEQUENCE_DIGITS = 4
CODE_PATTERN = re.compile(r"^(?P<prefix>[0-9A-Za-z.]+)-(?P<day>\d{6})-(?P<seq>\d{4,})$")


def dossier_code_format(*, prefix: str, day: dt.date, sequence: int) -> str:
    """The one place the layout lives. More than 9,999 a day widens the number, never wraps."""
    return f"{prefix}-{day:%y%m%d}-{sequence:0{SEQUENCE_DIGITS}d}"


def dossier_code_prefix(dossier: Dossier) -> str:
    """Art. 28.a: whose identifier heads the code."""
    if dossier.is_interagency:
        if is_online(dossier.channel):
            return settings.DOSSIER_CODE_NATIONAL_PORTAL_IDENTIFIER
        agency = dossier.receiving_agency
    else:
        agency = dossier.competent_agency
    if agency is None:
        raise ValueError("a dossier needs its agencies before it gets a code")
    return agency.code


# No savepoint inside a caller's transaction (two round trips a submission, ADR 0340): nothing
# here fails in a way a caller could catch and carry on from.
@transaction.atomic(savepoint=False)
def next_sequence(*, prefix: str, day: dt.date) -> int:
    """The next number for `prefix` on `day`: no gaps, no duplicates, under concurrency.

    The counter row is created if missing (a conflicting insert by another transaction is
    ignored), then locked with SELECT … FOR UPDATE: a concurrent caller waits until this
    transaction commits or rolls back, so a rolled-back submission gives its number back.
    """
    DossierCodeCounter.objects.bulk_create(
        [DossierCodeCounter(prefix=prefix, day=day, last_value=0)], ignore_conflicts=True
    )
    counter = DossierCodeCounter.objects.select_for_update().get(prefix=prefix, day=day)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return counter.last_value


def dossier_code_issue(*, dossier: Dossier, at: dt.datetime | None = None) -> str:
    """A new code for `dossier`, dated by its reception (`at`, local date in Asia/Ho_Chi_Minh)."""
    moment = at or timezone.now()
    day = timezone.localtime(moment).date()
    prefix = dossier_code_prefix(dossier)
    return dossier_code_format(
        prefix=prefix, day=day, sequence=next_sequence(prefix=prefix, day=day)
    )
