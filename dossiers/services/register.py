"""Writes around Mẫu 07 (the register): the audit event of an export. The register itself is
read by `dossiers.selectors.register`.
"""

from __future__ import annotations

import datetime as dt

from agencies.models import Agency
from common.audit import audit_record
from common.exceptions import ApplicationError


class RegisterError(ApplicationError):
    pass


def register_export_audit(
    *, user, agency: Agency, start: dt.date, end: dt.date, kind: str, rows: int
):
    """Record who exported which register (it holds personal data)."""
    audit_record(
        action="dossiers.register_exported",
        actor=user,
        obj=agency,
        data={"from": start.isoformat(), "to": end.isoformat(), "format": kind, "rows": rows},
    )
