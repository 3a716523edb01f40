"""Who may open a dossier from the applicant's side: the one rule every citizen read, action
and download goes through (`citizen.dossiers_visible_to`, `actors.dossier_actor_agency`).

* A person's dossier: the applicant, and a helper who filed it under a mandate *while that
  mandate is in force* — a revoked, expired or declined mandate closes everything filed under it
  at once, drafts and PDFs included (ADR 0285).
* An organisation's dossier: its representatives *today* only; a representative who left, even
  the one who filed it, no longer sees it.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from accounts.identity.mandates import mandate_uuids_in_force
from accounts.models import User
from documents.selectors import organisations_represented
from dossiers.models import Dossier


def applicant_side(*, user: User | AnonymousUser) -> Q:
    """The dossiers `user` stands for as applicant, representative or mandated helper."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    own = Q(organisation__isnull=True, applicant=user)
    represented = Q(organisation__in=organisations_represented(user=user))
    mandates = mandate_uuids_in_force(agent=user)
    if not mandates:
        return own | represented
    mandated = Q(organisation__isnull=True, submitter=user, applicant_data__mandate__in=mandates)
    return own | represented | mandated


def stands_for_applicant(*, user: User, dossier: Dossier) -> bool:
    # The applicant of their own person's dossier (the first condition of `applicant_side`) is
    # read from the row in hand: two queries fewer on every step of a citizen's own draft.
    if dossier.organisation_id is None and user.pk is not None and dossier.applicant_id == user.pk:
        return True
    if dossier.organisation_id is None and user.pk not in (
        dossier.applicant_id,
        dossier.submitter_id,
    ):
        # Neither the applicant nor the helper who filed it: `applicant_side` cannot match
        # (an officer on the dossier page asks this; no two queries for a certain no).
        return False
    return Dossier.objects.filter(applicant_side(user=user), pk=dossier.pk).exists()
