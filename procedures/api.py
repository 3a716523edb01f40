"""REST API: `GET /api/v1/procedures` (search) and `GET /api/v1/procedures/{code}` (full record)."""

import json

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from ninja import Router, Schema, Status

from procedures import selectors
from procedures.constants import API_PAGE_SIZE, LEVEL_FIELDS, OnlineLevel
from procedures.models import CODE_PATTERN

router = Router(tags=["procedures"])


class ErrorOut(Schema):
    detail: str


class ChannelOut(Schema):
    channel: str
    time_value: float | None
    time_unit: str
    fee_vnd: int | None


class ProcedureItemOut(Schema):
    code: str
    name: str
    levels: list[str]
    field: str
    online_level: str
    channels: list[ChannelOut]
    url: str


class ProcedureListOut(Schema):
    count: int
    page: int
    items: list[ProcedureItemOut]


class RequirementOut(Schema):
    name: str
    group: str
    originals: int
    copies: int
    template_name: str
    required: bool
    state_holds: bool
    state_database: str


class FormFieldOut(Schema):
    key: str
    label_vi: str
    label_en: str
    field_type: str
    required: bool
    choices: list
    validation_regex: str
    help_text: str
    prefill_source: str


class WorkflowStepOut(Schema):
    position: int
    name: str
    role: str
    agency: str | None
    time_share_percent: int
    inter_agency: bool
    lead_agency: str | None
    participating_agencies: list[str]


class FeeRuleOut(Schema):
    name: str
    channel: str
    amount_vnd: int
    online_discount_percent: int
    exempt_applicant_types: list[str]
    valid_from: str | None
    valid_to: str | None


class ProcedureDetailOut(ProcedureItemOut):
    procedure_type: str
    decision_number: str
    applicant_types: list[str]
    implementing_agency: str
    competent_agency: str
    coordinating_agency: str
    results: list[dict]
    legal_basis: list[str]
    conditions: str
    steps: str
    online_only: bool
    review_flags: list[str]
    source_url: str
    requirements: list[RequirementOut]
    form_fields: list[FormFieldOut]
    workflow: list[WorkflowStepOut]
    fee_rules: list[FeeRuleOut]


def _item(site: str, entry: selectors.CatalogueEntry) -> dict:
    return {
        "code": entry.code,
        "name": entry.name,
        "levels": list(entry.levels),
        "field": entry.field_name,
        "online_level": entry.online_level,
        "channels": [
            {
                "channel": c.channel,
                "time_value": float(c.time_value) if c.time_value is not None else None,
                "time_unit": c.time_unit,
                "fee_vnd": c.fee_vnd,
            }
            for c in entry.channels
        ],
        "url": site + entry.path,
    }


@router.get(
    "",
    response={200: ProcedureListOut, 400: ErrorOut},
    summary="Tìm thủ tục (xếp hạng: mã, tên, nội dung khác)",
)
def procedure_list(
    request: HttpRequest,
    q: str = "",
    level: str = "",
    field: str = "",
    agency: str = "",
    online: str = "",
    page: str = "1",
):
    if level and level not in LEVEL_FIELDS:
        return Status(400, {"detail": f"level must be one of {', '.join(LEVEL_FIELDS)}"})
    if online and online not in OnlineLevel.values:
        return Status(400, {"detail": f"online must be one of {', '.join(OnlineLevel.values)}"})
    if len(q) > 200:
        return Status(400, {"detail": "q must be at most 200 characters"})
    if not page.isdigit() or int(page) < 1:
        return Status(400, {"detail": "page must be a positive integer"})
    filters = selectors.CatalogueFilters(
        q=q, level=level, field=field, agency=agency, online=online
    )
    number = int(page)
    # The serialised page is cached whole (per host, since items carry absolute URLs): a repeated
    # query costs two cache reads.
    site = request.build_absolute_uri("/").removesuffix("/")
    seconds = settings.PROCEDURES_SEARCH_CACHE_SECONDS
    key = selectors.search_cache_key("api", filters, number, site) if seconds else ""
    if key and (body := cache.get(key)) is not None:
        return HttpResponse(body, content_type="application/json")
    current = selectors.procedure_search_page(filters=filters, page=number, per_page=API_PAGE_SIZE)
    if not current.items and number > 1:
        pages = max(1, -(-current.count // API_PAGE_SIZE))
        return Status(400, {"detail": f"page out of range (1–{pages})"})
    payload = {
        "count": current.count,
        "page": current.number,
        "items": [_item(site, entry) for entry in current.items],
    }
    # Serialised directly, not through the schema: validating a page of plain values cost more
    # than the search (test_api checks every answer against ProcedureListOut).
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    if key:
        cache.set(key, body, seconds)
    return HttpResponse(body, content_type="application/json")


@router.get(
    "/{code}",
    response={200: ProcedureDetailOut, 400: ErrorOut, 404: ErrorOut},
    summary="Toàn bộ thông tin một thủ tục",
)
def procedure_detail(request: HttpRequest, code: str):
    if not CODE_PATTERN.match(code):
        return Status(400, {"detail": "code must look like 1.004222"})
    procedure = selectors.procedure_get(code=code)
    if procedure is None:
        return Status(404, {"detail": f"procedure {code} not found"})
    return Status(
        200,
        {
            **_item(
                request.build_absolute_uri("/").removesuffix("/"),
                selectors.catalogue_entry_of(procedure),
            ),
            "procedure_type": procedure.procedure_type,
            "decision_number": procedure.decision_number,
            "applicant_types": [a.name for a in procedure.applicant_types.all()],
            "implementing_agency": procedure.implementing_agency_name,
            "competent_agency": procedure.competent_agency_name,
            "coordinating_agency": procedure.coordinating_agency_name,
            "results": procedure.results,
            "legal_basis": procedure.legal_basis,
            "conditions": procedure.conditions,
            "steps": procedure.steps,
            "online_only": procedure.online_only,
            "review_flags": procedure.flags,
            "source_url": procedure.source_url,
            "requirements": [
                {
                    "name": r.name,
                    "group": r.group,
                    "originals": r.originals,
                    "copies": r.copies,
                    "template_name": r.template_name,
                    "required": r.required,
                    "state_holds": r.state_holds,
                    "state_database": r.state_database,
                }
                for r in procedure.requirements.all()
            ],
            "form_fields": [
                {
                    "key": f.key,
                    "label_vi": f.label_vi,
                    "label_en": f.label_en,
                    "field_type": f.field_type,
                    "required": f.required,
                    "choices": f.choices,
                    "validation_regex": f.validation_regex,
                    "help_text": f.help_text_vi,
                    "prefill_source": f.prefill_source,
                }
                for f in procedure.form_fields.all()
            ],
            "workflow": [
                {
                    "position": s.position,
                    "name": s.name,
                    "role": s.role,
                    "agency": s.agency.code if s.agency else None,
                    "time_share_percent": s.time_share_percent,
                    "inter_agency": s.inter_agency,
                    "lead_agency": s.lead_agency.code if s.lead_agency else None,
                    "participating_agencies": [a.code for a in s.participating_agencies.all()],
                }
                for s in procedure.workflow_steps.all()
            ],
            "fee_rules": [
                {
                    "name": r.name,
                    "channel": r.channel,
                    "amount_vnd": r.amount_vnd,
                    "online_discount_percent": r.online_discount_percent,
                    "exempt_applicant_types": [a.name for a in r.exempt_applicant_types.all()],
                    "valid_from": r.valid_from.isoformat() if r.valid_from else None,
                    "valid_to": r.valid_to.isoformat() if r.valid_to else None,
                }
                for r in procedure.fee_rules.all()
            ],
        },
    )
