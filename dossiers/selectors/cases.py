"""Reads of a dossier's case (ADR 0260): which upload slots a case has, which cases there are,
and the guidance shown beside the slots."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from dossiers.constants import ComponentSource
from dossiers.models import Dossier
from procedures.selectors import (
    CaseGuidance,
    case_documents,
    procedure_case_reads,
    procedure_cases,
)


def case_component_specs(*, procedure: Any, case_key: str) -> list[dict[str, Any]]:
    """One component per upload slot of the case (the common ones when no case is chosen)."""
    return [
        {
            "requirement_code": f"R{requirement.pk}",
            "requirement_name": requirement.name[:500],
            "is_required": requirement.required,
            "source": ComponentSource.STATE_HOLDS if requirement.state_holds else "",
        }
        for requirement in case_documents(procedure=procedure, case_key=case_key)
    ]


CASE_NOT_CHOSEN = _("Chọn trường hợp đúng với người nộp hồ sơ.")


def case_choice_missing(dossier: Dossier, procedure: Any) -> bool:
    """True while the procedure has several cases and the dossier is in none of them."""
    return not dossier.case_key and len(procedure_cases(procedure=procedure)) > 1


def initial_case(procedure: Any) -> tuple[str, str]:
    """The case a new dossier starts in: the only one, or none yet when there is a choice."""
    cases = procedure_cases(procedure=procedure)
    if len(cases) == 1:  # nothing to choose, so nothing to show either
        return cases[0].key, ""
    return "", ""


@dataclass
class DossierCases:
    """What the case step and the officer's case panel show for one dossier."""

    choices: list[Any]  # ProcedureCase rows
    chosen_key: str
    guidance: CaseGuidance | None
    # The condition of each optional slot ("Khi …"), by the component's requirement code.
    conditions: dict[str, str] = field(default_factory=dict)

    @property
    def needs_choice(self) -> bool:
        return len(self.choices) > 1 and not self.chosen_key

    @property
    def has_choice(self) -> bool:
        return len(self.choices) > 1


def checklist_components(dossier: Dossier) -> list[Any]:
    """What the reception officer checks: every document required of the dossier's case and every
    one the applicant attached; an optional document left empty is nothing to check or to ask
    for, and what the state holds is never asked (ADR 0260)."""
    return [
        c
        for c in dossier.components.all()
        if c.source != ComponentSource.STATE_HOLDS and (c.is_required or c.document_uuid)
    ]


def case_required_names(*, procedure: Any, case: Any) -> list[str]:
    """The documents a case asks for, to help the applicant recognise their situation."""
    return [
        r.name
        for r in case_documents(procedure=procedure, case_key=case.key)
        if r.required and not r.state_holds
    ]


def dossier_cases(dossier: Dossier) -> DossierCases:
    """The dossier's procedure's cases and, for the chosen one, the guidance beside the list.
    The caller has already scoped `dossier` to the requesting user."""
    # Three small reads, not the whole procedure (`procedure_get`: ten queries, the biggest cost
    # of the officer's dossier page, docs/benchmarks.md).
    reads = procedure_case_reads(code=dossier.procedure_code, case_key=dossier.case_key)
    if reads is None:
        return DossierCases(choices=[], chosen_key=dossier.case_key, guidance=None)
    choices, guidance = reads.cases, reads.guidance
    conditions = {
        f"R{r.pk}": r.condition for r in reads.documents if r.condition and not r.required
    }
    return DossierCases(
        choices=choices, chosen_key=dossier.case_key, guidance=guidance, conditions=conditions
    )
