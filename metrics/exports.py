"""Exports of the index tables: CSV, XLSX (openpyxl) and JSON for national reporting.

Rows carry agency names, codes and counts only — never a person's data."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from common.exports import neutralise, neutralise_row
from metrics.constants import INDICATOR_BY_CODE, PLAN_MEASURES
from metrics.selectors import IndexResult

PLAN_NAMES = {m.code: m.name for m in PLAN_MEASURES}


def _name(code: str) -> str:
    spec = INDICATOR_BY_CODE.get(code)
    if spec is not None:
        return str(spec.name)
    if code in PLAN_NAMES:
        return str(PLAN_NAMES[code])
    return {
        "3.3.counter": _("Tỷ lệ hồ sơ nộp trực tiếp"),
        "3.3.postal": _("Tỷ lệ hồ sơ nộp qua bưu chính"),
    }.get(code, code)


def _num(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def indicator_rows(result: IndexResult, *, agency_rows: bool = True) -> list[dict[str, Any]]:
    """One row per (scope, indicator): the province (or the viewer's scope) then each agency."""
    scope_label = _("Toàn tỉnh") if result.scope.is_province else _("Phạm vi được giao")
    rows = []

    def add(where: str, agency_code: str, values) -> None:
        for code, value in values.items():
            rows.append(
                {
                    "ky": result.period.label,
                    "tu_ngay": result.period.first_day.isoformat(),
                    "den_ngay": result.period.last_day.isoformat(),
                    "pham_vi": where,
                    "ma_co_quan": agency_code,
                    "chi_so": code,
                    "ten_chi_so": _name(code),
                    "tu_so": _num(value.numerator),
                    "mau_so": _num(value.denominator),
                    "ty_le_phan_tram": _num(value.percent),
                    "gia_tri": _num(value.amount),
                    "ghi_chu": value.note,
                }
            )

    add(scope_label, "", result.values)
    if agency_rows:
        for row in result.agencies:
            add(row.agency.name, row.agency.code, row.values)
    return rows


def as_csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({k: neutralise(v) for k, v in row.items()} for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads the diacritics


def as_xlsx(rows: list[dict[str, Any]], *, title: str) -> bytes:
    # Local import: openpyxl is a heavy library, loaded on first use.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    if rows:
        sheet.append(neutralise_row(rows[0]))
        for row in rows:
            sheet.append(neutralise_row(row[k] for k in rows[0]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_json(result: IndexResult, rows: list[dict[str, Any]]) -> bytes:
    payload = {
        "bo_chi_so": "QĐ 766/QĐ-TTg",
        "ky": {
            "loai": result.period.kind,
            "tu_ngay": result.period.first_day.isoformat(),
            "den_ngay": result.period.last_day.isoformat(),
        },
        "tinh_den": result.at.isoformat(),
        "diem_nhom": [
            {"nhom": g.group, "ten": g.label, "toi_da": g.max_points, "diem": _num(g.points)}
            for g in result.groups
        ],
        "tong_diem": _num(result.score),
        "chi_so": rows,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
