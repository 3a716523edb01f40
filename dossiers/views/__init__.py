"""The citizen's pages: `drafts` (start a dossier, the steps, submit, confirmation) and
`tracking` (my dossiers, a dossier's page, withdrawal, supplement, the public lookup).
Thin: parse → `dossiers.services` / `dossiers.selectors` → render.
"""

from __future__ import annotations

from dossiers.views.cases import case_choose
from dossiers.views.drafts import (
    confirmation,
    confirmation_pdf,
    draft_delete,
    resume,
    start,
    step,
    step_autosave,
)
from dossiers.views.tracking import (
    component_download,
    detail,
    lookup,
    mine,
    supplement,
    withdraw,
    withdraw_cancel,
)

__all__ = [
    "case_choose",
    "component_download",
    "confirmation",
    "confirmation_pdf",
    "detail",
    "draft_delete",
    "lookup",
    "mine",
    "resume",
    "start",
    "step",
    "step_autosave",
    "supplement",
    "withdraw",
    "withdraw_cancel",
]
