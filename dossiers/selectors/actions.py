"""Reads on dossiers. Queues and scoped lists are built by the submission and back-office work;
this module holds what the core can answer for any of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from accounts.models import User
from accounts.selectors import user_roles
from dossiers.constants import STAFF_ACTORS, Actor
from dossiers.models import Dossier
from dossiers.selectors.actors import dossier_actor_agency
from dossiers.workflow import Transition, TransitionNotAllowed, available_transitions


@dataclass(frozen=True)
class DossierAction:
    transition: Transition
    role: Actor


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


def _candidate_roles(*, dossier: Dossier, user: User) -> set[Actor]:
    from agencies.selectors import staff_memberships

    held = set(staff_memberships(user).values_list("role", flat=True))
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
