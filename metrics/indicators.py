"""The QĐ 766 formulas (regulation-spec §11.1) as pure functions of counters.

Every share is numerator ÷ denominator rounded to 2 decimals of a percent; a zero denominator is
N/A (`Value.ratio is None`), never 0% or 100%. Group scores are out of 18/20/22/22/18: the point
values of single indicators were not published (§11 [U]), so a group scores its maximum times the
mean of its available indicators' attainment (share ÷ the "full points at" threshold, capped at 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext

from metrics.constants import GROUP_MAX_POINTS, INDICATOR_BY_CODE, INDICATORS, Group

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Value:
    code: str
    numerator: Decimal | int | None
    denominator: Decimal | int | None
    ratio: Decimal | None  # 0..1, or None for N/A
    note: str = ""
    # For 2.2 the value is a duration (working days), not a share.
    amount: Decimal | None = None
    # For 5.1 the value is a count per category (code → count), not a share.
    breakdown: tuple[tuple[str, int], ...] | None = None

    @property
    def is_na(self) -> bool:
        return self.ratio is None and self.amount is None and self.breakdown is None

    @property
    def percent(self) -> Decimal | None:
        if self.ratio is None:
            return None
        return (self.ratio * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def display(self) -> str:
        if self.breakdown is not None:
            return str(sum(n for _, n in self.breakdown))
        if self.amount is not None:
            return f"{self.amount:.2f}".replace(".", ",")
        if self.ratio is None:
            return "N/A"
        return f"{self.percent:.2f}%".replace(".", ",")

    @property
    def spec(self):
        return INDICATOR_BY_CODE.get(self.code)

    def attainment(self) -> Decimal | None:
        """Share of the indicator's points earned: ratio ÷ its full-points threshold, ≤ 1."""
        spec = self.spec
        if self.ratio is None or spec is None or not spec.is_share:
            return None
        full_at = spec.full_at or Decimal(1)
        return min(Decimal(1), self.ratio / full_at)


def share(code: str, numerator: Any, denominator: Any, note: str = "") -> Value:
    """numerator ÷ denominator; N/A when the denominator is zero or unknown."""
    if numerator is None or not denominator:
        return Value(code, numerator, denominator, None, note)
    ratio = Decimal(numerator) / Decimal(denominator)
    return Value(
        code, numerator, denominator, ratio.quantize(Decimal("0.0001"), ROUND_HALF_UP), note
    )


def _na(code: str, note: str) -> Value:
    return Value(code, None, None, None, note)


@dataclass
class Inputs:
    """Everything the formulas read, already counted for one scope and period."""

    counts: Mapping[str, Any]
    sync: Value | None = None  # indicator 1.4, if the integrations app provides it
    catalogue: Mapping[str, int] = field(default_factory=dict)
    online_services: tuple[int, int] | None = None  # 3.2: (with dossiers, all online services)
    helpdesk: Mapping[str, Any] | None = None  # 5.1 / 5.2 / 5.3 counts
    transparency: Mapping[str, int] | None = None  # 1.1–1.3 (metrics.selectors)


def compute(inputs: Inputs) -> dict[str, Value]:
    """All indicators of §11.1 this system can compute, keyed by code."""
    c = inputs.counts
    get = lambda key: c.get(key, 0)  # noqa: E731
    received = get("received")
    out: dict[str, Value] = {}

    # 1.1–1.3 — publication of the province's procedures (metrics.transparency).
    tr = inputs.transparency
    if tr is None:
        for code in ("1.1", "1.2", "1.3"):
            out[code] = _na(code, "")
    else:
        out["1.1"] = share("1.1", tr.get("published_on_time"), tr.get("published"))
        out["1.2"] = share("1.2", tr.get("publicised_on_time"), tr.get("published"))
        out["1.3"] = share("1.3", tr.get("complete"), tr.get("current"))
    out["1.4"] = inputs.sync or _na("1.4", gettext("Chưa có dữ liệu đồng bộ"))

    # 2.1 — on time, with the supplement rules (metrics.facts.is_on_time), over the dossiers
    # received in the period and those carried over from earlier and ended in it.
    out["2.1"] = share("2.1", get("on_time") + get("carried_on_time"), received + get("carried"))
    # 2.2 — mean processing time of completed dossiers, in working days.
    n = get("completed_wd_n")
    if n:
        mean = (Decimal(get("completed_wd_sum")) / n).quantize(Decimal("0.01"), ROUND_HALF_UP)
        out["2.2"] = Value("2.2", get("completed_wd_sum"), n, None, amount=mean)
    else:
        out["2.2"] = _na("2.2", "")

    cat = inputs.catalogue
    out["3.1"] = share("3.1", cat.get("online"), cat.get("procedures"))
    if inputs.online_services is None:
        out["3.2"] = _na("3.2", "")
    else:
        out["3.2"] = share("3.2", *inputs.online_services)
    # 3.3 — online dossiers that got their electronic result ÷ all × the sync rate.
    base = share("3.3", get("online_e_result"), received)
    if base.ratio is not None and inputs.sync is not None and inputs.sync.ratio is not None:
        out["3.3"] = Value(
            "3.3",
            base.numerator,
            base.denominator,
            (base.ratio * inputs.sync.ratio).quantize(Decimal("0.0001"), ROUND_HALF_UP),
        )
    else:
        out["3.3"] = Value(
            "3.3",
            base.numerator,
            base.denominator,
            base.ratio,
            "" if base.ratio is None else gettext("Chưa nhân tỷ lệ đồng bộ (chưa có dữ liệu 1.4)"),
        )
    out["3.3.counter"] = share("3.3.counter", get("counter"), received)
    out["3.3.postal"] = share("3.3.postal", get("postal"), received)
    out["3.5"] = share("3.5", cat.get("fee_online"), cat.get("fee_bearing"))
    out["3.6"] = share("3.6", get("paid_online"), get("fee_bearing"))

    out["4.1"] = share("4.1", get("e_result"), get("result_expected"))
    out["4.2"] = share("4.2", get("digitised"), received)
    out["4.3"] = share("4.3", get("reused"), received)
    out["4.4"] = share("4.4", get("from_store"), received)
    out["4.5"] = share("4.5", get("vneid"), get("individual"))

    hd = inputs.helpdesk
    if hd is None:
        out["5.1"] = _na("5.1", "")
        out["5.2"] = _na("5.2", "")
        out["5.3"] = _na("5.3", "")
    else:
        # 5.1 — complaints and recommendations (PAKN) received, by category: a count, not scored.
        categories = tuple(sorted((hd.get("by_category") or {}).items()))
        total_reports = sum(n for _, n in categories)
        out["5.1"] = Value("5.1", total_reports, None, None, breakdown=categories)
        out["5.2"] = share("5.2", hd.get("closed_on_time"), hd.get("closed"))
        total = hd.get("total", 0)
        out["5.3"] = share("5.3", total - hd.get("unhappy", 0), total)
    # 5.4 — 100% − (late-dossier rate + rate of dossiers with a complaint or a "dislike").
    # Without a single rating or complaint nothing says how satisfied anyone was: N/A, not 100 %.
    if received and (get("rated") or get("disliked")):
        late = Decimal(received - get("on_time")) / received
        disliked = Decimal(get("disliked")) / received
        ratio = max(Decimal(0), Decimal(1) - late - disliked).quantize(Decimal("0.0001"))
        out["5.4"] = Value("5.4", max(0, get("on_time") - get("disliked")), received, ratio)
    elif received:
        out["5.4"] = _na("5.4", gettext("Chưa có đánh giá hay phản ánh nào về hồ sơ trong kỳ"))
    else:
        out["5.4"] = _na("5.4", "")

    # The plan's own measures.
    out["plan.online_full"] = share(
        "plan.online_full", cat.get("online_full"), cat.get("procedures")
    )
    out["plan.online_share"] = share("plan.online_share", get("online"), received)
    out["plan.civil_servant_online"] = share(
        "plan.civil_servant_online", get("civil_servant_online"), get("civil_servant")
    )
    return out


@dataclass(frozen=True)
class GroupScore:
    group: str
    max_points: int
    points: Decimal | None  # None: no indicator of the group could be computed
    indicators: tuple[str, ...]

    @property
    def label(self) -> str:
        return str(Group(self.group).label)

    @property
    def display(self) -> str:
        if self.points is None:
            return "N/A"
        return f"{self.points:.2f}".replace(".", ",") + f"/{self.max_points}"


def group_scores(values: Mapping[str, Value]) -> list[GroupScore]:
    scores = []
    for group in Group:
        codes = tuple(s.code for s in INDICATORS if s.group == group and s.is_share)
        attained = [
            a for a in (values[c].attainment() for c in codes if c in values) if a is not None
        ]
        points = None
        if attained:
            mean = sum(attained, Decimal(0)) / len(attained)
            points = (mean * GROUP_MAX_POINTS[group]).quantize(Decimal("0.01"), ROUND_HALF_UP)
        scores.append(GroupScore(group, GROUP_MAX_POINTS[group], points, codes))
    return scores


def total_score(scores: Iterable[GroupScore]) -> Decimal | None:
    """Sum of the groups that could be scored (None when none could)."""
    known = [s.points for s in scores if s.points is not None]
    return sum(known, Decimal(0)) if known else None
