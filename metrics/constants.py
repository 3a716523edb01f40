"""The QĐ 766/QĐ-TTg indicators this app computes, their groups and the plan's targets
(regulation-spec §11; issue #11). Labels are Vietnamese source strings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Group(models.TextChoices):
    """The five groups of the index and (below) their maximum points (§11)."""

    TRANSPARENCY = "1", _("Công khai, minh bạch")
    PROGRESS = "2", _("Tiến độ, kết quả giải quyết")
    ONLINE = "3", _("Cung cấp dịch vụ trực tuyến")
    DIGITISATION = "4", _("Số hóa hồ sơ")
    SATISFACTION = "5", _("Mức độ hài lòng")


GROUP_MAX_POINTS: dict[str, int] = {
    Group.TRANSPARENCY: 18,
    Group.PROGRESS: 20,
    Group.ONLINE: 22,
    Group.DIGITISATION: 22,
    Group.SATISFACTION: 18,
}


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    YEAR = "year", _("Năm")
    CUSTOM = "custom", _("Tùy chọn")


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    group: str
    name: object  # a lazy translation
    # Full points from this share (None: the formula gives points proportionally to 100%).
    full_at: Decimal | None = None
    # Shares where higher is better; 2.2 is a duration, not a share.
    is_share: bool = True
    # Catalogue indicators do not depend on the agency of a dossier.
    province_only: bool = False


INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        "1.1",
        Group.TRANSPARENCY,
        _("Tỷ lệ thủ tục hành chính được công bố đúng hạn"),
        province_only=True,
    ),
    IndicatorSpec(
        "1.2",
        Group.TRANSPARENCY,
        _("Tỷ lệ thủ tục được công khai đúng hạn trên CSDL quốc gia về TTHC"),
        province_only=True,
    ),
    IndicatorSpec(
        "1.3",
        Group.TRANSPARENCY,
        _("Tỷ lệ thủ tục công bố đầy đủ các bộ phận"),
        province_only=True,
    ),
    IndicatorSpec(
        "1.4", Group.TRANSPARENCY, _("Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia")
    ),
    IndicatorSpec("2.1", Group.PROGRESS, _("Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn")),
    IndicatorSpec(
        "2.2", Group.PROGRESS, _("Thời gian giải quyết trung bình (ngày làm việc)"), is_share=False
    ),
    IndicatorSpec(
        "3.1",
        Group.ONLINE,
        _("Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến"),
        full_at=Decimal("0.80"),
        province_only=True,
    ),
    IndicatorSpec("3.2", Group.ONLINE, _("Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ")),
    IndicatorSpec(
        "3.3",
        Group.ONLINE,
        _("Tỷ lệ hồ sơ nộp trực tuyến (có kết quả điện tử, nhân tỷ lệ đồng bộ)"),
        full_at=Decimal("0.50"),
    ),
    IndicatorSpec(
        "3.5",
        Group.ONLINE,
        _("Tỷ lệ thủ tục có phí, lệ phí được tích hợp thanh toán trực tuyến"),
        full_at=Decimal("0.80"),
        province_only=True,
    ),
    IndicatorSpec("3.6", Group.ONLINE, _("Tỷ lệ hồ sơ thanh toán trực tuyến")),
    IndicatorSpec("4.1", Group.DIGITISATION, _("Tỷ lệ hồ sơ cấp kết quả điện tử")),
    IndicatorSpec("4.2", Group.DIGITISATION, _("Tỷ lệ hồ sơ được số hóa"), full_at=Decimal("0.80")),
    IndicatorSpec(
        "4.3",
        Group.DIGITISATION,
        _("Tỷ lệ hồ sơ tái sử dụng dữ liệu số hóa"),
        full_at=Decimal("0.80"),
    ),
    IndicatorSpec(
        "4.4", Group.DIGITISATION, _("Tỷ lệ hồ sơ khai thác, kết nối kho dữ liệu của công dân")
    ),
    IndicatorSpec("4.5", Group.DIGITISATION, _("Tỷ lệ hồ sơ sử dụng dữ liệu dân cư (VNeID)")),
    IndicatorSpec(
        "5.1",
        Group.SATISFACTION,
        _("Số phản ánh, kiến nghị tiếp nhận (theo lĩnh vực)"),
        is_share=False,
    ),
    IndicatorSpec("5.2", Group.SATISFACTION, _("Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn")),
    IndicatorSpec("5.3", Group.SATISFACTION, _("Mức độ hài lòng về xử lý phản ánh, kiến nghị")),
    IndicatorSpec(
        "5.4",
        Group.SATISFACTION,
        _("Mức độ hài lòng trong giải quyết thủ tục hành chính"),
        full_at=Decimal("0.90"),
    ),
)
INDICATOR_BY_CODE: dict[str, IndicatorSpec] = {spec.code: spec for spec in INDICATORS}


@dataclass(frozen=True)
class PlanMeasure:
    code: str
    name: object
    targets: tuple[Decimal, ...]  # the plan's staged targets (first, then)


# Tây Ninh's digital-transformation plan (issue #11): full-online procedures 80% then 95%,
# online dossiers 50% then 80% (2023 baseline: province 19.73%, commune 98.49%), more than 95%
# satisfied, and every civil servant's own dossier online.
PLAN_MEASURES: tuple[PlanMeasure, ...] = (
    PlanMeasure(
        "plan.online_full",
        _("Tỷ lệ thủ tục cung cấp dịch vụ công trực tuyến toàn trình"),
        (Decimal("0.80"), Decimal("0.95")),
    ),
    PlanMeasure(
        "plan.online_share",
        _("Tỷ lệ hồ sơ nộp trực tuyến"),
        (Decimal("0.50"), Decimal("0.80")),
    ),
    PlanMeasure(
        "plan.online_share.province",
        _("Tỷ lệ hồ sơ nộp trực tuyến cấp tỉnh"),
        (Decimal("0.50"), Decimal("0.80")),
    ),
    PlanMeasure(
        "plan.online_share.commune",
        _("Tỷ lệ hồ sơ nộp trực tuyến cấp xã"),
        (Decimal("0.50"), Decimal("0.80")),
    ),
    PlanMeasure(
        "plan.civil_servant_online",
        _("Tỷ lệ hồ sơ của cán bộ, công chức nộp trực tuyến"),
        (Decimal("1.00"),),
    ),
    PlanMeasure("plan.satisfaction", _("Tỷ lệ hài lòng"), (Decimal("0.95"),)),
)
PLAN_BASELINE_2023 = {"province": Decimal("0.1973"), "commune": Decimal("0.9849")}

# The counters every dossier contributes to (one row of DossierFact, summed per agency).
COUNTERS: tuple[str, ...] = (
    "received",
    "on_time",
    "completed",
    "completed_wd_n",
    "online",
    "counter",
    "postal",
    "online_e_result",
    "result_expected",
    "e_result",
    "digitised",
    "reused",
    "from_store",
    "vneid",
    "individual",
    "fee_bearing",
    "paid_online",
    "disliked",
    "civil_servant",
    "civil_servant_online",
    "overdue_open",
    # 2.1's on-time dossiers that are still open at the judging instant (shown apart: "on time"
    # counts them, QĐ 766 "đúng hạn hoặc đang giải quyết trong hạn").
    "open_on_time",
    # 5.4 needs feedback: dossiers rated, or named in a complaint (N/A when none was).
    "rated",
)
# Sums (not counts) kept next to the counters.
SUMS: tuple[str, ...] = ("completed_wd_sum",)
# 2.1's dossiers carried over from an earlier period and ended in this one (not stored per day:
# they are counted by the period they ended in, `metrics.selectors.carried_counts`).
CARRIED: tuple[str, ...] = ("carried", "carried_on_time")

# Bumped (to the time) whenever stored facts change: the public page's cache key carries it, so
# `/stats/` never shows older figures than `/office/stats/` (issue #20).
FACTS_VERSION_KEY = "metrics:facts_version"
