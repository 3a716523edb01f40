"""Spreadsheet exports never execute (OWASP "CSV injection").

Every cell of every CSV/XLSX export goes through `neutralise`: a text cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, so Excel and LibreOffice
show it as text instead of evaluating it (an applicant named `=HYPERLINK(…)` stays a name).
openpyxl would otherwise store a string starting with `=` as a live formula. Numbers, dates and
empty cells are left as they are: they cannot carry a formula.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def neutralise(value: Any) -> Any:
    """The cell value as an export must write it."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return ESCAPE + value
    return value


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in row]


def restore(value: str) -> str:
    """An imported cell as it was before `neutralise` (for files exported here and read back)."""
    if value.startswith(ESCAPE) and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value
