"""Keeps the generated part of `docs/dossier-workflow.md` in step with the transition table.

`python manage.py workflow_diagram` rewrites the block between the markers; the test
`dossiers/tests/test_docs.py` fails when the file differs from what the table produces.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from dossiers import workflow
from dossiers.constants import NATIONAL_PORTAL_STATUS, Actor, DossierStatus

BEGIN = "<!-- BEGIN GENERATED: python manage.py workflow_diagram -->"
END = "<!-- END GENERATED -->"


def doc_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "dossier-workflow.md"


def generated_block() -> str:
    statuses = [
        "| Trạng thái | Tên | Mã Cổng DVCQG |",
        "|---|---|---|",
        *(
            f"| `{status}` | {status.label} | {NATIONAL_PORTAL_STATUS[status] or '—'} |"
            for status in DossierStatus
        ),
    ]
    return "\n\n".join(
        [
            BEGIN,
            "### Sơ đồ trạng thái\n\n```mermaid\n" + workflow.mermaid_diagram() + "\n```",
            "### Trạng thái và mã trạng thái trên Cổng DVCQG\n\n" + "\n".join(statuses),
            "### Ai được làm gì\n\n" + workflow.who_may_do_what_table(),
            "### Theo vai trò\n\n" + by_role_table(),
            END,
        ]
    )


def splice(text: str) -> str:
    """`text` with its generated block replaced by the current one (appended if absent)."""
    block = generated_block()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _old, tail = rest.split(END, 1)
        return head + block + tail
    return text.rstrip("\n") + "\n\n" + block + "\n"


def is_current(text: str) -> bool:
    return splice(text) == text


def by_role_table() -> str:
    rows = ["| Vai trò | Được chuyển |", "|---|---|"]
    for actor in Actor:
        edges = [f"`{t.source}` → `{t.target}`" for t in workflow.TRANSITIONS if actor in t.actors]
        rows.append(f"| `{actor}` ({actor.label}) | {'; '.join(edges)} |")
    return "\n".join(rows)
