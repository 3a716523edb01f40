"""Agency pickers for staff forms (consultation, inter-agency work, a helpdesk transfer): the
agencies grouped by level and sorted by name as a Vietnamese reader sorts (accents folded), and a
filter box that `static/js/portal.js` adds in front of the list (issue #20: 213 entries, and no
way to type a name). Without JavaScript the picker is the same list as a plain select."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.constants import AgencyLevel
from agencies.models import Agency
from common.text import fold


def agency_choices_by_level(
    agencies: Iterable[Agency], *, empty_label: str | None = "—"
) -> list[tuple[str, Any]]:
    """Option groups by level (province, then commune, then any other), each sorted by folded
    name; `empty_label` first unless None."""
    levels = [*AgencyLevel.choices, ("", gettext_lazy("Cơ quan khác"))]
    listed = list(agencies)
    groups: list[tuple[str, Any]] = [("", empty_label)] if empty_label is not None else []
    for level, label in levels:
        members = sorted(
            (a for a in listed if (a.level if a.level in AgencyLevel.values else "") == level),
            key=lambda a: fold(a.name),
        )
        if members:
            groups.append((str(label), [(str(a.uuid), a.name) for a in members]))
    return groups


def filterable(field: forms.Field) -> None:
    """Mark a select as an agency picker: the page's script puts a filter box before it (typing
    part of a name, with or without accents, hides the agencies that do not match). Called when
    the form is made, in the reader's language."""
    field.widget.attrs.update(
        {
            # Not the list's own label repeated: finding the list by its label stays unambiguous.
            "data-filter-label": _("Lọc danh sách cơ quan: gõ một phần tên (không dấu cũng được)"),
            "data-filter-count": _("Số cơ quan phù hợp: %(n)s"),
        }
    )
