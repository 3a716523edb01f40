"""The back office's pages: `detail` (the workspace's queues, the officer's dossier page and its
actions) and `counter` (dossiers taken in at the one-stop counter). Thin: parse →
`dossiers.services` / `dossiers.selectors` → render.
"""

from __future__ import annotations

from dossiers.office.views.cases import case_change
from dossiers.office.views.counter import (
    counter,
    counter_draft,
    counter_identity_done,
    counter_identity_return,
)
from dossiers.office.views.detail import (
    action,
    by_code,
    component_file,
    detail,
    note,
    reception,
    result,
    result_file,
    result_page,
    result_register,
    result_sign,
    workspace,
)
from dossiers.office.views.mandates import mandate_list, mandate_revoke
from dossiers.office.views.processing import (
    assign,
    consult,
    consult_reply,
    extend,
    extension_decision,
    extension_proposal,
    interagency,
    task_complete,
)

__all__ = [
    "action",
    "assign",
    "by_code",
    "case_change",
    "component_file",
    "consult",
    "consult_reply",
    "counter",
    "counter_draft",
    "counter_identity_done",
    "counter_identity_return",
    "detail",
    "extend",
    "extension_decision",
    "extension_proposal",
    "interagency",
    "mandate_list",
    "mandate_revoke",
    "note",
    "reception",
    "result",
    "result_file",
    "result_page",
    "result_register",
    "result_sign",
    "task_complete",
    "workspace",
]
