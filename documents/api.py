"""Verification API: `POST /api/v1/documents/verify` (a PDF) and
`GET /api/v1/documents/verify/{uuid}` (the record behind a QR code). Public, no personal data."""

import datetime as dt
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from documents import ratelimit, selectors
from documents.models import StoredDocument
from documents.verification import verify_pdf

router = Router(tags=["documents"])


class ErrorOut(Schema):
    detail: str


class IssuedOut(Schema):
    uuid: str
    title: str
    document_code: str
    dossier_reference: str
    issued_at: str
    signer: str
    agency: str


class SignatureOut(Schema):
    field: str
    kind: str  # "signature" or "document_timestamp"
    signer: str
    signed_at: str | None
    intact: bool
    valid: bool
    trusted: bool
    covers_document: bool  # the signed byte ranges cover the whole file
    changes_after: str  # none | validation_data | signatures | annotations | other
    changes_permitted: bool
    timestamped: bool
    level: str  # PAdES B-B, B-T, B-LT, B-LTA, or "" when not PAdES
    problem: str


class VerificationOut(Schema):
    sha256: str
    verdict: str
    message: str
    level: str  # the lowest PAdES level among the signatures
    issued_document: IssuedOut | None
    signatures: list[SignatureOut]


class IssuedRecordOut(Schema):
    uuid: str
    title: str
    sha256: str
    dossier_reference: str
    signer: str
    agency: str
    signed_at: dt.datetime | None
    issued_at: dt.datetime


@router.post(
    "/verify",
    response={200: VerificationOut, 413: ErrorOut, 429: ErrorOut},
    summary="Verify a PDF: signatures, trust, and whether the system issued these exact bytes",
)
def verify(request: HttpRequest, file: File[UploadedFile]):

    if ratelimit.hit(request, action="verify", rate=settings.DOCUMENTS_VERIFY_RATE_LIMIT):
        return Status(429, {"detail": "too many requests"})
    if file.size > settings.DOCUMENTS_MAX_FILE_BYTES:
        return Status(413, {"detail": "file too large"})
    return Status(200, verify_pdf(file.read()).as_dict())


@router.get(
    "/verify/{uuid}",
    response={200: IssuedRecordOut, 404: ErrorOut},
    summary="The issued document a QR code points to",
)
def issued_record(request: HttpRequest, uuid: UUID):
    try:
        document = selectors.document_issued_get(uuid=str(uuid))
    except StoredDocument.DoesNotExist:
        return Status(404, {"detail": "not found"})
    return Status(
        200,
        {
            "uuid": str(document.uuid),
            "title": document.title,
            "sha256": document.sha256,
            "dossier_reference": document.dossier_reference,
            "signer": document.signer_name,
            "agency": document.signer_agency.name if document.signer_agency else "",
            "signed_at": document.signed_at,
            "issued_at": document.created_at,
        },
    )
