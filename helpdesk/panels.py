"""Fragments other pages can show without importing helpdesk (registered where a page offers a
hook; see docs/helpdesk.md "For other apps")."""

from django.template.loader import render_to_string

from helpdesk import selectors


def procedure_faq_panel(*, procedure_code: str, limit: int = 5) -> str:
    """The published answers about one procedure, for its catalogue page ("" when none)."""
    questions = list(selectors.faq(procedure_code=procedure_code)[:limit])
    if not questions:
        return ""
    return render_to_string(
        "helpdesk/includes/_procedure_faq.html",
        {"questions": questions, "procedure_code": procedure_code},
    )
