"""Mẫu 07 — Sổ theo dõi hồ sơ: the register of the dossiers an agency received in a period.

Read from the dossiers (not stored): `register_rows` is the scoped selector, `register_xlsx` and
`register_pdf` the two exports (the PDF signed with the agency's certificate). The staff page is
`dossiers.register_views` (docs/official-forms.md).
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.selectors import staff_agencies
from common.exports import neutralise_row
from documents.rendering import OFFICIAL_FORMS, html_to_pdf, official_template
from documents.signers import SigningKeyMissing, get_keystore
from documents.signing import sign_pdf
from dossiers.constants import DossierStatus, EventKind
from dossiers.models import Dossier, DossierEvent
from dossiers.official_forms.context import applicant_context
from dossiers.services.register import RegisterError

S = DossierStatus
FORM_KEY = "mau_07"
# A PDF longer than this is refused (the XLSX has every row): WeasyPrint needs ~1 s per 100 rows.
PDF_MAX_ROWS = 2000


def register_agencies(*, user) -> QuerySet[Agency]:
    """Agencies whose register `user` may read: those they hold a staff membership in today."""
    return staff_agencies(user).order_by("name")


def register_agency_for(*, user, agency_uuid: str) -> Agency | None:
    """The agency `agency_uuid` if `user` may read its register, else None (the view's 404)."""
    try:
        parsed = uuid.UUID(str(agency_uuid))
    except ValueError:
        return None
    return register_agencies(user=user).filter(uuid=parsed).first()


@dataclass(frozen=True)
class RegisterRow:
    code: str
    procedure_name: str
    sets: int
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    lead_agency: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    transferred_at: dt.datetime | None
    result_received_at: dt.datetime | None
    returned_at: dt.datetime | None
    note: str
    # The index (`/office/stats/`) counts a dossier for its competent agency, else the receiving
    # one: True when that is the register's agency.
    counted_here: bool = True


def _period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    if end < start:
        raise RegisterError(_("Ngày kết thúc phải sau ngày bắt đầu."), code="bad_period")
    zone = timezone.get_current_timezone()
    lower = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return lower, upper


def register_queryset(*, agency: Agency, start: dt.date, end: dt.date) -> QuerySet[Dossier]:
    """Dossiers first received (Mẫu 01) by or for `agency` between `start` and `end` (local
    dates). The index counts a dossier for its competent agency (else the receiving one): the
    register of that agency lists exactly the dossiers `/office/stats/` counts for it."""
    lower, upper = _period_bounds(start, end)
    # The FIRST reception, as the QĐ 766 index counts it (`metrics.facts.facts_from`): a
    # supplement moves `received_at` forward, which put dossiers into the wrong month's register
    # and made the register and `/office/stats/` disagree (issue #20).
    first_reception = (
        DossierEvent.objects.filter(
            dossier=OuterRef("pk"), kind=EventKind.TRANSITION, to_status=S.RECEIVED
        )
        .values("dossier")
        .annotate(first=Min("at"))
        .values("first")
    )
    transfers = (
        DossierEvent.objects.filter(
            dossier=OuterRef("pk"), kind=EventKind.TRANSITION, to_status=S.IN_PROCESS
        )
        .values("dossier")
        .annotate(first=Min("at"))
        .values("first")
    )
    return (
        Dossier.objects.filter(Q(receiving_agency=agency) | Q(competent_agency=agency))
        .filter(received_at__isnull=False)
        # A dossier placed without its history (an import) has only `received_at`.
        .annotate(first_received_at=Coalesce(Subquery(first_reception[:1]), "received_at"))
        .filter(first_received_at__gte=lower, first_received_at__lt=upper)
        .select_related("competent_agency", "organisation", "applicant__profile")
        .annotate(transferred_at=Subquery(transfers[:1]))
        .order_by("first_received_at", "pk")
    )


def _note(dossier: Dossier) -> str:
    parts = [str(DossierStatus(dossier.status).label)]
    if dossier.extension_count:
        parts.append("Đã gia hạn")
    finished = dossier.completed_at or dossier.closed_at
    late = bool(dossier.due_at and finished and finished > dossier.due_at)
    if late or dossier.is_overdue:
        parts.append("Quá hạn")
    return "; ".join(parts)


def register_rows(*, user, agency: Agency, start: dt.date, end: dt.date) -> list[RegisterRow]:
    """The register of `agency` for the period, scoped: refused unless `user` works there."""
    if not register_agencies(user=user).filter(pk=agency.pk).exists():
        raise RegisterError(
            _("Bạn không có quyền xem sổ theo dõi hồ sơ của cơ quan này."), code="forbidden"
        )
    rows = []
    for dossier in register_queryset(agency=agency, start=start, end=end):
        applicant = applicant_context(dossier)
        rows.append(
            RegisterRow(
                code=dossier.code or "",
                procedure_name=dossier.procedure_name,
                sets=1,
                applicant_name=applicant["applicant_name"],
                applicant_address=applicant["applicant_address"],
                applicant_phone=applicant["applicant_phone"],
                lead_agency=dossier.competent_agency.name if dossier.competent_agency else "",
                received_at=dossier.first_received_at,  # type: ignore[attr-defined]
                due_at=dossier.due_at,
                # Annotated by register_queryset; its QuerySet[Dossier] type cannot carry it.
                transferred_at=dossier.transferred_at,  # type: ignore[attr-defined]
                result_received_at=dossier.completed_at,
                returned_at=dossier.returned_at,
                note=_note(dossier),
                counted_here=(dossier.competent_agency_id or dossier.receiving_agency_id)
                == agency.pk,
            )
        )
    return rows


# --- exports -----------------------------------------------------------------------------------

COLUMNS = (
    "TT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức",
    "Địa chỉ",
    "Số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Ngày nhận hồ sơ",
    "Ngày hẹn trả kết quả",
    "Ngày chuyển hồ sơ đến cơ quan giải quyết",
    "Ngày nhận kết quả từ cơ quan giải quyết",
    "Ngày trả kết quả cho cá nhân, tổ chức",
    "Ghi chú",
)
DATE_FORMAT = "dd/mm/yyyy hh:mm"


def _naive_local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def register_xlsx(
    *, agency: Agency, start: dt.date, end: dt.date, rows: list[RegisterRow]
) -> bytes:
    """The register as an XLSX workbook (one sheet, a title, the header, one row per dossier)."""
    # Local import: openpyxl is a heavy library, loaded on first use.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "So theo doi ho so"
    # Every cell through `neutralise`: an applicant named "=HYPERLINK(…)" stays text (issue #19).
    sheet.append(neutralise_row([f"SỔ THEO DÕI HỒ SƠ — {agency.name}"]))
    sheet.append([f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"])
    sheet.append(neutralise_row(COLUMNS))
    sheet["A1"].font = Font(bold=True, size=13)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=1):
        sheet.append(
            neutralise_row(
                [
                    number,
                    row.code,
                    row.procedure_name,
                    row.sets,
                    row.applicant_name,
                    row.applicant_address,
                    row.applicant_phone,
                    row.lead_agency,
                    _naive_local(row.received_at),
                    _naive_local(row.due_at),
                    _naive_local(row.transferred_at),
                    _naive_local(row.result_received_at),
                    _naive_local(row.returned_at),
                    row.note,
                ]
            )
        )
        for cell in sheet[sheet.max_row][8:13]:
            cell.number_format = DATE_FORMAT
    for column, width in zip(
        "ABCDEFGHIJKLMN", (5, 24, 40, 8, 26, 36, 14, 30, 17, 17, 17, 17, 17, 28), strict=True
    ):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def register_pdf(
    *,
    agency: Agency,
    start: dt.date,
    end: dt.date,
    rows: list[RegisterRow],
    generated_by: str = "",
) -> bytes:
    """The register as a PDF (A4 landscape), signed with the agency's certificate."""
    if len(rows) > PDF_MAX_ROWS:
        raise RegisterError(
            _(
                "Sổ có %(count)s hồ sơ, quá %(max)s dòng cho một tệp PDF: hãy chọn kỳ ngắn hơn hoặc tải XLSX."
            )
            % {"count": len(rows), "max": PDF_MAX_ROWS},
            code="too_many_rows",
        )
    template, version = official_template(form_code=FORM_KEY)
    html = render_to_string(
        template,
        {
            "form": OFFICIAL_FORMS[FORM_KEY],
            "template_version": version,
            "agency_name": agency.name,
            "parent_agency_name": agency.parent.name if agency.parent is not None else "",
            "province_name": settings.PROVINCE_NAME,
            "issued_at": timezone.localtime(),
            "period_start": start,
            "period_end": end,
            "rows": rows,
            "generated_by": generated_by,
        },
    )
    pdf = html_to_pdf(html)
    try:
        identity = get_keystore().agency_identity(agency=agency)
    except SigningKeyMissing as exc:
        raise RegisterError(str(exc), code="signing_key_missing") from exc
    return sign_pdf(pdf=pdf, identity=identity, reason="Sổ theo dõi hồ sơ", location=agency.name)
