"""Writes of the result: the file attached before the dossier is returned (officer upload and
the generic `dossier_result_attach`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from dossiers.constants import (
    Actor,
    DossierStatus,
    EventKind,
)
from dossiers.models import Dossier, DossierEvent
from dossiers.services.drafts import document_reference
from dossiers.services.reception import acting_role
from dossiers.services.transition import dossier_event_record
from dossiers.workflow import TransitionNotAllowed

S = DossierStatus

RESULT_ROLES = (Actor.AGENCY_HEAD, Actor.PROCESSING_OFFICER, Actor.RECORDS_CLERK)


@transaction.atomic
def office_result_upload(
    *, dossier: Dossier, by: User, data: bytes, name: str, result_code: str = ""
) -> DossierEvent:
    """Keep the result file in the applicant's data store (issued) and point the dossier at it."""
    from documents.constants import DocumentSource, UseKind
    from documents.services import UseSpec, document_store

    role = acting_role(dossier=dossier, by=by, roles=RESULT_ROLES)
    owner = (
        {"owner_organisation": dossier.organisation}
        if dossier.organisation_id
        else {"owner_user": dossier.applicant}
    )
    document = document_store(
        data=data,
        title=(_("Kết quả giải quyết: %(name)s") % {"name": dossier.procedure_name})[:255],
        source=DocumentSource.ISSUED,
        original_name=name,
        created_by=by,
        issued_by_system=True,
        dossier_reference=dossier.code or "",
        use=UseSpec(
            kind=UseKind.DOSSIER,
            reference=document_reference(dossier),
            label=dossier.procedure_name[:255],
            locked=True,
        ),
        **owner,
    )
    return dossier_result_attach(
        dossier=dossier, document_uuid=document.uuid, by=by, role=role, result_code=result_code
    )


@transaction.atomic
def dossier_result_attach(
    *,
    dossier: Dossier,
    document_uuid: Any,
    by: User | None,
    role: Actor | str,
    result_code: str = "",
    result_type_code: str = "",
) -> DossierEvent:
    """Point the dossier at its (signed) result document (Art. 22.4 result and type codes).

    Allowed while the result is being prepared, issued or corrected; a RESULT_ATTACHED event
    records the replacement of any earlier document.
    """
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.status not in (S.AWAITING_APPROVAL, S.SIGNING, S.ISSUING, S.CORRECTION):
        raise TransitionNotAllowed(
            _("Chỉ đính kèm kết quả khi hồ sơ đang trình ký, ban hành hoặc đính chính."),
            code="result_not_expected",
        )
    previous = locked.result_document_uuid
    locked.result_document_uuid = document_uuid
    locked.result_code = result_code or locked.result_code
    locked.result_type_code = result_type_code or locked.result_type_code
    locked.save(
        update_fields=["result_document_uuid", "result_code", "result_type_code", "updated_at"]
    )
    event = dossier_event_record(
        dossier=locked,
        kind=EventKind.RESULT_ATTACHED,
        by=by,
        role=role,
        data={"document_uuid": str(document_uuid), "previous": str(previous) if previous else None},
    )
    if dossier is not locked:
        dossier.refresh_from_db()
    return event
