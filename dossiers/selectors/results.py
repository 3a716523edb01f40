"""What a citizen may see of a dossier's result: nothing until it is issued to them.

An officer uploads the result while the dossier awaits approval, signing or issuance; until the
records clerk issues it (`done`) the file is the agency's draft — it may still be refused,
replaced or turn negative — even though it is stored for the applicant. This one selector
decides, and everything the citizen reaches uses it: the data store and its downloads (through
`documents.hooks.withheld_documents`), the dossier page and the API. See docs/adr/0212.

During a correction (`correction`, NĐ 118 Art. 23) the result issued before stays the
citizen's; a replacement uploaded during the correction is withheld until it is returned. A
document replaced before issuance (the draft, the head's copy before the clerk's registration)
is never released: the applicant gets what was issued, nothing else.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from documents.models import StoredDocument
from documents.previews import PdfPreview, PreviewUnavailable, pdf_preview
from documents.selectors import document_referenced_by_dossier, organisations_represented
from dossiers.constants import RESULT_ISSUED_STATUSES, DossierStatus, EventKind
from dossiers.models import Dossier, DossierEvent, NumberRegister
from dossiers.numbering_models import RegisterBook, number_text

S = DossierStatus
logger = logging.getLogger(__name__)


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


def _withheld_of(dossier: Dossier) -> set[uuid.UUID]:
    """Every document ever attached as this dossier's result that was never issued to the
    applicant: drafts, the head's signed copy before the clerk's registration, a replacement
    still in correction. A result is released when the dossier reaches `done` or `returned`
    with it attached (read from the events, in order), or when it is the citizen's now."""
    attached: set[uuid.UUID] = set()
    released: set[uuid.UUID] = set()
    current: uuid.UUID | None = None
    for event in dossier.events.all():  # prefetched: RESULT_ATTACHED and TRANSITION, in order
        if event.kind == EventKind.RESULT_ATTACHED:
            current = uuid.UUID(str((event.data or {}).get("document_uuid")))
            attached.add(current)
        elif event.to_status in RESULT_ISSUED_STATUSES and current is not None:
            released.add(current)
    if dossier.result_document_uuid is not None:
        attached.add(dossier.result_document_uuid)
    now = citizen_result_document(dossier)
    if now is not None:
        released.add(now)
    return attached - released


def _with_history(dossiers: Any) -> Any:
    history = DossierEvent.objects.filter(
        kind__in=(EventKind.RESULT_ATTACHED, EventKind.TRANSITION)
    ).order_by("at", "id")
    return dossiers.prefetch_related(Prefetch("events", queryset=history))


def results_withheld(*, user: Any = None, document_uuid: Any = None) -> set[uuid.UUID]:
    """Result documents not (or not yet) the citizen's: of `user`'s dossiers (as applicant or
    for an organisation they represent), or `document_uuid` alone when it is one. Registered
    with `documents.hooks.withheld_documents`."""
    dossiers = Dossier.objects.filter(result_document_uuid__isnull=False)
    if document_uuid is not None:
        # A result is stored with its dossier's code (office_result_upload).
        reference = (
            StoredDocument.objects.filter(uuid=document_uuid, issued_by_system=True)
            .values_list("dossier_reference", flat=True)
            .first()
        )
        if not reference:
            return set()
        dossiers = dossiers.filter(code=reference)
    elif user is not None and user.is_authenticated:
        dossiers = dossiers.filter(
            Q(applicant=user) | Q(organisation__in=organisations_represented(user=user))
        )
    else:
        return set()
    withheld: set[uuid.UUID] = set()
    for dossier in _with_history(dossiers):
        withheld |= _withheld_of(dossier)
    if document_uuid is not None:
        return {uuid.UUID(str(document_uuid))} & withheld
    return withheld


def next_outgoing_number(*, dossier: Dossier) -> str:
    """The number the result would get from the competent agency's outgoing book if the records
    clerk leaves the field empty (ADR 0276); shown, not reserved."""
    agency_id = dossier.competent_agency_id or dossier.receiving_agency_id
    year = timezone.localdate().year
    if agency_id is None:
        return number_text(1, year)
    last = (
        NumberRegister.objects.filter(agency_id=agency_id, year=year, book=RegisterBook.OUTGOING)
        .values_list("last_number", flat=True)
        .first()
        or 0
    )
    return number_text(last + 1, year)


def office_result_preview(dossier: Dossier) -> PdfPreview | None:
    """The attached result (the draft the head approves, or its signed copy) as page images and
    text to show inline on the officer's page (ADR 0320); None when there is no file or Poppler
    could not read it (the page then offers the PDF alone). The caller has already allowed the
    officer to see this dossier."""
    document = document_referenced_by_dossier(uuid=dossier.result_document_uuid)
    if document is None or not document.is_pdf:
        return None
    try:
        return pdf_preview(document)
    except PreviewUnavailable as error:
        logger.warning("result preview of %s unavailable: %s", dossier.code, error)
        return None
