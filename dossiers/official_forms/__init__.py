"""Official forms 01–06 of TT 03/2025/TT-VPCP Phụ lục I, issued from the dossier history.

Every event that calls for a form gets exactly one signed PDF (docs/official-forms.md, ADR 0120):

* a transition or fact whose `form_code` is set (01 receipt, 02 supplement request, 03 refusal,
  04 apology and extension, 05 stop notice, 06 control sheet at the transfer to the agency);
* a handover between units once the dossier has reached the competent agency (a new version of
  the control sheet 06, its rows read from the events).

`issuance` issues and finds missing forms, `context` builds each form's content, `tasks` holds the
Celery tasks and the after-commit listener (registered in `DossiersConfig.ready()`).
Form 07 (the register) is not tied to one event: see `dossiers.selectors.register`.
"""

from __future__ import annotations

from dossiers.official_forms.context import (
    HANDOVER_KINDS,
    HandoverRow,
    applicant_context,
    control_sheet_rows,
    form_context,
    money_vnd,
    note_lines,
)
from dossiers.official_forms.issuance import (
    HANDOVER_TARGETS,
    SWEEP_BATCH,
    SWEEP_GRACE,
    SWEEP_LOOKBACK,
    TEMPLATE_KEYS,
    TITLES,
    FormNotIssued,
    IssuedForm,
    PendingForm,
    dossier_forms,
    dossier_issued_forms,
    dossier_pending_forms,
    issued_form_event,
    issuing_agency,
    missing_form_events,
    official_form_issue,
    official_forms_issue,
    required_forms,
)
from dossiers.official_forms.tasks import (
    official_form_issue_task,
    official_forms_sweep,
    on_dossier_event,
)

__all__ = [
    "HANDOVER_KINDS",
    "HANDOVER_TARGETS",
    "SWEEP_BATCH",
    "SWEEP_GRACE",
    "SWEEP_LOOKBACK",
    "TEMPLATE_KEYS",
    "TITLES",
    "FormNotIssued",
    "HandoverRow",
    "IssuedForm",
    "PendingForm",
    "applicant_context",
    "control_sheet_rows",
    "dossier_forms",
    "dossier_issued_forms",
    "dossier_pending_forms",
    "form_context",
    "issued_form_event",
    "issuing_agency",
    "missing_form_events",
    "money_vnd",
    "note_lines",
    "official_form_issue",
    "official_form_issue_task",
    "official_forms_issue",
    "official_forms_sweep",
    "on_dossier_event",
    "required_forms",
]
