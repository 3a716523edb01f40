"""The helpdesk's transition tables (field reports and questions) and pure lookups: no ORM, no I/O.

Like `dossiers.workflow`, every action names the statuses it may start from, the status it leads
to (None: the status stays, e.g. triage), who may take it and whether a note is required. The
services take an action through `helpdesk.services.transitions` (which checks this table); the
actions selector (`helpdesk.selectors.report_actions` / `question_actions`) derives from it what a
user may do now, for views and templates. QĐ 766 indicator 5.2 sets the stages (regulation-spec
§11.1); the order of the steps is ours [I].
"""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk.constants import (
    CLOSED_REPORT_STATUSES,
    OPEN_REPORT_STATUSES,
    QuestionStatus,
    ReportStatus,
)

R = ReportStatus
Q = QuestionStatus


class Actor:
    """Who takes an action. The views and services establish it: HELPDESK is a 1022 officer
    (`selectors.is_helpdesk_officer`), AGENCY an officer of the agency the item is assigned to
    (`report_answerable_by` / `question_answerable_by`), REPORTER the person who filed the report
    (signed in, or holding its code and verified phone)."""

    HELPDESK = "helpdesk"
    AGENCY = "agency"
    REPORTER = "reporter"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    # None: the status does not change (triage, rating, hiding a photo).
    target: str | None
    actors: frozenset[str]
    note_required: bool = False
    # Reopening goes back to the agency when one was assigned, else to the helpdesk's intake.
    target_if_unassigned: str | None = None

    def target_for(self, *, assigned: bool) -> str | None:
        if not assigned and self.target_if_unassigned is not None:
            return self.target_if_unassigned
        return self.target


def _t(
    action: str,
    sources: frozenset[str] | set[str],
    target: str | None,
    *actors: str,
    note: bool = False,
    target_if_unassigned: str | None = None,
) -> Transition:
    return Transition(
        action=action,
        sources=frozenset(sources),
        target=target,
        actors=frozenset(actors),
        note_required=note,
        target_if_unassigned=target_if_unassigned,
    )


ALL_REPORT_STATUSES = OPEN_REPORT_STATUSES | CLOSED_REPORT_STATUSES

REPORT_TRANSITIONS: tuple[Transition, ...] = (
    _t("triage", OPEN_REPORT_STATUSES, None, Actor.HELPDESK),
    _t("request_info", {R.NEW}, R.NEEDS_INFO, Actor.HELPDESK, note=True),
    _t("supply_info", {R.NEEDS_INFO}, R.NEW, Actor.REPORTER, note=True),
    _t("refuse", {R.NEW, R.NEEDS_INFO}, R.REFUSED, Actor.HELPDESK, note=True),
    _t("assign", OPEN_REPORT_STATUSES, R.ASSIGNED, Actor.HELPDESK),
    _t("answer", {R.ASSIGNED}, R.ANSWERED, Actor.AGENCY, note=True),
    _t("return_answer", {R.ANSWERED}, R.ASSIGNED, Actor.HELPDESK, note=True),
    _t("publish", {R.ANSWERED}, R.PUBLISHED, Actor.HELPDESK),
    _t("rate", {R.PUBLISHED}, None, Actor.REPORTER),
    _t("reopen", {R.PUBLISHED}, R.ASSIGNED, Actor.REPORTER, target_if_unassigned=R.NEW),
    _t("merge", OPEN_REPORT_STATUSES, R.MERGED, Actor.HELPDESK),
    _t("hide_photo", ALL_REPORT_STATUSES, None, Actor.HELPDESK),
)

# Reports another report may be merged into: still open, or already answered publicly.
MERGE_INTO_STATUSES = OPEN_REPORT_STATUSES | {R.PUBLISHED}

QUESTION_TRANSITIONS: tuple[Transition, ...] = (
    _t("assign", {Q.NEW, Q.ASSIGNED, Q.ANSWERED}, Q.ASSIGNED, Actor.HELPDESK),
    _t("answer", {Q.NEW, Q.ASSIGNED}, Q.ANSWERED, Actor.AGENCY, note=True),
    _t("publish", {Q.ANSWERED}, Q.PUBLISHED, Actor.HELPDESK, note=True),
    _t("refuse", {Q.NEW, Q.ASSIGNED}, Q.REFUSED, Actor.HELPDESK, note=True),
)

REPORT_ACTIONS = {t.action: t for t in REPORT_TRANSITIONS}
QUESTION_ACTIONS = {t.action: t for t in QUESTION_TRANSITIONS}


def report_transition(action: str) -> Transition:
    return REPORT_ACTIONS[action]


def question_transition(action: str) -> Transition:
    return QUESTION_ACTIONS[action]


def allowed_actions(
    table: tuple[Transition, ...], *, status: str, actors: frozenset[str] | set[str]
) -> frozenset[str]:
    """The actions the table allows from `status` to anyone acting as one of `actors`."""
    return frozenset(t.action for t in table if status in t.sources and t.actors & set(actors))
