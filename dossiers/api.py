"""The citizen's dossier API (django-ninja), scoped exactly like the web pages.

`/api/v1/dossiers…` needs a signed-in session (CSRF token on writes); anyone who may not see a
dossier gets 404. `POST /api/v1/lookup` (JSON `{code, verify}`) is the public lookup,
rate-limited like the web form.
Validation uses the same rules as the form steps (`dossiers.services.drafts`), with JSON errors:
`{"detail": "...", "code": "...", "errors": {field: [messages]}}`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest

from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import SessionAuth

from accounts.http import signed_in_or_none
from common.exceptions import ApplicationError
from documents.selectors import organisations_represented
from dossiers import selectors as sel
from dossiers import services as svc
from dossiers.constants import SYSTEM_FORM_KEYS
from dossiers.models import Dossier, DossierComponent
from dossiers.ratelimit import lookup_allowed
from dossiers.selectors.results import citizen_result_document
from procedures.selectors import procedure_get


class SessionOrAnonymous(SessionAuth):
    """Django's session with the CSRF check on writes, letting signed-out callers through so
    that the scoped selectors answer 404 for them like for anyone else (ADR 0092)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user


router = Router(tags=["dossiers"], auth=SessionOrAnonymous())
lookup_router = Router(tags=["dossiers"])


class ErrorOut(Schema):
    detail: str
    code: str = ""
    errors: dict[str, list[str]] = {}


class ComponentOut(Schema):
    uuid: str
    requirement_code: str
    requirement_name: str
    is_required: bool
    provided: bool
    source: str
    document_uuid: str | None


class DossierOut(Schema):
    uuid: str
    code: str | None
    procedure_code: str
    procedure_name: str
    status: str
    status_label: str
    draft_step: str
    applicant: dict[str, Any]
    fields: dict[str, Any]
    result_delivery: str
    fee_vnd: int | None
    submitted_at: dt.datetime | None
    due_at: dt.datetime | None
    waiting_on_you: str
    components: list[ComponentOut]
    # The result document once issued to the applicant (download it from the data store).
    result_document: str | None
    actions: list[str]


class DossierListItem(Schema):
    uuid: str
    code: str | None
    procedure_name: str
    status: str
    status_label: str
    due_at: dt.datetime | None
    waiting_on_you: str


class StartIn(Schema):
    procedure_code: str
    organisation_uuid: UUID | None = None


class ApplicantIn(Schema):
    full_name: str = ""
    id_number: str = ""
    date_of_birth: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


class PatchIn(Schema):
    applicant: ApplicantIn | None = None
    fields: dict[str, Any] | None = None
    result_delivery: str | None = None
    delivery_address: str = ""
    delivery_commune_code: str = ""


class SubmitIn(Schema):
    declaration: bool = False


class LookupIn(Schema):
    """The receipt's code and the last 4 digits of the declared phone or ID number: a secret,
    so it travels in the body, never in the URL (ADR 0302)."""

    code: str = Field(max_length=64)
    verify: str = Field(max_length=4)


class LookupOut(Schema):
    code: str
    procedure_name: str
    status: str
    status_text: str
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    due_at: dt.datetime | None


NOT_FOUND = Status(404, {"detail": "not found", "code": "not_found"})
SIGN_IN = Status(401, {"detail": "sign in required", "code": "unauthorized"})


def _error(status: int, error: ApplicationError) -> Status:
    errors = error.extra.get("errors") or error.extra.get("problems") or {}
    return Status(
        status,
        {
            "detail": error.message,
            "code": error.code or "",
            "errors": {str(k): v for k, v in errors.items()},
        },
    )


def _out(dossier: Dossier, user: Any) -> dict[str, Any]:
    return {
        "uuid": str(dossier.uuid),
        "code": dossier.code,
        "procedure_code": dossier.procedure_code,
        "procedure_name": dossier.procedure_name,
        "status": dossier.status,
        "status_label": str(dossier.get_status_display()),
        "draft_step": dossier.draft_step,
        "applicant": dossier.applicant_data,
        "fields": {k: v for k, v in dossier.form_data.items() if k not in SYSTEM_FORM_KEYS},
        "result_delivery": dossier.result_delivery,
        "fee_vnd": dossier.fee_vnd,
        "submitted_at": dossier.submitted_at,
        "due_at": dossier.due_at,
        "waiting_on_you": sel.waiting_on_citizen(dossier),
        "components": [_component_out(c) for c in dossier.components.all()],
        "result_document": _result_document(dossier),
        # What the caller may do now: the same answer the web pages use.
        "actions": sel.dossier_actions(dossier=dossier, user=user).names(),
    }


def _result_document(dossier: Dossier) -> str | None:
    issued = citizen_result_document(dossier)
    return str(issued) if issued else None


def _component_out(component: DossierComponent) -> dict[str, Any]:
    return {
        "uuid": str(component.uuid),
        "requirement_code": component.requirement_code,
        "requirement_name": component.requirement_name,
        "is_required": component.is_required,
        "provided": component.is_provided,
        "source": component.source,
        "document_uuid": str(component.document_uuid) if component.document_uuid else None,
    }


def _get(request: HttpRequest, ref: str) -> Dossier | None:
    """By UUID or by dossier code, scoped to the caller."""
    try:
        return sel.dossier_get_for_citizen(user=request.user, uuid=UUID(ref))
    except ValueError:
        pass
    except Dossier.DoesNotExist:
        return None
    try:
        return sel.dossier_by_code_for_citizen(user=request.user, code=ref)
    except Dossier.DoesNotExist:
        return None


@router.post(
    "",
    response={201: DossierOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Start a draft",
)
def dossier_create(request: HttpRequest, payload: StartIn):
    if not request.user.is_authenticated:
        return SIGN_IN
    procedure = procedure_get(code=payload.procedure_code)
    if procedure is None:
        return NOT_FOUND
    organisation = None
    if payload.organisation_uuid:
        organisation = (
            organisations_represented(user=request.user)
            .filter(uuid=payload.organisation_uuid)
            .first()
        )
        if organisation is None:
            return NOT_FOUND
    try:
        dossier = svc.dossier_start(
            procedure=procedure, user=request.user, organisation=organisation
        )
    except ApplicationError as error:
        return _error(422, error)
    return Status(201, _out(dossier, request.user))


@router.get(
    "", response={200: list[DossierListItem], 401: ErrorOut}, summary="My dossiers and drafts"
)
def dossier_list(request: HttpRequest):
    if not request.user.is_authenticated:
        return SIGN_IN
    dossiers = sel.dossiers_visible_to(user=request.user).order_by("-created_at")[:200]
    return [
        {
            "uuid": str(d.uuid),
            "code": d.code,
            "procedure_name": d.procedure_name,
            "status": d.status,
            "status_label": str(d.get_status_display()),
            "due_at": d.due_at,
            "waiting_on_you": sel.waiting_on_citizen(d),
        }
        for d in dossiers
    ]


@router.get(
    "/{ref}", response={200: DossierOut, 404: ErrorOut}, summary="One dossier by UUID or code"
)
def dossier_detail(request: HttpRequest, ref: str):
    dossier = _get(request, ref)
    return NOT_FOUND if dossier is None else Status(200, _out(dossier, request.user))


@router.patch(
    "/{ref}", response={200: DossierOut, 404: ErrorOut, 422: ErrorOut}, summary="Save draft fields"
)
def dossier_patch(request: HttpRequest, ref: str, payload: PatchIn):
    user = signed_in_or_none(request)  # None only when `_get` finds nothing either
    dossier = _get(request, ref)
    if dossier is None or user is None:
        return NOT_FOUND
    try:
        if payload.applicant is not None:
            dossier = svc.draft_applicant_save(
                dossier=dossier, by=user, data=payload.applicant.dict()
            )
        if payload.fields is not None:
            dossier = svc.draft_fields_save(
                dossier=dossier, by=user, data={**dossier.form_data, **payload.fields}
            )
        if payload.result_delivery is not None:
            dossier = svc.draft_delivery_save(
                dossier=dossier,
                by=user,
                delivery=payload.result_delivery,
                address=payload.delivery_address,
                commune_code=payload.delivery_commune_code,
            )
    except ApplicationError as error:
        return _error(422, error)
    # Each service returned the row it locked and saved: it is the database's row.
    return Status(200, _out(dossier, user))


@router.post(
    "/{ref}/documents",
    response={201: ComponentOut, 404: ErrorOut, 422: ErrorOut},
    summary="Attach a document to one requirement: upload a file or re-use one from the data store",
)
def dossier_document_add(
    request: HttpRequest,
    ref: str,
    requirement_code: Form[str],
    document_uuid: Form[str] = "",
    file: File[UploadedFile] = None,  # type: ignore[assignment]
):
    user = signed_in_or_none(request)  # None only when `_get` finds nothing either
    dossier = _get(request, ref)
    if dossier is None or user is None:
        return NOT_FOUND
    component = dossier.components.filter(requirement_code=requirement_code).first()
    if component is None:
        return NOT_FOUND
    try:
        if file is not None:
            component = svc.draft_component_upload(
                dossier=dossier,
                component=component,
                by=user,
                data=file.read(),
                name=file.name or "",
            )
        elif document_uuid:
            component = svc.draft_component_pick(
                dossier=dossier, component=component, by=user, document_uuid=document_uuid
            )
        else:
            return Status(
                422, {"detail": "file or document_uuid is required", "code": "no_document"}
            )
    except ApplicationError as error:
        return _error(422, error)
    return Status(201, _component_out(component))


@router.post(
    "/{ref}/submit", response={200: DossierOut, 404: ErrorOut, 422: ErrorOut}, summary="Submit"
)
def dossier_submit(request: HttpRequest, ref: str, payload: SubmitIn):
    user = signed_in_or_none(request)  # None only when `_get` finds nothing either
    dossier = _get(request, ref)
    if dossier is None or user is None:
        return NOT_FOUND
    try:
        # Refreshes `dossier` in place once submitted.
        svc.dossier_submit_online(dossier=dossier, by=user, declaration=payload.declaration)
    except ApplicationError as error:
        return _error(422, error)
    return Status(200, _out(dossier, user))


@lookup_router.post(
    "", response={200: LookupOut, 404: ErrorOut, 429: ErrorOut}, summary="Public status lookup"
)
def lookup(request: HttpRequest, payload: LookupIn):
    """No sign-in: the code and the 4 digits in a JSON body (not the URL: access logs, proxies
    and browser history keep URLs). Rate-limited per client address with the web form."""
    if not lookup_allowed(request):
        return Status(429, {"detail": "too many lookups, try again later", "code": "rate_limited"})
    result = sel.dossier_public_lookup(code=payload.code.strip(), verify=payload.verify.strip())
    if result is None:
        return NOT_FOUND
    return Status(200, result.__dict__)
