"""The one transition service of the helpdesk: every change of a report's or a question's status
is an action of `helpdesk.workflow`'s tables, checked here on the locked row."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from helpdesk.models import FieldReport, Question
from helpdesk.services.base import HelpdeskError
from helpdesk.workflow import Transition, question_transition, report_transition


@dataclass(frozen=True)
class Step:
    """An action the table allows now: the status before it and the status it leads to (the
    same one for an action that keeps the status, such as triage)."""

    action: str
    previous: str
    target: str


def _check(transition: Transition, *, status: str, actor: str, refused: str) -> None:
    if actor not in transition.actors:
        # A service taking an action on behalf of the wrong actor is a bug, not a user error.
        raise HelpdeskError(_("Bạn không được thực hiện thao tác này."), code="forbidden")
    if status not in transition.sources:
        raise HelpdeskError(refused, code="wrong_status")


def report_take(report: FieldReport, action: str, *, actor: str) -> Step:
    """Check `action` against the table for `report` (locked by the caller) taken by `actor`."""
    transition = report_transition(action)
    _check(
        transition,
        status=report.status,
        actor=actor,
        refused=_("Không thể thực hiện thao tác này khi phản ánh đang ở trạng thái “%(status)s”.")
        % {"status": report.get_status_display()},
    )
    target = transition.target_for(assigned=report.assigned_agency_id is not None)
    return Step(action=action, previous=report.status, target=target or report.status)


def question_take(question: Question, action: str, *, actor: str) -> Step:
    """Check `action` against the table for `question` (locked by the caller) taken by `actor`."""
    transition = question_transition(action)
    _check(
        transition,
        status=question.status,
        actor=actor,
        refused=_("Không thể thực hiện thao tác này khi câu hỏi đang ở trạng thái “%(status)s”.")
        % {"status": question.get_status_display()},
    )
    target = transition.target_for(assigned=question.assigned_agency_id is not None)
    return Step(action=action, previous=question.status, target=target or question.status)
