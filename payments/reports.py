"""The daily reconciliation report per agency (XLSX): amounts by channel and gateway bank."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exports import neutralise_row
from payments.constants import Provider
from payments.models import Payment
from payments.selectors import daily_report_rows


def daily_report_xlsx(*, agency_id: int, day: dt.date) -> bytes:
    # Local import: openpyxl is a heavy library, loaded on first use.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = day.strftime("%d-%m-%Y")
    sheet.append(
        neutralise_row(
            [
                str(_("Cơ quan")),
                str(_("Hình thức")),
                str(_("Ngân hàng / cổng")),
                str(_("Số giao dịch")),
                str(_("Số tiền (đồng)")),
                str(_("Đã hoàn (đồng)")),
            ]
        )
    )
    total = refunded = 0
    for row in daily_report_rows(agency_id=agency_id, day=day):
        sheet.append(
            neutralise_row(
                [
                    row.agency_name,
                    str(Provider(row.provider).label),
                    row.bank_code,
                    row.count,
                    row.amount_vnd,
                    row.refunded_vnd,
                ]
            )
        )
        total += row.amount_vnd
        refunded += row.refunded_vnd
    sheet.append(neutralise_row([str(_("Tổng cộng")), "", "", "", total, refunded]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def daily_reports_store(*, day: dt.date | None = None) -> int:
    """Write yesterday's report of every agency that collected something; returns how many."""

    day = day or timezone.localdate() - dt.timedelta(days=1)
    agencies = (
        Payment.objects.filter(paid_at__date=day)
        .values_list("agency_id", "agency__code")
        .distinct()
    )
    count = 0
    for agency_id, code in agencies:
        name = f"payments/reports/{code or agency_id}/{day.isoformat()}.xlsx"
        if default_storage.exists(name):
            default_storage.delete(name)
        default_storage.save(name, ContentFile(daily_report_xlsx(agency_id=agency_id, day=day)))
        count += 1
    return count
