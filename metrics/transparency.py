"""QĐ 766 group 1 (công khai, minh bạch), indicators 1.1–1.3, as pure rules over catalogue rows.

From the VPCP description of the formulas (regulation-spec §11.1, [S]), for a province:

* 1.1 — a procedure is published on time when the Chairman's publication decision is dated at
  least 5 working days before the legal text it implements takes effect;
* 1.2 — it is made public on the national TTHC database on time when that happens at the latest
  5 working days after the publication decision;
* 1.3 — it is complete when the published record has its 7 parts (NĐ 63/2010 Art. 8.2): name,
  steps, method, documents and their number, deadline, applicant, agency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

# Provinces (ministries have 20 and 10).
PUBLICATION_LEAD_WORKING_DAYS = 5
PUBLICISING_WORKING_DAYS = 5


def working_days_before(calendar: Any, day: dt.date, n: int) -> dt.date:
    """The working day `n` working days before `day` (the day itself not counted)."""
    for _ in range(n):
        day -= dt.timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
    return day


def working_days_after(calendar: Any, day: dt.date, n: int) -> dt.date:
    """Day n of a period of `n` working days from `day` (Civil Code Art. 147: day 1 is the next)."""
    for _ in range(n):
        day = calendar.next_working_day(day)
    return day


def published_on_time(*, decided_on: dt.date, effective_on: dt.date | None, calendar: Any) -> bool:
    """1.1: decision date ≤ the legal basis's effective date − 5 working days. A procedure whose
    effective date was not entered cannot be shown on time."""
    if effective_on is None:
        return False
    deadline = working_days_before(calendar, effective_on, PUBLICATION_LEAD_WORKING_DAYS)
    return decided_on <= deadline


def publicised_on_time(
    *, decided_on: dt.date, publicised_on: dt.date | None, calendar: Any
) -> bool:
    """1.2: made public on the national database ≤ decision date + 5 working days."""
    if publicised_on is None:
        return False
    return publicised_on <= working_days_after(calendar, decided_on, PUBLICISING_WORKING_DAYS)


@dataclass(frozen=True)
class PublishedParts:
    name: bool
    steps: bool
    method: bool
    documents: bool
    deadline: bool
    applicants: bool
    agency: bool

    @property
    def complete(self) -> bool:
        return all(
            (
                self.name,
                self.steps,
                self.method,
                self.documents,
                self.deadline,
                self.applicants,
                self.agency,
            )
        )
