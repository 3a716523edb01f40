"""CSV/XLSX exchange of the catalogue: export every procedure; import the local settings columns.

The national catalogue is the authority for names, times and documents (regulation-spec §7.4), so
an imported file may only change what the province configures itself: online-only and the
effective dates. The online level goes through the proposal and approval flow instead.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from common.audit import audit_record
from common.exports import neutralise_row, restore
from procedures.models import Procedure
from procedures.services import catalogue_changed

EXPORT_COLUMNS = [
    "code",
    "name",
    "field",
    "levels",
    "online_level",
    "online_only",
    "effective_from",
    "effective_to",
    "implementing_agency",
    "channels",
    "review_flags",
    "source_url",
]
IMPORT_COLUMNS = ("code", "online_only", "effective_from", "effective_to")
TRUE_WORDS = {"1", "true", "x", "có", "co", "yes"}
FALSE_WORDS = {"", "0", "false", "không", "khong", "no"}


def export_rows(procedures: Iterable[Procedure]) -> Iterable[list[str]]:
    yield EXPORT_COLUMNS
    for p in procedures:
        channels = "; ".join(
            f"{c.get_channel_display()}: {c.time_value or ''} {c.get_time_unit_display()}, "
            f"{c.fee_vnd if c.fee_vnd is not None else ''}"
            for c in p.channels.all()
        )
        yield [
            p.code,
            p.name,
            p.field.name,
            ",".join(p.levels),
            p.online_level,
            "1" if p.online_only else "0",
            _date_out(p.effective_from),
            _date_out(p.effective_to),
            p.implementing_agency_name,
            channels,
            p.review_flags,
            p.source_url,
        ]


def export_csv(procedures: Iterable[Procedure]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(neutralise_row(row) for row in export_rows(procedures))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


def export_xlsx(procedures: Iterable[Procedure]) -> bytes:
    # Local import: openpyxl is a heavy library, loaded on first use.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("thu_tuc")
    for row in export_rows(procedures):
        sheet.append(neutralise_row(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_table(name: str, content: bytes) -> list[dict[str, str]]:
    """Rows of a CSV (UTF-8, optional BOM) or XLSX file as dicts keyed by the header row."""
    if name.lower().endswith(".xlsx"):
        # Local import: openpyxl is a heavy library, loaded on first use.
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        rows = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    else:
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    if not rows:
        return []
    header = [h.strip() for h in rows[0]]
    return [
        dict(zip(header, (restore(c.strip()) for c in row), strict=False))
        for row in rows[1:]
        if any(row)
    ]


@dataclass
class SettingsImportResult:
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


@transaction.atomic
def procedures_local_settings_import(
    *, rows: list[dict[str, str]], by: User
) -> SettingsImportResult:
    """Applies the local-settings columns; any bad row cancels the whole file (nothing half-done)."""
    result = SettingsImportResult()
    if rows and "code" not in rows[0]:
        result.errors.append(_("Thiếu cột “code”."))
        return result
    changes: list[tuple[Procedure, dict]] = []
    for line, row in enumerate(rows, start=2):
        procedure = Procedure.objects.filter(code=row.get("code", "")).first()
        if procedure is None:
            result.errors.append(
                _("Dòng %(line)s: không có thủ tục mã “%(code)s”.")
                % {"line": line, "code": row.get("code", "")}
            )
            continue
        try:
            values = _settings_from(row, procedure)
        except ValueError as exc:
            result.errors.append(_("Dòng %(line)s: %(error)s") % {"line": line, "error": exc})
            continue
        changes.append((procedure, values))
    if result.errors:
        return result
    for procedure, values in changes:
        before = {k: getattr(procedure, k) for k in values}
        if before == values:
            result.unchanged += 1
            continue
        for k, v in values.items():
            setattr(procedure, k, v)
        procedure.full_clean(exclude=["field"])
        procedure.save(update_fields=[*values, "updated_at"])
        audit_record(
            action="procedures.settings_imported",
            actor=by,
            obj=procedure,
            data={k: str(v) for k, v in values.items()},
        )
        result.updated += 1
    if result.updated:
        catalogue_changed()
    return result


def _settings_from(row: dict[str, str], procedure: Procedure) -> dict:
    values: dict = {}
    if "online_only" in row:
        word = row["online_only"].strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            raise ValueError(_("online_only phải là 1 hoặc 0"))
        values["online_only"] = word in TRUE_WORDS
    for column in ("effective_from", "effective_to"):
        if column in row:
            values[column] = _date_in(row[column])
    start = values.get("effective_from", procedure.effective_from)
    end = values.get("effective_to", procedure.effective_to)
    if start and end and end < start:
        raise ValueError(_("ngày hết hiệu lực trước ngày có hiệu lực"))
    return values


def _date_out(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _date_in(text: str) -> dt.date | None:
    text = text.strip().split(" ")[0]
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 — a calendar date
        except ValueError:
            continue
    raise ValueError(_("ngày “%(text)s” không đúng dạng dd/mm/yyyy") % {"text": text})
