"""What a citizen may see of a dossier's result: nothing until it is issued to them.

An officer uploads the result while the dossier awaits approval, signing or issuance; until the
records clerk issues it (`done`) the file is the agency's draft — it may still be refused,
replaced or turn negative — even though it is stored for the applicant. This one selector
decides, and everything the citizen reaches uses it: the data store and its downloads (through
`documents.hooks.withheld_documents`), the dossier page and the API. See docs/adr/0212.

During a correction (`correction`, NĐ 118 Art. 23) the result issued before stays the
citizen's; a replacement uploaded during the correction is withheld until it is returned.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q

from dossiers.constants import RESULT_ISSUED_STATUSES, DossierStatus, EventKind
from dossiers.models import Dossier

S = DossierStatus


def citizen_result_document(dossier: Dossier) -> uuid.UUID | None:
    """The result document the applicant may see and download now, or None."""
    if dossier.result_document_uuid is None:
        return None
    if dossier.status in RESULT_ISSUED_STATUSES:
        return dossier.result_document_uuid
    if dossier.status == S.CORRECTION:
        return _issued_before_correction(dossier)
    return None


def _issued_before_correction(dossier: Dossier) -> uuid.UUID | None:
    """The result as it was issued, while a correction may be preparing its replacement."""
    entered = (
        dossier.events.filter(kind=EventKind.TRANSITION, to_status=S.CORRECTION)
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    if entered is None:
        return dossier.result_document_uuid
    replaced = (
        dossier.events.filter(kind=EventKind.RESULT_ATTACHED, at__gte=entered)
        .order_by("at", "id")
        .first()
    )
    if replaced is None:
        return dossier.result_document_uuid
    previous = (replaced.data or {}).get("previous")
    return uuid.UUID(previous) if previous else None


def results_withheld(*, user: Any = None, document_uuid: Any = None) -> set[uuid.UUID]:
    """Result documents not (yet) the citizen's: of `user`'s dossiers (as applicant or for an
    organisation they represent), or `document_uuid` alone when it is such a result. Registered
    with `documents.hooks.withheld_documents`."""
    from documents.selectors import organisations_represented

    dossiers = Dossier.objects.filter(result_document_uuid__isnull=False).exclude(
        status__in=RESULT_ISSUED_STATUSES
    )
    if document_uuid is not None:
        dossiers = dossiers.filter(result_document_uuid=document_uuid)
    elif user is not None and user.is_authenticated:
        dossiers = dossiers.filter(
            Q(applicant=user) | Q(organisation__in=organisations_represented(user=user))
        )
    else:
        return set()
    withheld: set[uuid.UUID] = set()
    for dossier in dossiers.only("pk", "status", "result_document_uuid"):
        current = dossier.result_document_uuid
        if current is not None and citizen_result_document(dossier) != current:
            withheld.add(current)
    return withheld
