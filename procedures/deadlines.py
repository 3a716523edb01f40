"""From the catalogue's published time to the terms a dossier's due date is computed with.

The national catalogue states a processing time per channel as a number and a unit, and often
leaves the unit out (861 channel rows: khai sinh 1.001193 shows "1") or the number too. A dossier
must still get a due date, so each case follows one explicit rule (`DueRule`, ADR 0252) that a
reviewer can check against the procedure's text; `manage.py procedures_deadline_report` lists
every procedure that does not simply follow its published time:

* PUBLISHED — number and unit as published (fractions too: "1,5 Ngày làm việc").
* SAME_DAY — no unit (or no number), at most one day, and the procedure's own text states the
  15:00 rule ("nếu tiếp nhận hồ sơ sau 15 giờ thì … trong ngày làm việc tiếp theo"): the result is
  due at the end of the day of reception, or of the next working day after the cut-off.
* UNIT_ASSUMED — a number without a unit: read as working days, the unit of most rows of the
  catalogue (4,155 of the 5,883 rows that state one) and the one NĐ 118 counts its own periods in.
* NONE — no number on any channel and no same-day text: no due date; the reception officer sets
  the appointment by hand, and the report lists the procedure.

Pure functions over the procedure's rows: no database access beyond the prefetched channels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from procedures.constants import DueRule, TimeUnit

# A procedure with no channel preference tries these in order.
ONLINE_FIRST = ("online", "in_person", "postal")
COUNTER_FIRST = ("in_person", "online", "postal")
SAME_DAY_AT_MOST = Decimal(1)


@dataclass(frozen=True)
class DueTerms:
    value: Decimal | None
    unit: str  # a `TimeUnit` value other than UNKNOWN, or "" with DueRule.NONE
    cutoff: dt.time | None
    rule: str
    channel: str = ""

    @property
    def has_due_date(self) -> bool:
        return self.rule != DueRule.NONE


def channel_due_terms(
    *, time_value: Decimal | None, time_unit: str, cutoff: dt.time | None, channel: str = ""
) -> DueTerms:
    """The rule that applies to one channel row (see the module docstring)."""
    known_unit = bool(time_unit) and time_unit != TimeUnit.UNKNOWN
    if time_value is not None and known_unit:
        return DueTerms(time_value, time_unit, cutoff, DueRule.PUBLISHED, channel)
    if cutoff is not None and (time_value is None or time_value <= SAME_DAY_AT_MOST):
        return DueTerms(Decimal(0), TimeUnit.WORKING_DAY, cutoff, DueRule.SAME_DAY, channel)
    if time_value is not None:
        return DueTerms(time_value, TimeUnit.WORKING_DAY, cutoff, DueRule.UNIT_ASSUMED, channel)
    return DueTerms(None, "", cutoff, DueRule.NONE, channel)


def procedure_due_terms(procedure: Any, *, order: Iterable[str] = ONLINE_FIRST) -> DueTerms:
    """The terms of the first channel in `order` that gives a due date (NONE if none does)."""
    by_channel = {row.channel: row for row in procedure.channels.all()}
    cutoff = procedure.receipt_cutoff
    first: DueTerms | None = None
    for channel in order:
        row = by_channel.get(channel)
        if row is None:
            continue
        terms = channel_due_terms(
            time_value=row.time_value, time_unit=row.time_unit, cutoff=cutoff, channel=channel
        )
        if terms.has_due_date:
            return terms
        first = first or terms
    if first is None and cutoff is not None:
        # No channel rows at all, but the text states the same-day rule.
        return channel_due_terms(time_value=None, time_unit="", cutoff=cutoff)
    return first or DueTerms(None, "", cutoff, DueRule.NONE)
