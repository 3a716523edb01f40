"""What this user may do to this dossier now — one answer for views, templates and the API.

Derived from the transition table's metadata (`dossiers.workflow`: the edges from the current
status, their actors) and the user's roles and agencies (`dossiers.selectors.actors`); the facts
the back office records beside status changes (extension, result, note) read their roles and
statuses from `dossiers.constants`. Guards are not evaluated here: the service reports them
when the action is taken (a button may be refused with the reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from accounts.models import User
from accounts.selectors import user_roles
from agencies.selectors import memberships_in_force
from dossiers.constants import (
    CLOCK_RUNNING_STATUSES,
    EXTEND_ROLES,
    EXTENSION_PROPOSE_ROLES,
    RESULT_ROLES,
    RESULT_UPLOAD_STATUSES,
    STAFF_ACTORS,
    Actor,
    DossierStatus,
)
from dossiers.models import Dossier
from dossiers.selectors.access import stands_for_applicant
from dossiers.selectors.actors import dossier_actor_agency
from dossiers.selectors.proposals import (
    extension_proposal_pending,
    extension_recorded,
    transition_taken,
)
from dossiers.selectors.results import citizen_result_document
from dossiers.workflow import Transition, TransitionNotAllowed, available_transitions

S = DossierStatus

# Edges the officer's page takes through a form of their own instead of a plain button.
RECEPTION_TARGETS = frozenset({S.RECEIVED, S.INTAKE_SUPPLEMENT, S.REJECTED_AT_INTAKE})
ASSIGN_EDGE = (S.IN_PROCESS, S.APPRAISING)
CONSULT_EDGE = (S.APPRAISING, S.CONSULTING)
APPROVE_EDGE = (S.AWAITING_APPROVAL, S.SIGNING)
INTERAGENCY_EDGES = frozenset({(S.IN_PROCESS, S.INTERAGENCY), (S.APPRAISING, S.INTERAGENCY)})
# The citizen's answer to a supplement request goes where the table's edge leads.
SUPPLEMENT_ANSWER_EDGES = frozenset(
    {(S.INTAKE_SUPPLEMENT, S.SUBMITTED), (S.SUPPLEMENT_REQUESTED, S.SUPPLEMENT_SUBMITTED)}
)
APPLICANT_ACTORS = frozenset({Actor.CITIZEN, Actor.COMMUNITY_HELPER})
# The steps the decree allows once per dossier (Art. 11.2.c, 16.3, 19.5): once taken, they are no
# longer offered and the page says when they were taken (their guards refuse a second time).
ONCE_ONLY_TARGETS: dict[str, str] = {
    S.INTAKE_SUPPLEMENT: "intake_supplement",
    S.SUPPLEMENT_REQUESTED: "supplement",
}


@dataclass(frozen=True)
class UsedOnce:
    """A once-only step already taken: which, when, by whom (the page's "used on" line)."""

    name: str  # intake_supplement, supplement, extension
    at: dt.datetime
    by: str


@dataclass(frozen=True)
class DossierAction:
    transition: Transition
    role: Actor


@dataclass(frozen=True)
class DossierActions:
    """Each field: the role to act in (None: not allowed now), or a yes/no for the applicant."""

    transitions: tuple[DossierAction, ...]
    receive: str | None = None
    assign: str | None = None
    consult: str | None = None
    interagency: str | None = None
    extend: str | None = None
    propose_extension: str | None = None
    decide_extension: str | None = None
    upload_result: str | None = None
    sign_result: str | None = None
    register_result: str | None = None
    withdraw: bool = False
    cancel_withdrawal: bool = False
    answer_supplement: bool = False
    download_result: bool = False
    used: tuple[UsedOnce, ...] = ()

    def used_at(self, name: str) -> UsedOnce | None:
        return next((u for u in self.used if u.name == name), None)

    @property
    def intake_supplement_used(self) -> UsedOnce | None:
        return self.used_at("intake_supplement")

    @property
    def supplement_used(self) -> UsedOnce | None:
        return self.used_at("supplement")

    @property
    def extension_used(self) -> UsedOnce | None:
        return self.used_at("extension")

    @property
    def buttons(self) -> tuple[DossierAction, ...]:
        """The staff edges shown as plain buttons: not the applicant's, not those a dedicated
        form takes (reception checklist, assignment, consultation, inter-agency)."""
        dedicated = {ASSIGN_EDGE, CONSULT_EDGE, *INTERAGENCY_EDGES}
        return tuple(
            a
            for a in self.transitions
            if a.role not in APPLICANT_ACTORS
            and not (
                a.transition.source == S.SUBMITTED and a.transition.target in RECEPTION_TARGETS
            )
            and (a.transition.source, a.transition.target) not in dedicated
        )

    def names(self) -> list[str]:
        """The allowed actions by name (the API's `actions`)."""
        named = [
            name
            for name in (
                "receive",
                "assign",
                "consult",
                "interagency",
                "extend",
                "propose_extension",
                "decide_extension",
                "upload_result",
                "sign_result",
                "register_result",
                "withdraw",
                "cancel_withdrawal",
                "answer_supplement",
                "download_result",
            )
            if getattr(self, name)
        ]
        return named + [f"to:{a.transition.target}" for a in self.buttons]


def dossier_actions(*, dossier: Dossier, user: User) -> DossierActions:
    """Everything `user` may do to `dossier` now (see the module docstring)."""
    used = _used_once(dossier)
    used_names = {u.name for u in used}
    edges = [
        a
        for a in dossier_actions_for(dossier=dossier, user=user)
        if ONCE_ONLY_TARGETS.get(a.transition.target) not in used_names
        and not _approval_without_draft(dossier, a.transition)
    ]

    def edge_role(match: Iterable[tuple[str, str]] | None = None, targets=None) -> str | None:
        for action in edges:
            t = action.transition
            if (match is not None and (t.source, t.target) in match) or (
                targets is not None and t.target in targets
            ):
                return str(action.role)
        return None

    applicant_targets = {
        (a.transition.source, a.transition.target) for a in edges if a.role in APPLICANT_ACTORS
    }
    receive = edge_role(targets=RECEPTION_TARGETS) if dossier.status == S.SUBMITTED else None
    extend = propose_extension = decide_extension = None
    if dossier.status in CLOCK_RUNNING_STATUSES and dossier.due_at and not dossier.extension_count:
        pending = extension_proposal_pending(dossier)
        head = dossier_acting_role(dossier=dossier, user=user, roles=EXTEND_ROLES)
        if pending is not None:
            decide_extension = head
        else:
            extend = head
            propose_extension = dossier_acting_role(
                dossier=dossier, user=user, roles=EXTENSION_PROPOSE_ROLES
            )
    upload_result = None
    if dossier.status in RESULT_UPLOAD_STATUSES:
        upload_result = dossier_acting_role(dossier=dossier, user=user, roles=RESULT_ROLES)
    # The head signs the uploaded draft while signing; the records clerk registers it to issue.
    sign_result = None
    if dossier.status == S.SIGNING and dossier.result_document_uuid:
        sign_result = dossier_acting_role(dossier=dossier, user=user, roles=(Actor.AGENCY_HEAD,))
    register_result = None
    if dossier.status == S.ISSUING:
        register_result = dossier_acting_role(
            dossier=dossier, user=user, roles=(Actor.RECORDS_CLERK,)
        )
    return DossierActions(
        transitions=tuple(edges),
        receive=receive,
        assign=edge_role(match={ASSIGN_EDGE}),
        consult=edge_role(match={CONSULT_EDGE}),
        interagency=edge_role(match=INTERAGENCY_EDGES),
        extend=extend,
        propose_extension=propose_extension,
        decide_extension=decide_extension,
        upload_result=upload_result,
        sign_result=sign_result,
        register_result=register_result,
        withdraw=any(target == S.WITHDRAWAL_REQUESTED for _s, target in applicant_targets),
        cancel_withdrawal=dossier.status == S.WITHDRAWAL_REQUESTED
        and (S.WITHDRAWAL_REQUESTED, dossier.resume_status) in applicant_targets,
        answer_supplement=bool(applicant_targets & SUPPLEMENT_ANSWER_EDGES),
        download_result=bool(applicant_targets or _is_applicant(dossier, user))
        and citizen_result_document(dossier) is not None,
        used=used,
    )


def _approval_without_draft(dossier: Dossier, transition: Transition) -> bool:
    """The approval ("Phê duyệt") is not offered until there is a draft result to approve (its
    guard would refuse it anyway); the proposal card says the draft is missing."""
    edge = (transition.source, transition.target)
    return edge == APPROVE_EDGE and dossier.result_document_uuid is None


# Where each once-only step would be offered: only there is it worth asking whether it was used.
ONCE_ONLY_OFFERED_IN: dict[str, str] = {
    S.INTAKE_SUPPLEMENT: S.SUBMITTED,
    S.SUPPLEMENT_REQUESTED: S.APPRAISING,
}


def _used_once(dossier: Dossier) -> tuple[UsedOnce, ...]:
    """The once-only steps this dossier has taken, among those it could be offered now."""
    taken = [
        (name, transition_taken(dossier, target))
        for target, name in ONCE_ONLY_TARGETS.items()
        if ONCE_ONLY_OFFERED_IN[target] == dossier.status
    ]
    if dossier.status in CLOCK_RUNNING_STATUSES:
        taken.append(("extension", extension_recorded(dossier)))
    used: list[UsedOnce] = []
    for name, event in taken:
        if event is not None:
            actor = event.actor
            by = (actor.full_name or actor.email) if actor is not None else ""
            used.append(UsedOnce(name=name, at=event.at, by=by))
    return tuple(used)


def dossier_actions_for(*, dossier: Dossier, user: User) -> list[DossierAction]:
    """The edges `user` may take on `dossier` now, with the role to take each in (the action
    buttons). Table, role and agency are checked; guards are not (the service reports them)."""
    roles = _candidate_roles(dossier=dossier, user=user)
    actions: list[DossierAction] = []
    allowed_roles: dict[Actor, bool] = {}
    for transition in available_transitions(dossier.status, roles):
        for role in sorted(transition.actors & roles):
            if role not in allowed_roles:
                allowed_roles[role] = _may_act(dossier=dossier, user=user, role=role)
            if allowed_roles[role]:
                actions.append(DossierAction(transition=transition, role=role))
                break
    return actions


def dossier_acting_role(*, dossier: Dossier, user: User, roles: Iterable[str]) -> str | None:
    """The first of `roles` in which `user` may act on `dossier` (role and agency checked), or
    None: which hat an officer wears for a back-office action."""
    for role in roles:
        if _may_act(dossier=dossier, user=user, role=role):
            return str(role)
    return None


def _is_applicant(dossier: Dossier, user: User) -> bool:
    return stands_for_applicant(user=user, dossier=dossier)


def _candidate_roles(*, dossier: Dossier, user: User) -> set[Actor]:
    held = {m.role for m in memberships_in_force(user)}
    roles = {Actor(r) for r in held if r in STAFF_ACTORS}
    if user.pk in (dossier.applicant_id, dossier.submitter_id) or dossier.organisation_id:
        roles.add(Actor.CITIZEN)
    if user.pk == dossier.submitter_id and Actor.COMMUNITY_HELPER in user_roles(user=user):
        roles.add(Actor.COMMUNITY_HELPER)
    return roles


def _may_act(*, dossier: Dossier, user: User, role: str) -> bool:
    try:
        dossier_actor_agency(dossier=dossier, by=user, role=role)
    except TransitionNotAllowed:
        return False
    return True
