"""Writes of the result: the file attached before the dossier is returned (officer upload and
the generic `dossier_result_attach`), and its signing.

A result is signed only when the portal has validated a signature by the signer (the head, or
whoever the agency designates) over the exact file it will issue: the head signs the attached
draft in the portal through the remote-signing service (`office_result_sign_remote`), or uploads
a file they signed elsewhere, which is checked against their own certificates. An unsigned or
foreign-signed upload at the signing step is refused with the reason. Once signed (ISSUING) the
file is frozen: the records clerk adds the registration number only as an incremental update
signed with their own key (`office_result_register`), never by replacing it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.models import User as UserModel
from documents.constants import DocumentSource, SignerKind, UseKind
from documents.models import StoredDocument
from documents.services import (
    Signature,
    UseSpec,
    document_sign_as_person,
    document_store,
    remote_identity,
    remote_signing_start,
    signature_by_person,
)
from documents.signers import get_keystore
from dossiers.constants import (
    RESULT_ROLES,
    Actor,
    DossierStatus,
    EventKind,
)
from dossiers.models import Dossier, DossierEvent
from dossiers.numbering_models import RegisterBook
from dossiers.services.drafts import document_reference
from dossiers.services.numbering import number_record, number_take
from dossiers.services.reception import acting_role
from dossiers.services.transition import dossier_event_record
from dossiers.workflow import TransitionNotAllowed

S = DossierStatus

# Where an upload must already carry its signer's valid signature (the signing step, and the
# corrected result of Art. 23); before that, an upload is the draft the head will sign.
SIGNED_UPLOAD_STATUSES = (S.SIGNING, S.CORRECTION)


def _owner(dossier: Dossier) -> dict[str, Any]:
    if dossier.organisation_id:
        return {"owner_organisation": dossier.organisation}
    return {"owner_user": dossier.applicant}


def _signature_record(check: Any, by: User) -> dict[str, Any]:
    return {
        "signed_by": by.pk,
        "signer": check.signer,
        "signer_certificate_sha256": check.certificate_sha256,
        "level": check.level,
    }


def office_result_upload(
    *, dossier: Dossier, by: User, data: bytes, name: str, result_code: str = ""
) -> DossierEvent:
    """Keep the result file in the applicant's data store (issued) and point the dossier at it.

    At the signing step (and for a corrected result) the file must carry the uploader's own
    valid signature (refused with the reason otherwise); earlier it is kept as the draft. The
    signature check may ask the remote signing service for the person's certificates, so it
    runs before the transaction opens (ADR 0180); the attach re-checks the status under lock."""
    role = acting_role(dossier=dossier, by=by, roles=RESULT_ROLES)
    _refuse_when_frozen(dossier)
    record: dict[str, Any] = {"draft": True}
    signature = None
    if dossier.status in SIGNED_UPLOAD_STATUSES:
        check = signature_by_person(data=data, user=by)
        record = _signature_record(check, by)
        signature = Signature(kind=SignerKind.OFFICER, name=check.signer, at=timezone.now())
    with transaction.atomic():
        return _result_store_and_attach(
            dossier=dossier,
            by=by,
            role=role,
            data=data,
            name=name,
            result_code=result_code,
            record=record,
            signature=signature,
        )


def _result_store_and_attach(
    *,
    dossier: Dossier,
    by: User,
    role: str,
    data: bytes,
    name: str,
    result_code: str,
    record: dict[str, Any],
    signature: Any,
) -> DossierEvent:
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
        signature=signature,
        **_owner(dossier),
    )
    return dossier_result_attach(
        dossier=dossier,
        document_uuid=document.uuid,
        by=by,
        role=role,
        result_code=result_code,
        signature=record,
    )


def _refuse_when_frozen(dossier: Dossier) -> None:
    if dossier.status == S.ISSUING:
        raise TransitionNotAllowed(
            _(
                "Văn bản kết quả đã được ký số: không thể thay thế. Văn thư chỉ vào số "
                "(bổ sung có ký số), hoặc lãnh đạo trả lại để ký lại."
            ),
            code="result_frozen",
        )


def _current_result(dossier: Dossier) -> Any:
    document = (
        StoredDocument.objects.filter(uuid=dossier.result_document_uuid).first()
        if dossier.result_document_uuid
        else None
    )
    if document is None or not document.is_pdf:
        raise TransitionNotAllowed(
            _("Chưa đính kèm dự thảo văn bản kết quả (PDF) để ký."), code="result_missing"
        )
    return document


def result_signature_record(dossier: Dossier) -> dict[str, Any] | None:
    """What was recorded when the current result was attached (signature or draft), if any."""
    event = (
        DossierEvent.objects.filter(
            dossier_id=dossier.pk,
            kind=EventKind.RESULT_ATTACHED,
            data__document_uuid=str(dossier.result_document_uuid),
        )
        .order_by("-pk")
        .first()
    )
    return event.data if event is not None else None


def office_result_sign_start(*, dossier: Dossier, by: User) -> str:
    """The head asks the remote-signing service for a one-time code; returns the credential."""
    acting_role(dossier=dossier, by=by, roles=(Actor.AGENCY_HEAD,))
    if dossier.status != S.SIGNING:
        raise TransitionNotAllowed(_("Hồ sơ không ở bước ký số."), code="not_signing")
    _current_result(dossier)
    return remote_signing_start(user=by)


def office_result_sign_remote(
    *, dossier: Dossier, by: User, credential_id: str, otp: str
) -> DossierEvent:
    """The head signs the attached draft with their own remote credential; the signed copy,
    validated as signed by them, becomes the result."""
    role = acting_role(dossier=dossier, by=by, roles=(Actor.AGENCY_HEAD,))
    if dossier.status != S.SIGNING:
        raise TransitionNotAllowed(_("Hồ sơ không ở bước ký số."), code="not_signing")
    draft = _current_result(dossier)
    agency = dossier.competent_agency or dossier.receiving_agency
    identity = remote_identity(
        user=by,
        credential_id=credential_id,
        otp=otp,
        kind=SignerKind.OFFICER,
        role=str(Actor(role).label),
        agency=agency,
    )
    signed, check = document_sign_as_person(
        document=draft,
        user=by,
        identity=identity,
        reason=_("Phê duyệt kết quả hồ sơ %(code)s") % {"code": dossier.code},
        source=DocumentSource.ISSUED,
    )
    return dossier_result_attach(
        dossier=dossier,
        document_uuid=signed.uuid,
        by=by,
        role=role,
        signature=_signature_record(check, by),
    )


def office_result_register(*, dossier: Dossier, by: User, number: str) -> DossierEvent:
    """The records clerk enters the registration number (số, ký hiệu) as an incremental update
    signed with their own key: the head's signature stays valid and is checked again."""
    role = acting_role(dossier=dossier, by=by, roles=(Actor.RECORDS_CLERK,))
    number = number.strip()
    if dossier.status != S.ISSUING:
        raise TransitionNotAllowed(
            _("Chỉ vào số văn bản kết quả đã ký, khi hồ sơ đang chờ ban hành."),
            code="not_issuing",
        )
    signed = _current_result(dossier)
    record = result_signature_record(dossier) or {}
    signed_by = record.get("signed_by")
    signer = UserModel.objects.filter(pk=signed_by).first() if signed_by else None
    if signer is None:
        raise TransitionNotAllowed(
            _("Văn bản kết quả chưa có chữ ký số đã được kiểm tra."), code="result_unsigned"
        )
    agency = dossier.competent_agency or dossier.receiving_agency
    if number and agency is not None:
        # A number typed by hand goes into the agency's outgoing book too (ADR 0321): refused
        # when the book already gave it; the book continues after it.
        number_record(
            agency=agency,
            book=RegisterBook.OUTGOING,
            reference=f"result:{dossier.pk}",
            text=number,
            dossier=dossier,
        )
    elif agency is not None:
        # No number typed: the next one of the agency's outgoing book (ADR 0276); a retry of the
        # same dossier gets the same number back.
        number = number_take(
            agency=agency,
            book=RegisterBook.OUTGOING,
            reference=f"result:{dossier.pk}",
            dossier=dossier,
        ).text
    if not number:
        raise TransitionNotAllowed(_("Nhập số, ký hiệu văn bản kết quả."), code="no_number")
    identity = get_keystore().officer_identity(
        user=by,
        agency=agency,
        role=_("%(role)s — Số: %(number)s") % {"role": Actor(role).label, "number": number},
    )
    registered, _check = document_sign_as_person(
        document=signed,
        user=by,
        identity=identity,
        reason=_("Vào sổ, cấp số %(number)s") % {"number": number},
        source=DocumentSource.ISSUED,
    )
    with registered.file.open("rb") as fh:
        head_check = signature_by_person(data=fh.read(), user=signer)
    return dossier_result_attach(
        dossier=dossier,
        document_uuid=registered.uuid,
        by=by,
        role=role,
        result_code=number,
        signature={**_signature_record(head_check, signer), "registered_by": by.pk},
        registration=True,
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
    signature: dict[str, Any] | None = None,
    registration: bool = False,
) -> DossierEvent:
    """Point the dossier at its (signed) result document (Art. 22.4 result and type codes).

    Allowed while the result is being prepared, signed or corrected; while it is issued only
    as the clerk's registration update. `signature` (who signed, as validated, or
    `{"draft": True}`) is kept on the RESULT_ATTACHED event, which also records the replacement
    of any earlier document.
    """
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.status not in (S.AWAITING_APPROVAL, S.SIGNING, S.ISSUING, S.CORRECTION):
        raise TransitionNotAllowed(
            _("Chỉ đính kèm kết quả khi hồ sơ đang trình ký, ban hành hoặc đính chính."),
            code="result_not_expected",
        )
    if locked.status == S.ISSUING and not registration:
        _refuse_when_frozen(locked)
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
        data={
            "document_uuid": str(document_uuid),
            "previous": str(previous) if previous else None,
            **(signature or {}),
        },
    )
    if dossier is not locked:
        dossier.refresh_from_db()
    return event
