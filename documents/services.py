"""Writes of the documents app. Every file the system keeps goes through `document_store`."""

import datetime as dt
import hashlib
import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from agencies.models import Agency
from common.audit import audit_record
from common.exceptions import ApplicationError
from documents.codes import document_code_for
from documents.constants import EXTENSIONS, DocumentSource, OwnerKind, SignerKind, UseKind
from documents.models import DocumentUse, StoredDocument
from documents.rendering import OFFICIAL_FORMS, render_form_pdf
from documents.signers import get_keystore, person_certificates
from documents.signers.base import SigningIdentity, common_name
from documents.signers.csc import CscClient, csc_pyhanko_signer
from documents.signing import sign_pdf
from documents.uploads import UploadRefused, clean_upload
from documents.verification import Verdict, verify_pdf

if TYPE_CHECKING:
    from documents.signers.base import SigningIdentity
    from documents.verification import SignatureCheck

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class UseSpec:
    """Where a new document is used straight away (e.g. uploaded as a dossier component)."""

    kind: str
    reference: str
    label: str = ""
    locked: bool = False


@dataclass(frozen=True)
class Signature:
    """Who signed the bytes being stored (filled by the signing services)."""

    kind: str
    name: str
    at: dt.datetime
    agency: Agency | None = None


def owner_code_for(*, user: User | None = None, organisation: Organisation | None = None) -> str:
    if organisation is not None:
        return organisation.tax_code
    profile = getattr(user, "profile", None)
    return (profile.id_number or "") if profile is not None else ""


def document_store(
    *,
    data: bytes,
    title: str,
    source: str,
    owner_user: User | None = None,
    owner_organisation: Organisation | None = None,
    original_name: str = "",
    created_by: User | None = None,
    doc_type_code: str = "",
    summary: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    valid_scope: str = "",
    signature: Signature | None = None,
    issued_by_system: bool = False,
    dossier_reference: str = "",
    template_code: str = "",
    template_version: int | None = None,
    derived_from: StoredDocument | None = None,
    use: UseSpec | None = None,
    document_uuid: uuid.UUID | None = None,
) -> StoredDocument:
    """Check, scan and keep one file in its owner's data store; refuse with a translated reason.

    A refusal raises `UploadRefused` (an ApplicationError) before anything is written. The scan
    (clamd) and the storage (S3 in production) talk to the network: they run before the
    transaction that records the rows opens (ADR 0180).
    """
    if (owner_user is None) == (owner_organisation is None):
        raise ValueError("exactly one of owner_user and owner_organisation is required")
    if valid_from and valid_to and valid_to < valid_from:
        raise ApplicationError(str(_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")))
    clean = clean_upload(data)
    if use is not None and use.kind == UseKind.DOSSIER:
        _check_dossier_total(reference=use.reference, adding=len(clean.data))

    owner_code = owner_code_for(user=owner_user, organisation=owner_organisation)
    name = default_storage.save(
        f"documents/{uuid.uuid4().hex}{EXTENSIONS[clean.content_type]}", ContentFile(clean.data)
    )
    try:
        with transaction.atomic():
            document = StoredDocument(
                owner_kind=OwnerKind.ORGANISATION if owner_organisation else OwnerKind.PERSON,
                owner_code=owner_code,
                owner_user=owner_user,
                owner_organisation=owner_organisation,
                doc_type_code=doc_type_code,
                document_code=document_code_for(owner_code, doc_type_code, dossier_reference),
                title=title[:255],
                summary=summary,
                valid_from=valid_from,
                valid_to=valid_to,
                valid_scope=valid_scope,
                file=name,
                original_name=_safe_name(original_name),
                content_type=clean.content_type,
                size=len(clean.data),
                sha256=hashlib.sha256(clean.data).hexdigest(),
                source=source,
                issued_by_system=issued_by_system,
                dossier_reference=dossier_reference,
                template_code=template_code,
                template_version=template_version,
                derived_from=derived_from,
                created_by=created_by,
            )
            if document_uuid is not None:
                document.uuid = document_uuid
            if signature is not None:
                document.signer_kind = signature.kind
                document.signer_name = signature.name[:255]
                document.signed_at = signature.at
                document.signer_agency = signature.agency
            # PostgreSQL checks the relations, the uuid and the constraints (15 queries, ADR 0340)
            document.full_clean(exclude=_SKIP, validate_unique=False, validate_constraints=False)
            document.save()
            if use is not None:
                DocumentUse.objects.create(
                    document=document,
                    kind=use.kind,
                    reference=use.reference,
                    label=use.label,
                    locked=use.locked,
                )
            audit_record(
                action="document.stored",
                actor=created_by,
                obj=document,
                data={"sha256": document.sha256, "size": document.size, "source": source},
            )
    except Exception:
        default_storage.delete(name)
        raise
    return document


_SKIP = ["file", *(f.name for f in StoredDocument._meta.fields if f.many_to_one)]  # see above


def _safe_name(name: str) -> str:
    """Keep only the last path segment, without control characters (never used as a path)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:255]


def _check_dossier_total(*, reference: str, adding: int, excluding: int | None = None) -> None:
    uses = StoredDocument.objects.filter(uses__kind=UseKind.DOSSIER, uses__reference=reference)
    if excluding is not None:
        uses = uses.exclude(pk=excluding)
    total = (uses.aggregate(total=Sum("size"))["total"] or 0) + adding
    limit = settings.DOCUMENTS_MAX_DOSSIER_BYTES
    if total > limit:
        raise UploadRefused(
            str(_("Tổng dung lượng tệp của hồ sơ vượt quá %(mb)s MB."))
            % {"mb": limit // (1024 * 1024)},
            code="dossier_too_large",
        )


@transaction.atomic
def document_rename(*, document: StoredDocument, title: str, by: User) -> StoredDocument:
    title = title.strip()
    if not title:
        raise ApplicationError(str(_("Tên giấy tờ không được để trống.")), code="title_required")
    old = document.title
    document.title = title[:255]
    document.save(update_fields=["title", "updated_at"])
    audit_record(action="document.renamed", actor=by, obj=document, data={"from": old, "to": title})
    return document


@transaction.atomic
def document_set_validity(
    *,
    document: StoredDocument,
    by: User,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    valid_scope: str = "",
) -> StoredDocument:
    if valid_from and valid_to and valid_to < valid_from:
        raise ApplicationError(
            str(_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")), code="valid_range"
        )
    document.valid_from, document.valid_to, document.valid_scope = valid_from, valid_to, valid_scope
    document.save(update_fields=["valid_from", "valid_to", "valid_scope", "updated_at"])
    audit_record(
        action="document.validity_set",
        actor=by,
        obj=document,
        data={"from": str(valid_from or ""), "to": str(valid_to or ""), "scope": valid_scope},
    )
    return document


@transaction.atomic
def document_delete(*, document: StoredDocument, by: User) -> None:
    """Delete a document and its file; refused while a submitted dossier uses it."""
    document = StoredDocument.objects.select_for_update().get(pk=document.pk)
    locked = list(document.uses.filter(locked=True).values_list("reference", flat=True))
    if locked:
        raise ApplicationError(
            str(_("Không thể xóa: giấy tờ đang được dùng trong hồ sơ đã nộp %(refs)s."))
            % {"refs": ", ".join(locked)},
            code="document_locked",
            extra={"references": locked},
        )
    name = str(document.file.name)
    audit_record(
        action="document.deleted",
        actor=by,
        obj=document,
        data={"title": document.title, "sha256": document.sha256},
    )
    document.delete()
    transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def document_discard_unused(*, document: StoredDocument) -> None:
    """Remove a document the system issued and nothing uses (a form a racing worker issued too:
    the one recorded first is kept). Its file goes after commit."""
    document = StoredDocument.objects.select_for_update().get(pk=document.pk)
    if not document.issued_by_system or document.uses.exists():
        raise ApplicationError(f"document {document.pk} is in use", code="document_in_use")
    name = str(document.file.name)
    document.delete()
    transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def document_use_add(
    *,
    document: StoredDocument,
    kind: str,
    reference: str,
    label: str = "",
    locked: bool = False,
) -> DocumentUse:
    """Record that `document` is used by `reference` (re-use is a pointer, not a copy).

    Called by the dossiers app when a stored document becomes a dossier component; `locked=True`
    once the dossier is submitted. Adding to a dossier checks the per-dossier size limit.
    """
    existing = DocumentUse.objects.filter(document=document, kind=kind, reference=reference).first()
    if existing is None:
        if kind == UseKind.DOSSIER:
            _check_dossier_total(reference=reference, adding=document.size, excluding=document.pk)
        return DocumentUse.objects.create(
            document=document, kind=kind, reference=reference, label=label, locked=locked
        )
    if locked and not existing.locked:
        existing.locked = True
        existing.save(update_fields=["locked", "updated_at"])
    return existing


@transaction.atomic(savepoint=False)  # one UPDATE: a savepoint around it is two round trips
def document_uses_lock(*, kind: str, reference: str, locked: bool = True, label: str = "") -> int:
    """Lock (dossier submitted) or unlock (dossier withdrawn as a draft) every use of a reference.

    `label`, when given, replaces the uses' description: a submitted dossier is then named by
    its code, which the citizen knows, rather than by the reference (a UUID)."""
    changes: dict[str, Any] = {"locked": locked, "updated_at": timezone.now()}
    if label:
        changes["label"] = label[:255]
    return DocumentUse.objects.filter(kind=kind, reference=reference).update(**changes)


@transaction.atomic
def document_use_remove(*, document: StoredDocument, kind: str, reference: str) -> None:
    use = DocumentUse.objects.filter(document=document, kind=kind, reference=reference).first()
    if use is None:
        return
    if use.locked:
        raise ApplicationError(
            str(_("Hồ sơ đã nộp; không thể gỡ giấy tờ khỏi hồ sơ.")), code="use_locked"
        )
    use.delete()


# --- Official PDFs: render, sign, keep -----------------------------------------------------------


def document_issue_form(
    *,
    form_code: str,
    context: dict,
    title: str,
    agency: Agency,
    owner_user: User | None = None,
    owner_organisation: Organisation | None = None,
    signed_by_officer: User | None = None,
    officer_role: str = "",
    agency_seal: bool = False,
    dossier_reference: str = "",
    doc_type_code: str = "",
    source: str = DocumentSource.GENERATED,
    created_by: User | None = None,
    use: UseSpec | None = None,
) -> StoredDocument:
    """Render an official form or result, sign it (agency certificate, or the officer's personal
    one when `signed_by_officer` is given, then the agency seal too with `agency_seal`) and keep
    it in the owner's store as issued."""

    document_uuid = uuid.uuid4()
    owner_code = owner_code_for(user=owner_user, organisation=owner_organisation)
    doc_type_code = doc_type_code or OFFICIAL_FORMS[form_code].doc_type_code
    pdf, version = render_form_pdf(
        form_code=form_code,
        document_uuid=document_uuid,
        context={
            "agency_name": agency.name,
            "parent_agency_name": agency.parent.name if agency.parent else "",
            "dossier_code": dossier_reference,
            "document_code": document_code_for(owner_code, doc_type_code, dossier_reference),
            **context,
        },
    )
    keystore = get_keystore()
    if signed_by_officer is not None:
        # The person the form names signs as themselves (name and role on the stamp); the
        # agency seal follows as a second signature where the form carries the seal.
        identity = keystore.officer_identity(
            user=signed_by_officer, agency=agency, role=officer_role
        )
        signed = sign_pdf(pdf=pdf, identity=identity, reason=title, location=agency.name)
        if agency_seal:
            seal = keystore.agency_identity(agency=agency)
            signed = sign_pdf(pdf=signed, identity=seal, reason=title, location=agency.name)
    else:
        identity = keystore.agency_identity(agency=agency)
        signed = sign_pdf(pdf=pdf, identity=identity, reason=title, location=agency.name)
    return document_store(
        data=signed,
        title=title,
        source=source,
        owner_user=owner_user,
        owner_organisation=owner_organisation,
        original_name=f"{form_code}.pdf",
        created_by=created_by,
        doc_type_code=doc_type_code,
        signature=Signature(
            kind=identity.kind, name=identity.display_name, at=timezone.now(), agency=agency
        ),
        issued_by_system=True,
        dossier_reference=dossier_reference,
        template_code=form_code,
        template_version=version,
        use=use,
        document_uuid=document_uuid,
    )


def document_sign_scan(
    *, document: StoredDocument, officer: User, agency: Agency, role: str = ""
) -> StoredDocument:
    """An officer signs a paper document scanned at the counter with their personal certificate
    (NĐ 118 Art. 17.1.c); the signed copy joins the owner's store."""

    if not document.is_pdf:
        raise ApplicationError(str(_("Chỉ ký số được tệp PDF.")), code="not_pdf")
    identity = get_keystore().officer_identity(user=officer, agency=agency, role=role)
    with document.file.open("rb") as fh:
        signed = sign_pdf(
            pdf=fh.read(),
            identity=identity,
            reason=str(_("Số hóa từ bản giấy")),
            location=agency.name,
        )
    return _store_signed_copy(
        document=document,
        data=signed,
        signature=Signature(
            kind=identity.kind, name=identity.display_name, at=timezone.now(), agency=agency
        ),
        source=DocumentSource.SCANNED,
        by=officer,
    )


def _store_signed_copy(
    *, document: StoredDocument, data: bytes, signature: Signature, source: str, by: User
) -> StoredDocument:
    return document_store(
        data=data,
        title=document.title,
        source=source,
        owner_user=document.owner_user,
        owner_organisation=document.owner_organisation,
        original_name=document.original_name,
        created_by=by,
        doc_type_code=document.doc_type_code,
        summary=document.summary,
        valid_from=document.valid_from,
        valid_to=document.valid_to,
        valid_scope=document.valid_scope,
        signature=signature,
        issued_by_system=True,
        dossier_reference=document.dossier_reference,
        derived_from=document,
    )


# --- Remote signing by citizens (CSC API) -------------------------------------------------------


def remote_signing_user_id(*, user: User) -> str:
    return str(user.uuid)


def remote_signing_start(*, user: User) -> str:
    """Pick the citizen's remote-signing credential and have the service send them a code."""

    client = CscClient()
    credentials = client.credentials_list(user_id=remote_signing_user_id(user=user))
    if not credentials:
        raise ApplicationError(
            str(_("Bạn chưa có chứng thư ký số từ xa.")), code="no_remote_credential"
        )
    credential_id = credentials[0]
    client.send_otp(credential_id=credential_id)
    return credential_id


def document_sign_remote(
    *, document: StoredDocument, user: User, credential_id: str, otp: str
) -> StoredDocument:
    """The citizen signs a PDF of their own store through the CSC service, confirmed by the
    one-time code; the signed copy lands in the same store."""

    if not settings.REMOTE_SIGNING_ENABLED:
        raise ApplicationError(str(_("Chức năng ký số từ xa chưa được bật.")), code="disabled")
    if not document.is_pdf:
        raise ApplicationError(str(_("Chỉ ký số được tệp PDF.")), code="not_pdf")
    client = CscClient()
    if credential_id not in client.credentials_list(user_id=remote_signing_user_id(user=user)):
        raise ApplicationError(str(_("Chứng thư ký số không thuộc về bạn.")), code="not_yours")
    info = client.credentials_info(credential_id=credential_id)
    signer, chain = csc_pyhanko_signer(client=client, info=info, otp=otp.strip())
    identity = SigningIdentity(
        signer=signer,
        kind=SignerKind.CITIZEN,
        display_name=common_name(chain[0]),
        chain=chain,
    )
    with document.file.open("rb") as fh:
        signed = sign_pdf(pdf=fh.read(), identity=identity, reason=str(_("Công dân ký số")))
    copy = _store_signed_copy(
        document=document,
        data=signed,
        signature=Signature(kind=SignerKind.CITIZEN, name=identity.display_name, at=timezone.now()),
        source=document.source,
        by=user,
    )
    audit_record(
        action="document.signed_remotely", actor=user, obj=copy, data={"from": str(document.uuid)}
    )
    return copy


# --- Signatures by a named person (results signed by the head, registered by the clerk) ---------


class SignatureRefused(ApplicationError):
    """The file is not signed, validly and by the person who must sign it."""


def signature_by_person(*, data: bytes, user: User) -> "SignatureCheck":
    """The valid, trusted signature of `user` (a certificate known to be theirs) in `data`, with
    nothing after it but signatures, validation data and timestamps; refused with the reason
    otherwise. Returns the verification check of that signature."""

    report = verify_pdf(data)
    reasons = {
        Verdict.UNREADABLE: _("Tệp không phải PDF hợp lệ."),
        Verdict.UNSIGNED: _("Văn bản chưa được ký số: hãy ký số trước khi trình ban hành."),
        Verdict.TAMPERED: _("Chữ ký số trong tệp không hợp lệ (tệp đã bị sửa sau khi ký)."),
        Verdict.MODIFIED: _("Tệp đã bị thêm nội dung sau khi ký: chữ ký không còn giá trị."),
        Verdict.UNTRUSTED: _("Chứng thư ký số trong tệp không do tổ chức được tin cậy cấp."),
    }
    reason = reasons.get(Verdict(report.verdict))
    if reason is not None:
        raise SignatureRefused(str(reason), code=f"signature_{report.verdict}")
    own = {
        hashlib.sha256(certificate.dump()).hexdigest()
        for certificate in person_certificates(user=user)
    }
    mine = [
        check
        for check in report.signatures
        if check.kind == "signature" and check.certificate_sha256 in own
    ]
    if not mine:
        signers = ", ".join(c.signer for c in report.signatures if c.kind == "signature")
        raise SignatureRefused(
            str(_("Văn bản được ký bởi %(signers)s, không phải bằng chứng thư của %(name)s."))
            % {"signers": signers, "name": user.full_name or user.email},
            code="signature_foreign",
        )
    return mine[-1]


def remote_identity(
    *,
    user: User,
    credential_id: str,
    otp: str,
    kind: str,
    role: str = "",
    agency: Agency | None = None,
) -> "SigningIdentity":
    """A signing identity whose key stays with the remote-signing service: only a credential the
    service lists for `user` may be used, confirmed by the code it sent them."""

    if not settings.REMOTE_SIGNING_ENABLED:
        raise ApplicationError(str(_("Chức năng ký số từ xa chưa được bật.")), code="disabled")
    client = CscClient()
    if credential_id not in client.credentials_list(user_id=remote_signing_user_id(user=user)):
        raise ApplicationError(str(_("Chứng thư ký số không thuộc về bạn.")), code="not_yours")
    info = client.credentials_info(credential_id=credential_id)
    signer, chain = csc_pyhanko_signer(client=client, info=info, otp=otp.strip())
    return SigningIdentity(
        signer=signer,
        kind=kind,
        display_name=common_name(chain[0]),
        role=role,
        agency=agency,
        agency_name=agency.name if agency else "",
        chain=chain,
    )


def document_sign_as_person(
    *,
    document: StoredDocument,
    user: User,
    identity: "SigningIdentity",
    reason: str,
    source: str | None = None,
) -> "tuple[StoredDocument, SignatureCheck]":
    """Sign `document` with `identity` (remote or server-held: one interface), check that the
    result now carries a valid signature by `user` over the exact bytes kept, and keep the signed
    copy next to the original (same owner, derived from it). Returns (copy, that signature's
    verification check)."""

    if not document.is_pdf:
        raise ApplicationError(str(_("Chỉ ký số được tệp PDF.")), code="not_pdf")
    with document.file.open("rb") as fh:
        signed = sign_pdf(
            pdf=fh.read(), identity=identity, reason=reason, location=identity.agency_name
        )
    check = signature_by_person(data=signed, user=user)
    copy = _store_signed_copy(
        document=document,
        data=signed,
        signature=Signature(
            kind=identity.kind,
            name=identity.display_name,
            at=timezone.now(),
            agency=identity.agency,
        ),
        source=source or document.source,
        by=user,
    )
    audit_record(
        action="document.signed_by_person",
        actor=user,
        obj=copy,
        data={"from": str(document.uuid), "sha256": copy.sha256, "reason": reason},
    )
    return copy, check
