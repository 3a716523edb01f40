"""The content of each official form (01–06), read from the dossier and its history: receipt,
supplement request, refusal, apology and extension, stop notice and the control sheet's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from common.text import fold
from dossiers.constants import (
    Actor,
    ComponentSource,
    DossierStatus,
    EventKind,
    FormCode,
    ResultDelivery,
    TimeUnit,
)
from dossiers.models import Dossier, DossierEvent

S = DossierStatus
# Facts that hand the dossier from one unit to another (a new control-sheet version each).
HANDOVER_KINDS = frozenset(
    {EventKind.HANDOVER, EventKind.CONSULTATION_SENT, EventKind.CONSULTATION_REPLIED}
)
F = FormCode


# --- form contexts -----------------------------------------------------------------------------


def form_context(event: DossierEvent, form_code: str) -> dict[str, Any]:
    """What the template of `form_code` prints for `event` (plain values, autoescaped)."""
    dossier = event.dossier
    context = {**applicant_context(dossier), **_common(event)}
    builder = _BUILDERS[form_code]
    context.update(builder(event))
    return context


def _person_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name()


def applicant_context(dossier: Dossier) -> dict[str, str]:
    """Applicant details as declared on the dossier (a snapshot), else from the profile."""
    org = dossier.organisation
    if org is not None:
        return {
            "applicant_name": org.name,
            "applicant_id": org.tax_code,
            "applicant_address": org.address,
            "applicant_phone": org.phone,
            "applicant_email": org.email,
        }
    data = dossier.applicant_data or {}
    profile = getattr(dossier.applicant, "profile", None)
    return {
        "applicant_name": data.get("full_name")
        or (profile.full_name if profile else "")
        or dossier.applicant.get_full_name(),
        "applicant_id": data.get("id_number") or (profile.id_number if profile else ""),
        "applicant_address": data.get("address") or (profile.permanent_address if profile else ""),
        "applicant_phone": data.get("phone") or (profile.phone if profile else ""),
        "applicant_email": data.get("email")
        or (profile.email if profile else "")
        or dossier.applicant.email,
    }


def _common(event: DossierEvent) -> dict[str, Any]:
    dossier = event.dossier
    receiving = dossier.receiving_agency
    competent = dossier.competent_agency
    return {
        "procedure_name": dossier.procedure_name,
        "case_title": dossier.case_title,
        "procedure_code": dossier.procedure_code,
        "event_at": event.at,
        "officer_name": _person_name(event.actor),
        "receiving_name": receiving.name if receiving else "",
        "competent_name": competent.name if competent else "",
        "contact_phone": (receiving.phone if receiving else "")
        or (competent.phone if competent else ""),
        "contact_address": receiving.address if receiving else "",
        "portal_url": settings.SITE_URL,
        "note": event.note,
    }


def _processing_time_text(dossier: Dossier) -> str:
    if dossier.processing_time is None or not dossier.processing_time_unit:
        return ""
    amount = dossier.processing_time.normalize()
    amount_text = f"{amount:f}".replace(".", ",")
    return f"{amount_text} {TimeUnit(dossier.processing_time_unit).label}"


def money_vnd(amount: int | None) -> str:
    """20000 → "20.000 đồng" (Vietnamese grouping; official forms are printed in Vietnamese)."""
    if amount is None:
        return ""
    return f"{amount:,}".replace(",", ".") + " đồng"


def _due_from(event: DossierEvent, *keys: str) -> dt.datetime | None:
    for key in keys:
        value = (event.data or {}).get(key)
        if value:
            parsed = parse_datetime(value) if isinstance(value, str) else None
            if parsed is not None:
                return parsed
    return None


def _return_place(dossier: Dossier) -> str:
    if dossier.result_delivery == ResultDelivery.POST:
        return f"Qua dịch vụ bưu chính công ích: {dossier.delivery_address}".rstrip(": ")
    if dossier.result_delivery == ResultDelivery.ELECTRONIC:
        return "Trực tuyến, trên Cổng Dịch vụ công và kho dữ liệu điện tử của tổ chức, cá nhân"
    receiving = dossier.receiving_agency
    return f"Bộ phận Một cửa — {receiving.name}" if receiving else "Bộ phận Một cửa"


def _receipt(event: DossierEvent) -> dict[str, Any]:
    dossier = event.dossier
    components = [
        {
            "name": c.requirement_name,
            "kind": c.get_copy_type_display(),
            "quantity": c.quantity,
        }
        for c in dossier.components.all()
        if c.document_uuid is not None and c.source != ComponentSource.STATE_HOLDS
    ]
    return {
        "components": components,
        "sets": "01",
        "processing_time_text": _processing_time_text(dossier),
        "received_at": event.at,
        "due_at": _due_from(event, "due_at") or dossier.due_at,
        "return_place": _return_place(dossier),
        "fee_text": money_vnd(dossier.fee_vnd) if dossier.fee_vnd else "",
        "is_resubmission": DossierEvent.objects.filter(
            dossier_id=dossier.pk,
            kind=EventKind.TRANSITION,
            to_status=S.RECEIVED,
            pk__lt=event.pk,
        ).exists(),
    }


_BULLETS = "-–•*+·"


def note_lines(note: str) -> list[str]:
    """A note written as a list ("- a\\n- b", "1. a") → its items, without the markers."""
    items = []
    for raw in note.splitlines():
        line = raw.strip().lstrip(_BULLETS).strip()
        head, sep, rest = line.partition(".")
        if sep and head.isdigit() and rest.strip():
            line = rest.strip()
        if line:
            items.append(line)
    return items


# Mẫu 02 prints a reason under the list; when the officer's note WAS the list, repeating it
# there said nothing (issue #20): this sentence stands in.
LIST_AS_REASON = "Các thành phần hồ sơ nêu trên còn thiếu hoặc chưa đúng quy định."
# "Hình thức" of an item that matches no component of the dossier.
DEFAULT_COPY_KIND = "Bản chính hoặc bản sao"


def _missing_items(event: DossierEvent) -> tuple[list[dict[str, Any]], bool]:
    """The items to supplement, and whether they were read from the note's lines."""
    listed = (event.data or {}).get("missing_items")
    if listed:
        items = [
            item if isinstance(item, dict) else {"name": str(item), "quantity": 1}
            for item in listed
        ]
        return _with_kinds(event, items), False
    lines = note_lines(event.note)
    if len(lines) > 1:
        return _with_kinds(event, [{"name": line, "quantity": 1} for line in lines]), True
    missing = [
        {"name": c.requirement_name, "kind": c.get_copy_type_display(), "quantity": c.quantity}
        for c in event.dossier.components.all()
        if c.is_required and not c.is_provided
    ]
    if missing:
        return missing, False
    return _with_kinds(event, [{"name": line, "quantity": 1} for line in lines]), False


def _with_kinds(event: DossierEvent, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fill "Hình thức" (the copy type) from the dossier's component of the same name, else the
    usual wording: the column is never left empty (issue #20)."""
    components = [(fold(c.requirement_name), c) for c in event.dossier.components.all()]
    filled = []
    for item in items:
        if not item.get("kind"):
            name = fold(str(item.get("name", "")))
            match = next((c for folded, c in components if folded and folded in name), None)
            kind = match.get_copy_type_display() if match and match.copy_type else ""
            item = {**item, "kind": kind or DEFAULT_COPY_KIND}
        filled.append(item)
    return filled


def _supplement(event: DossierEvent) -> dict[str, Any]:
    dossier = event.dossier
    after_appraisal = event.to_status == S.SUPPLEMENT_REQUESTED
    items, from_note = _missing_items(event)
    reason = (event.data or {}).get("reason") or ("" if from_note else event.note)
    return {
        "items": items,
        "reason": reason or LIST_AS_REASON,
        "after_appraisal": after_appraisal,
        "supplement_deadline_at": dossier.supplement_deadline_at if after_appraisal else None,
        "received_at": dossier.received_at,
    }


def _refusal(event: DossierEvent) -> dict[str, Any]:
    negative_result = event.to_status == S.DONE
    reason = event.note or (event.data or {}).get("reason", "")
    if negative_result and not reason:
        reason = _negative_proposal_reason(event)
    context = {
        "reasons": note_lines(reason),
        "reason_text": reason,
        "negative_result": negative_result,
        "received_at": event.dossier.received_at,
    }
    signing = form_signing_event(event, F.REFUSAL)
    if signing is not event:
        context["officer_name"] = _person_name(signing.actor)
    return context


def form_signing_event(event: DossierEvent, form_code: str) -> DossierEvent:
    """The event whose actor the form names and who signs it: the event itself, except for the
    refusal issued with a negative result (Mẫu 03 at `done`), which is the decision of the head
    who approved it ("Phê duyệt", `awaiting_approval → signing`), not of the records clerk who
    numbers and issues it (issue #20: "signed in the right name")."""
    if form_code != F.REFUSAL or event.to_status != S.DONE:
        return event
    approval = (
        DossierEvent.objects.filter(
            dossier_id=event.dossier_id,
            kind=EventKind.TRANSITION,
            to_status=S.SIGNING,
            from_status=S.AWAITING_APPROVAL,
            pk__lt=event.pk,
            actor__isnull=False,
        )
        .select_related("actor")
        .order_by("-pk")
        .first()
    )
    return approval or event


def _negative_proposal_reason(event: DossierEvent) -> str:
    """The reasons stated when the refusal was proposed for approval (required there)."""
    proposal = (
        DossierEvent.objects.filter(
            dossier_id=event.dossier_id,
            kind=EventKind.TRANSITION,
            to_status=S.AWAITING_APPROVAL,
            pk__lt=event.pk,
        )
        .exclude(note="")
        .order_by("-pk")
        .first()
    )
    return proposal.note if proposal else ""


def _apology(event: DossierEvent) -> dict[str, Any]:
    dossier = event.dossier
    data = event.data or {}
    return {
        "received_at": dossier.received_at,
        "original_due_at": _due_from(event, "previous_due_at", "old_due_at", "from_due_at")
        or dossier.due_at_original,
        "new_due_at": _due_from(event, "new_due_at", "due_at", "to_due_at") or dossier.due_at,
        "reason": data.get("reason") or event.note,
        "head_name": _person_name(event.actor),
    }


def _stop(event: DossierEvent) -> dict[str, Any]:
    dossier = event.dossier
    withdrawal = event.from_status == S.WITHDRAWAL_REQUESTED
    request = None
    if withdrawal:
        request = (
            DossierEvent.objects.filter(
                dossier_id=dossier.pk,
                kind=EventKind.TRANSITION,
                to_status=S.WITHDRAWAL_REQUESTED,
                pk__lt=event.pk,
            )
            .order_by("-pk")
            .first()
        )
    stage = request.from_status if request else event.from_status
    requested_online = request is not None and request.role in (
        Actor.CITIZEN,
        Actor.COMMUNITY_HELPER,
    )
    return {
        "withdrawal": withdrawal,
        "request_at": request.at if request else None,
        "request_channel": ("trực tuyến" if requested_online else "trực tiếp tại Bộ phận Một cửa")
        if request
        else "",
        "supplement_requested_at": dossier.supplement_requested_at,
        "supplement_deadline_at": dossier.supplement_deadline_at,
        "stage": str(DossierStatus(stage).label) if stage else "",
        "stopped_at": event.at,
        "fee_paid": bool(dossier.fee_vnd),
        "fee_text": money_vnd(dossier.fee_vnd) if dossier.fee_vnd else "",
        "by_system": event.role == Actor.SYSTEM,
    }


# --- form 06: the control sheet -----------------------------------------------------------------


@dataclass(frozen=True)
class HandoverRow:
    giver: str
    receiver: str
    given_at: dt.datetime
    received_at: dt.datetime | None
    result: str
    note: str


def _timeliness(at: dt.datetime, due: dt.datetime | None) -> str:
    if due is None:
        return ""
    if timezone.localtime(at).date() < timezone.localtime(due).date():
        return "Trước hạn"
    return "Đúng hạn" if at <= due else "Quá hạn"


def _other_agency_name(data: dict[str, Any]) -> str:
    """The other unit a handover fact names (processing writes these keys)."""
    return (
        data.get("consulted_agency_name")
        or data.get("to_agency_name")
        or data.get("agency_name")
        or data.get("from_agency_name")
        or ""
    )


def control_sheet_rows(events: list[DossierEvent], dossier: Dossier) -> list[HandoverRow]:
    """One row per handover between units, in order, read from the history (oldest first)."""
    one_stop = dossier.receiving_agency.name if dossier.receiving_agency else "Bộ phận Một cửa"
    agency = dossier.competent_agency.name if dossier.competent_agency else ""
    applicant = applicant_context(dossier)["applicant_name"]
    rows: list[HandoverRow] = []

    def next_at(index: int, agency_id: int | None) -> dt.datetime | None:
        for later in events[index + 1 :]:
            if agency_id is not None and later.agency_id == agency_id:
                return later.at
        return None

    for index, e in enumerate(events):
        data = e.data or {}
        if e.kind == EventKind.TRANSITION:
            if e.to_status == S.IN_PROCESS:
                rows.append(
                    HandoverRow(
                        one_stop,
                        agency,
                        e.at,
                        next_at(index, dossier.competent_agency_id),
                        "",
                        "Chuyển hồ sơ đến cơ quan giải quyết",
                    )
                )
            elif e.to_status == S.INTERAGENCY:
                rows.append(
                    HandoverRow(agency, "Các cơ quan phối hợp", e.at, None, "", "Xử lý liên thông")
                )
            elif e.to_status == S.SUPPLEMENT_REQUESTED:
                rows.append(HandoverRow(agency, one_stop, e.at, e.at, "", "Yêu cầu bổ sung hồ sơ"))
            elif e.to_status == S.DONE:
                rows.append(
                    HandoverRow(
                        agency,
                        one_stop,
                        e.at,
                        next_at(index, dossier.receiving_agency_id),
                        _timeliness(e.at, dossier.due_at),
                        "Chuyển kết quả về Bộ phận Một cửa",
                    )
                )
            elif e.to_status == S.RETURNED:
                rows.append(
                    HandoverRow(
                        one_stop,
                        applicant,
                        e.at,
                        e.at,
                        _timeliness(e.at, dossier.due_at),
                        "Trả kết quả cho tổ chức, cá nhân",
                    )
                )
            elif e.to_status == S.STOPPED:
                rows.append(HandoverRow(agency, one_stop, e.at, e.at, "", "Dừng giải quyết"))
        elif e.kind in HANDOVER_KINDS:
            other = _other_agency_name(data)
            if e.kind == EventKind.CONSULTATION_SENT:
                rows.append(
                    HandoverRow(
                        e.agency.name if e.agency else agency,
                        other or "Cơ quan được lấy ý kiến",
                        e.at,
                        None,
                        "",
                        "Lấy ý kiến, thẩm tra, xác minh",
                    )
                )
            elif e.kind == EventKind.CONSULTATION_REPLIED:
                rows.append(
                    HandoverRow(
                        e.agency.name if e.agency else other,
                        data.get("to_agency_name") or agency,
                        e.at,
                        e.at,
                        "",
                        "Trả lời ý kiến",
                    )
                )
            else:
                rows.append(
                    HandoverRow(
                        data.get("from_agency_name") or (e.agency.name if e.agency else one_stop),
                        data.get("to_agency_name") or data.get("to") or agency,
                        e.at,
                        None,
                        "",
                        e.note or "Bàn giao hồ sơ",
                    )
                )
    return rows


def _control_sheet(event: DossierEvent) -> dict[str, Any]:
    dossier = event.dossier
    events = list(
        dossier.events.filter(pk__lte=event.pk).select_related("agency").order_by("at", "pk")
    )
    receipt = next(
        (
            e
            for e in reversed(events)
            if e.kind == EventKind.TRANSITION and e.to_status == S.RECEIVED
        ),
        None,
    )
    coordinating = sorted(
        {
            e.agency.name
            for e in events
            if e.agency is not None  # select_related: no query
            and e.agency_id not in (dossier.receiving_agency_id, dossier.competent_agency_id)
        }
        | {
            name
            for e in events
            if e.kind in HANDOVER_KINDS
            for name in [_other_agency_name(e.data or {})]
            if name
        }
    )
    earlier_sheets = dossier.events.filter(
        kind=EventKind.FORM_ISSUED, data__form_code=F.CONTROL_SHEET
    ).count()
    return {
        "rows": control_sheet_rows(events, dossier),
        "receipt_at": receipt.at if receipt else dossier.received_at,
        "lead_agency": dossier.competent_agency.name if dossier.competent_agency else "",
        "coordinating_agencies": coordinating,
        "sheet_revision": earlier_sheets + 1,
        "due_at": dossier.due_at,
    }


_BUILDERS: dict[str, Callable[[DossierEvent], dict[str, Any]]] = {
    F.RECEIPT: _receipt,
    F.SUPPLEMENT_REQUEST: _supplement,
    F.REFUSAL: _refusal,
    F.APOLOGY_EXTENSION: _apology,
    F.STOP_NOTICE: _stop,
    F.CONTROL_SHEET: _control_sheet,
}
