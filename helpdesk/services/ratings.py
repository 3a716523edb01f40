"""Satisfaction ratings of returned dossiers (NĐ 118 Art. 33)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from common.audit import audit_record
from dossiers.constants import is_online
from helpdesk import selectors
from helpdesk.constants import (
    RatingChannel,
    RatingCriterion,
)
from helpdesk.models import (
    DossierRating,
)
from helpdesk.services.base import (
    HelpdeskError,
)

RATING_FIELDS = tuple(c.value for c in RatingCriterion)


@transaction.atomic
def dossier_rate(
    *,
    dossier_code: str,
    by: User,
    scores: dict[str, int],
    comment: str = "",
    channel: RatingChannel = RatingChannel.WEB,
) -> DossierRating:
    """The applicant rates a returned dossier, once (Decree 118 Art. 33)."""
    dossier = selectors.dossier_ratable_by(dossier_code=dossier_code, user=by)
    required = [f for f in RATING_FIELDS if f != RatingCriterion.ONLINE]
    if is_online(dossier.channel):  # a National Portal dossier is online too
        required.append(RatingCriterion.ONLINE)
    cleaned: dict[str, int] = {}
    for name in RATING_FIELDS:
        value = scores.get(name)
        if value is None and name not in required:
            continue
        if value is None or value not in range(1, 6):
            raise HelpdeskError(_("Hãy chấm điểm từ 1 đến 5 cho mọi tiêu chí."), code="scores")
        cleaned[name] = int(value)
    average = Decimal(sum(cleaned.values())) / Decimal(len(cleaned))
    rating = DossierRating.objects.create(
        dossier=dossier,
        rated_by=by,
        channel=channel,
        agency=dossier.competent_agency or dossier.receiving_agency,
        procedure_code=dossier.procedure_code,
        average=average.quantize(Decimal("0.01")),
        comment=comment.strip(),
        **cleaned,
    )
    audit_record(
        action="helpdesk.dossier_rated",
        actor=by,
        obj=rating,
        data={"dossier": dossier.code, "average": str(rating.average)},
    )
    return rating
