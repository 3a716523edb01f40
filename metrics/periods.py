"""Reporting periods: a month, a quarter, a year or custom dates, as local half-open intervals
[start, end) in Asia/Ho_Chi_Minh (the index counts by local reception date)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from metrics.constants import PeriodKind


@dataclass(frozen=True)
class Period:
    kind: str
    first_day: dt.date
    last_day: dt.date  # inclusive

    @property
    def start(self) -> dt.datetime:
        return _local_midnight(self.first_day)

    @property
    def end(self) -> dt.datetime:
        """Exclusive end: midnight after the last day."""
        return _local_midnight(self.last_day + dt.timedelta(days=1))

    def evaluation_instant(self, now: dt.datetime | None = None) -> dt.datetime:
        """Dossiers still open are judged at the period end, or now for the running period."""
        now = now or timezone.now()
        return min(self.end, now)

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return _("Tháng %(m)02d/%(y)d") % {"m": self.first_day.month, "y": self.first_day.year}
        if self.kind == PeriodKind.QUARTER:
            return _("Quý %(q)d/%(y)d") % {
                "q": (self.first_day.month - 1) // 3 + 1,
                "y": self.first_day.year,
            }
        if self.kind == PeriodKind.YEAR:
            return _("Năm %(y)d") % {"y": self.first_day.year}
        return f"{self.first_day:%d/%m/%Y} – {self.last_day:%d/%m/%Y}"

    def as_params(self) -> dict[str, str]:
        """Query-string parameters that `period_from_params` reads back."""
        if self.kind == PeriodKind.CUSTOM:
            return {
                "ky": self.kind,
                "tu": self.first_day.isoformat(),
                "den": self.last_day.isoformat(),
            }
        params = {"ky": self.kind, "nam": str(self.first_day.year)}
        if self.kind == PeriodKind.MONTH:
            params["thang"] = str(self.first_day.month)
        if self.kind == PeriodKind.QUARTER:
            params["quy"] = str((self.first_day.month - 1) // 3 + 1)
        return params

    def trend(self) -> list[Period]:
        """The months of the period (for trend lines); a custom period gives its days' months."""
        months = []
        day = self.first_day.replace(day=1)
        while day <= self.last_day:
            months.append(month(day.year, day.month))
            day = (day + dt.timedelta(days=32)).replace(day=1)
        return months


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone()
    )


def month(year: int, m: int) -> Period:
    first = dt.date(year, m, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return Period(PeriodKind.MONTH, first, last)


def quarter(year: int, q: int) -> Period:
    if not 1 <= q <= 4:
        raise ValueError("quarter must be 1-4")
    first = dt.date(year, 3 * (q - 1) + 1, 1)
    last = month(year, 3 * q).last_day
    return Period(PeriodKind.QUARTER, first, last)


def year(y: int) -> Period:
    return Period(PeriodKind.YEAR, dt.date(y, 1, 1), dt.date(y, 12, 31))


def custom(first_day: dt.date, last_day: dt.date) -> Period:
    if last_day < first_day:
        raise ValueError("the period ends before it starts")
    return Period(PeriodKind.CUSTOM, first_day, last_day)


def period_from_params(params, today: dt.date | None = None) -> Period:
    """Reads `ky` (month/quarter/year/custom) and its fields; bad input falls back to this year."""
    today = today or timezone.localdate()
    kind = params.get("ky") or PeriodKind.YEAR
    try:
        y = int(params.get("nam") or today.year)
        if not 2000 <= y <= 2100:
            raise ValueError
        if kind == PeriodKind.MONTH:
            return month(y, int(params.get("thang") or today.month))
        if kind == PeriodKind.QUARTER:
            return quarter(y, int(params.get("quy") or (today.month - 1) // 3 + 1))
        if kind == PeriodKind.CUSTOM:
            first = dt.date.fromisoformat(params.get("tu", ""))
            last = dt.date.fromisoformat(params.get("den", ""))
            if (last - first).days > 3660:
                raise ValueError
            return custom(first, last)
        return year(y)
    except (TypeError, ValueError):
        return year(today.year)
