"""Which agency a user acts for on a dossier, in a role (read by the transition service and the
actions selector): the applicant side by ownership or representation, staff by their
memberships in force, routed agencies by `dossiers.hooks.dossier_agency_scopes`.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import user_roles
from agencies.models import Agency
from agencies.selectors import memberships_in_force
from dossiers.constants import (
    RECEIVING_SIDE_ACTORS,
    STAFF_ACTORS,
    Actor,
)
from dossiers.hooks import dossier_agency_scopes
from dossiers.models import Dossier
from dossiers.selectors.access import stands_for_applicant
from dossiers.workflow import TransitionNotAllowed

# --- who may act ---------------------------------------------------------------------------------


def _agency_ids_for(dossier: Dossier, role: str, *, routed: bool) -> set[int]:
    side = (
        dossier.receiving_agency_id
        if role in RECEIVING_SIDE_ACTORS
        else dossier.competent_agency_id
    )
    ids = {side} if side is not None else set()
    if routed:
        for _name, scope in dossier_agency_scopes.items():
            ids.update(scope(dossier, role))
    return ids


def dossier_actor_agency(
    *, dossier: Dossier, by: User | None, role: str, routed: bool = False
) -> Agency | None:
    """Check that `by` may act on `dossier` as `role`; return the agency a staff actor acts for.

    * `system` is for trusted code paths (tasks, payment callbacks, the portal importer), never
      derived from a request; it needs no user.
    * `citizen`: whoever stands for the applicant today (`access.stands_for_applicant`: the
      applicant, a helper under a mandate in force, a current representative).
    * `community_helper`: the submitter, holding the helper role, under a mandate in force.
    * staff: a membership in force with that role in the receiving agency (one-stop side) or
      the competent agency (agency side). With `routed=True` (facts recorded on the history:
      a consultation reply, an inter-agency task done), also an agency a registered scope adds;
      never for a status change, so a consulted agency cannot move the dossier.
    """
    if role == Actor.SYSTEM:
        return None
    if by is None or not by.is_active:
        raise TransitionNotAllowed(_("Cần đăng nhập để thực hiện thao tác này."), code="no_actor")
    if role == Actor.CITIZEN:
        if stands_for_applicant(user=by, dossier=dossier):
            return None
    elif role == Actor.COMMUNITY_HELPER:
        if (
            by.pk == dossier.submitter_id
            and role in user_roles(user=by)
            and stands_for_applicant(user=by, dossier=dossier)
        ):
            return None
    elif role in STAFF_ACTORS:
        # The memberships of the request (one read however many roles the page asks about).
        agency_ids = _agency_ids_for(dossier, role, routed=routed)
        held = [
            m
            for m in memberships_in_force(by, timezone.localdate())
            if m.role == role and m.agency_id in agency_ids
        ]
        if held:
            return min(held, key=lambda m: m.pk).agency
    raise TransitionNotAllowed(
        _("Bạn không có quyền thực hiện thao tác này trên hồ sơ này."), code="actor_not_allowed"
    )
