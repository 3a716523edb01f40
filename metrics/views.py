"""The leaders' dashboards (`/office/stats/`), the drill-down, the public transparency page
(`/stats/`) and the exports. Thin: period and scope from the request, numbers from selectors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from agencies.constants import AgencyLevel
from agencies.models import Agency
from common.db_router import reads_from_replica
from metrics import breakdowns, exports, selectors
from metrics.constants import FACTS_VERSION_KEY, INDICATOR_BY_CODE, INDICATORS, PLAN_MEASURES
from metrics.forms import PeriodForm
from metrics.periods import Period, period_from_params
from metrics.selectors import Scope

# Which counters a value's numerator and denominator open (drill-down).
DRILL: dict[str, tuple[str, str]] = {
    "2.1": ("handled_on_time", "handled"),
    "3.3": ("online_e_result", "received"),
    "3.3.counter": ("counter", "received"),
    "3.3.postal": ("postal", "received"),
    "3.6": ("paid_online", "fee_bearing"),
    "4.1": ("e_result", "result_expected"),
    "4.2": ("digitised", "received"),
    "4.3": ("reused", "received"),
    "4.4": ("from_store", "received"),
    "4.5": ("vneid", "individual"),
    "plan.online_share": ("online", "received"),
    "plan.civil_servant_online": ("civil_servant_online", "civil_servant"),
}
# Every number that opens a list names its list in words (issue #20: the page said "on_time").
COUNTER_LABELS = {
    "received": gettext_lazy("hồ sơ tiếp nhận"),
    "handled": gettext_lazy("hồ sơ tiếp nhận và giải quyết trong kỳ (chỉ số 2.1)"),
    "handled_on_time": gettext_lazy(
        "hồ sơ đã giải quyết đúng hạn hoặc đang giải quyết trong hạn (chỉ số 2.1)"
    ),
    "on_time": gettext_lazy("hồ sơ tiếp nhận trong kỳ, đúng hạn hoặc còn hạn"),
    "open_on_time": gettext_lazy("hồ sơ đang giải quyết, còn trong hạn"),
    "late": gettext_lazy("hồ sơ trễ hạn"),
    "overdue_open": gettext_lazy("hồ sơ đang quá hạn"),
    "completed": gettext_lazy("hồ sơ đã có kết quả"),
    "completed_wd_n": gettext_lazy("hồ sơ đã có kết quả (tính thời gian giải quyết)"),
    "online": gettext_lazy("hồ sơ nộp trực tuyến"),
    "counter": gettext_lazy("hồ sơ nộp trực tiếp"),
    "postal": gettext_lazy("hồ sơ nộp qua bưu chính"),
    "online_e_result": gettext_lazy("hồ sơ nộp trực tuyến đã có kết quả điện tử"),
    "result_expected": gettext_lazy("hồ sơ có kết quả giải quyết"),
    "e_result": gettext_lazy("hồ sơ có kết quả điện tử"),
    "digitised": gettext_lazy("hồ sơ được số hóa"),
    "reused": gettext_lazy("hồ sơ tái sử dụng dữ liệu số hóa"),
    "from_store": gettext_lazy("hồ sơ dùng kho dữ liệu của công dân"),
    "vneid": gettext_lazy("hồ sơ cá nhân xác thực VNeID hoặc dùng dữ liệu dân cư"),
    "individual": gettext_lazy("hồ sơ của cá nhân"),
    "fee_bearing": gettext_lazy("hồ sơ phải nộp phí, lệ phí"),
    "paid_online": gettext_lazy("hồ sơ thanh toán trực tuyến"),
    "disliked": gettext_lazy("hồ sơ bị đánh giá không hài lòng hoặc bị phản ánh"),
    "rated": gettext_lazy("hồ sơ được đánh giá hoặc phản ánh"),
    "civil_servant": gettext_lazy("hồ sơ của cán bộ, công chức"),
    "civil_servant_online": gettext_lazy("hồ sơ của cán bộ, công chức nộp trực tuyến"),
}
PUBLIC_CODES = ("2.1", "plan.online_share", "5.4")


def _percent_or_none(value) -> float | None:
    return float(value.percent) if value.percent is not None else None


def _chart(kind: str, labels: list[str], datasets: list[dict[str, Any]], **extra: Any) -> str:
    return json.dumps({"type": kind, "labels": labels, "datasets": datasets, **extra})


def _goal(label: str, target: Decimal, n: int) -> dict[str, Any]:
    return {"label": label, "data": [float(target * 100)] * n, "goal": True}


@dataclass
class Chosen:
    period: Period
    scope: Scope  # what the viewer may see
    view_scope: Scope  # what this page shows (one agency if picked)
    agencies: list[Agency]
    agency: Agency | None


def _period_and_scope(request: HttpRequest) -> Chosen:
    scope = selectors.viewer_scope(request.user)
    visible = Agency.objects.order_by("level", "position", "name")
    if scope.agency_ids is not None:
        visible = visible.filter(pk__in=scope.agency_ids)
    agencies = list(visible)
    chosen = None
    view_scope = scope
    wanted = request.GET.get("co_quan", "")
    if wanted:
        chosen = next((a for a in agencies if str(a.uuid) == wanted), None)
        if chosen is None:
            raise Http404
        view_scope = Scope((chosen.pk,))
    return Chosen(period_from_params(request.GET), scope, view_scope, agencies, chosen)


def _indicator_rows(result, params: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    codes = [s.code for s in INDICATORS]
    codes[codes.index("3.3") + 1 : codes.index("3.3") + 1] = ["3.3.counter", "3.3.postal"]
    for code in codes:
        value = result.values[code]
        drill = DRILL.get(code)
        links = {}
        if drill:
            for part, counter in zip(("numerator", "denominator"), drill, strict=True):
                links[part] = _drill_url(counter, params)
        if code == "2.1":
            links["late"] = _drill_url("late", params)
            # "On time" counts open dossiers still within their deadline (QĐ 766): shown apart.
            links["open_on_time"] = _drill_url("open_on_time", params)
        spec = INDICATOR_BY_CODE.get(code)
        rows.append(
            {
                "code": code,
                "name": exports._name(code),
                "group": spec.group if spec else "3",
                "value": value,
                "full_at": spec.full_at if spec else None,
                "links": links,
            }
        )
    return rows


def _drill_url(counter: str, params: dict[str, str]) -> str:
    return reverse("metrics_office:dossiers") + "?" + urlencode({**params, "chi_so": counter})


@login_required
@require_GET
@reads_from_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    ctx = _period_and_scope(request)
    period, view_scope, agencies, chosen = ctx.period, ctx.view_scope, ctx.agencies, ctx.agency
    result = selectors.index_for(period=period, scope=view_scope)
    params = period.as_params()
    if chosen is not None:
        params["co_quan"] = str(chosen.uuid)

    trend = breakdowns.trend_for(
        period=period, scope=view_scope, codes=("2.1", "plan.online_share")
    )
    labels = [row["period"].label for row in trend]
    online_targets = PLAN_MEASURES[1].targets
    trend_chart = _chart(
        "line",
        labels,
        [
            {
                "label": _("Đúng hạn (2.1)"),
                "data": [_percent_or_none(r["values"]["2.1"]) for r in trend],
            },
            {
                "label": _("Nộp trực tuyến"),
                "data": [_percent_or_none(r["values"]["plan.online_share"]) for r in trend],
            },
            _goal(
                _("Mục tiêu trực tuyến %(p)s%%") % {"p": int(online_targets[0] * 100)},
                online_targets[0],
                len(labels),
            ),
            _goal(
                _("Mục tiêu trực tuyến %(p)s%%") % {"p": int(online_targets[1] * 100)},
                online_targets[1],
                len(labels),
            ),
        ],
        percent=True,
        title=_("Diễn biến theo tháng"),
    )
    agency_labels = [row.agency.name for row in result.agencies]
    agency_chart = _chart(
        "bar",
        agency_labels,
        [
            {
                "label": _("Đúng hạn (2.1)"),
                "data": [_percent_or_none(r.values["2.1"]) for r in result.agencies],
            },
            {
                "label": _("Nộp trực tuyến"),
                "data": [_percent_or_none(r.values["plan.online_share"]) for r in result.agencies],
            },
            _goal(_("Mục tiêu trực tuyến 50%"), Decimal("0.50"), len(agency_labels)),
        ],
        percent=True,
        title=_("Theo cơ quan"),
    )
    group_chart = _chart(
        "bar",
        [g.label for g in result.groups],
        [
            {
                "label": _("Điểm đạt"),
                "data": [float(g.points) if g.points is not None else None for g in result.groups],
            },
            {
                "label": _("Điểm tối đa"),
                "data": [g.max_points for g in result.groups],
                "goal": True,
            },
        ],
        title=_("Điểm theo nhóm"),
    )
    heat = breakdowns.overdue_heat(scope=view_scope)
    top = max((row["overdue"] for row in heat), default=0)
    for row in heat:
        row["heat"] = 0 if not top else min(4, 1 + (4 * row["overdue"] - 1) // top)
        row["url"] = _drill_url(
            "overdue_open",
            {
                **period.as_params(),
                **(
                    {"co_quan": str(a.uuid)}
                    if (a := next((x for x in agencies if x.pk == row["agency_id"]), None))
                    else {}
                ),
            },
        )
    plan = []
    for measure in PLAN_MEASURES:
        if measure.code.startswith("plan.online_share."):
            level = measure.code.rsplit(".", 1)[1]
            value = result.levels.get(level, {}).get("plan.online_share")
        elif measure.code == "plan.satisfaction":
            value = result.values["5.4"]
        else:
            value = result.values.get(measure.code)
        plan.append({"measure": measure, "value": value})
    levels = [
        {"label": label, "values": result.levels.get(level, {})}
        for level, label in AgencyLevel.choices
    ]
    context = {
        "period": period,
        "result": result,
        "levels": levels,
        "form": PeriodForm(request.GET or None, agencies=agencies),
        "chosen": chosen,
        "rows": _indicator_rows(result, params),
        "plan": plan,
        "trend": trend,
        "trend_chart": trend_chart,
        "agency_chart": agency_chart,
        "group_chart": group_chart,
        "heat": heat,
        "times": breakdowns.processing_times(period=period, scope=view_scope),
        "export_query": urlencode(params),
        "params": params,
    }
    return render(request, "metrics/office/dashboard.html", context)


def _dossier_link(code: str | None) -> str:
    if not code:
        return ""
    for name in ("office:dossier", "office:dossier_detail"):
        try:
            return reverse(name, kwargs={"code": code})
        except NoReverseMatch:
            continue
    return ""


@login_required
@require_GET
@reads_from_replica
def dossiers(request: HttpRequest) -> HttpResponse:
    ctx = _period_and_scope(request)
    period, chosen = ctx.period, ctx.agency
    counter = request.GET.get("chi_so", "received")
    if counter not in breakdowns.DRILLABLE:
        raise Http404
    qs = breakdowns.dossiers_behind(
        user=request.user,
        period=period,
        counter=counter,
        agency_id=chosen.pk if chosen else None,
    )
    page = Paginator(
        qs.only("code", "procedure_name", "status", "received_at", "due_at"), 50
    ).get_page(request.GET.get("trang"))
    for dossier in page:
        dossier.office_url = _dossier_link(dossier.code)  # type: ignore[attr-defined]  # for the page
    params = {k: request.GET[k] for k in request.GET if k != "trang"}
    return render(
        request,
        "metrics/office/dossiers.html",
        {
            "period": period,
            "chosen": chosen,
            "counter": counter,
            "counter_label": COUNTER_LABELS[counter],
            "page": page,
            "query": urlencode(params),
            "back": reverse("metrics_office:dashboard")
            + "?"
            + urlencode({k: v for k, v in params.items() if k != "chi_so"}),
        },
    )


def _export(result, rows, fmt: str, name: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(exports.as_csv(rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.as_xlsx(rows, title="QD766"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "json":
        response = HttpResponse(exports.as_json(result, rows), content_type="application/json")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_GET
@reads_from_replica
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    ctx = _period_and_scope(request)
    period = ctx.period
    result = selectors.index_for(period=period, scope=ctx.view_scope)
    rows = exports.indicator_rows(result)
    return _export(
        result, rows, fmt, f"chi-so-766-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}"
    )


# --- public ------------------------------------------------------------------------------------


PUBLIC_CACHE_SECONDS = 600


def _public_result(request: HttpRequest):
    """The province's index for the asked period, cached (the page is open to everyone)."""

    period = period_from_params(request.GET)
    # The facts' version is in the key: a change to any dossier shows on the next request.
    version = cache.get(FACTS_VERSION_KEY, 0)
    key = f"metrics:public:{version}:" + urlencode(sorted(period.as_params().items()))
    result = cache.get(key)
    if result is None:
        result = selectors.index_for(period=period, scope=Scope(None))
        cache.set(key, result, PUBLIC_CACHE_SECONDS)
    return period, result


@require_GET
@reads_from_replica
def public(request: HttpRequest) -> HttpResponse:
    """Per-agency on-time, online and satisfaction figures; counts and shares only."""
    period, result = _public_result(request)
    agencies = [row for row in result.agencies if row.counts.get("received")]
    chart = _chart(
        "bar",
        [row.agency.name for row in agencies],
        [
            {"label": _("Đúng hạn"), "data": [_percent_or_none(r.values["2.1"]) for r in agencies]},
            {
                "label": _("Nộp trực tuyến"),
                "data": [_percent_or_none(r.values["plan.online_share"]) for r in agencies],
            },
            {"label": _("Hài lòng"), "data": [_percent_or_none(r.values["5.4"]) for r in agencies]},
        ],
        percent=True,
        title=_("Kết quả theo cơ quan"),
    )
    return render(
        request,
        "metrics/public.html",
        {
            "period": period,
            "result": result,
            "agencies": agencies,
            "chart": chart,
            "form": PeriodForm(request.GET or None),
            "export_query": urlencode(period.as_params()),
            "headline": [(code, exports._name(code), result.values[code]) for code in PUBLIC_CODES],
        },
    )


@require_GET
@reads_from_replica
def public_export(request: HttpRequest, fmt: str) -> HttpResponse:
    period, result = _public_result(request)
    rows = [
        row
        for row in exports.indicator_rows(result)
        if row["chi_so"] in PUBLIC_CODES or row["chi_so"].startswith(("1.", "3.", "4."))
    ]
    return _export(
        result, rows, fmt, f"thong-ke-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}"
    )
