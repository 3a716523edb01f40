"""Money as citizens read it: one function, used by the `vnd` template filter and by Python code
that puts an amount into a sentence (notifications, guard messages).

Vietnamese: "20.000 đồng" (dot thousands). Any other language: "20,000 VND" (comma thousands,
the ISO code). The amount is a whole number of đồng; VND has no minor unit in use.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils import translation


def format_vnd(amount: int | Decimal | str | None, *, language: str | None = None) -> str:
    """`20000` → "20.000 đồng" in Vietnamese, "20,000 VND" in English; `None`/"" → ""."""
    if amount is None or amount == "":
        return ""
    value = int(Decimal(str(amount)))
    language = (language or translation.get_language() or "vi").lower()
    grouped = f"{abs(value):,}"
    sign = "−" if value < 0 else ""
    if language.startswith("vi"):
        return f"{sign}{grouped.replace(',', '.')} đồng"
    return f"{sign}{grouped} VND"


# An amount someone already formatted ("50.000 ₫", "50,000 đồng", "50000"): read its digits again
# so the reader's language decides the format.
_FORMATTED = re.compile(r"^\s*(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:₫|đ|đồng|vnđ|vnd)?\s*$", re.I)


def format_vnd_lenient(value: object, *, language: str | None = None) -> str:
    """`format_vnd` for a value that may already be text: a number (or a formatted amount) is
    formatted for `language`; any other text is returned as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        match = _FORMATTED.match(value)
        if not match:
            return value
        value = re.sub(r"[.,]", "", match.group(1))
    try:
        return format_vnd(value, language=language)  # type: ignore[arg-type]
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
