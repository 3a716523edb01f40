"""Official forms 01–06 of TT 03/2025/TT-VPCP Phụ lục I, issued from the dossier history.

Every event that calls for a form gets exactly one signed PDF (docs/official-forms.md, ADR 0120):

* a transition or fact whose `form_code` is set (01 receipt, 02 supplement request, 03 refusal,
  04 apology and extension, 05 stop notice, 06 control sheet at the transfer to the agency);
* a handover between units once the dossier has reached the competent agency (a new version of
  the control sheet 06, its rows read from the events).

The issuance is recorded as a new `FORM_ISSUED` event naming the event it answers (`data.event_id`)
and the stored document (`data.document_uuid`); the history itself is never edited (ADR 0072).
A listener queues the issuance on the `documents` queue after commit; a periodic sweep issues any
form still missing (a worker died, a signing key was missing). Both go through
`official_form_issue`, which takes a per-event lock and checks for an earlier issuance, so one
event never gets two PDFs.

Form 07 (the register) is not tied to one event: see `dossiers.register`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from celery import shared_task

from agencies.models import Agency
from dossiers.constants import (
    Actor,
    ComponentSource,
    DossierStatus,
    EventKind,
    FormCode,
    ResultDelivery,
    TimeUnit,
)
from dossiers.hooks import dossier_event_listeners
from dossiers.models import Dossier, DossierEvent

logger = logging.getLogger(__name__)

S = DossierStatus
F = FormCode

# The documents app's template key and the printed title (TT 03/2025 titles, §6.1) of each form.
TEMPLATE_KEYS: dict[str, str] = {code: f"mau_{code}" for code in FormCode.values}
TITLES: dict[str, str] = {
    F.RECEIPT: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    F.SUPPLEMENT_REQUEST: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    F.REFUSAL: "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    F.APOLOGY_EXTENSION: "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    F.STOP_NOTICE: "Thông báo dừng giải quyết hồ sơ",
    F.CONTROL_SHEET: "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    F.REGISTER: "Sổ theo dõi hồ sơ",
}

# Facts that hand the dossier from one unit to another (a new control-sheet version each).
HANDOVER_KINDS = frozenset(
    {EventKind.HANDOVER, EventKind.CONSULTATION_SENT, EventKind.CONSULTATION_REPLIED}
)
# Transitions that move the dossier between units after the transfer to the agency.
HANDOVER_TARGETS = frozenset({S.INTERAGENCY, S.SUPPLEMENT_REQUESTED, S.DONE, S.RETURNED, S.STOPPED})
# Statuses after which a control sheet exists (the dossier reached the competent agency).
_AFTER_TRANSFER = frozenset({S.IN_PROCESS})

# A sweep leaves recent events to the listener's task.
SWEEP_GRACE = dt.timedelta(minutes=5)
SWEEP_LOOKBACK = dt.timedelta(days=30)
SWEEP_BATCH = 200
_LOCK_NAMESPACE = 120  # pg advisory lock class for "one form per event" (ADR 0120)


# --- which form an event calls for ----------------------------------------------------------


def _may_need_form(kind: str, form_code: str, to_status: str) -> bool:
    """Cheap pre-check on the event's columns (the listener runs on every event)."""
    if kind == EventKind.FORM_ISSUED:
        return False
    if form_code:
        return True
    if kind in HANDOVER_KINDS:
        return True
    return kind == EventKind.TRANSITION and to_status in HANDOVER_TARGETS


def _reached_agency(event: DossierEvent) -> bool:
    return DossierEvent.objects.filter(
        dossier_id=event.dossier_id,
        kind=EventKind.TRANSITION,
        to_status__in=_AFTER_TRANSFER,
        pk__lt=event.pk,
    ).exists()


def required_forms(event: DossierEvent) -> list[str]:
    """The forms `event` calls for, in issuing order: its own form code, then a new version of
    the control sheet when it hands the dossier over after the transfer to the agency."""
    if not _may_need_form(event.kind, event.form_code, event.to_status):
        return []
    forms = [event.form_code] if event.form_code else []
    is_handover = event.kind in HANDOVER_KINDS or (
        event.kind == EventKind.TRANSITION and event.to_status in HANDOVER_TARGETS
    )
    if is_handover and F.CONTROL_SHEET not in forms and _reached_agency(event):
        forms.append(F.CONTROL_SHEET)
    return forms


def issued_form_event(event: DossierEvent, form_code: str) -> DossierEvent | None:
    """The FORM_ISSUED event answering `event` with `form_code`, if any."""
    return (
        DossierEvent.objects.filter(
            dossier_id=event.dossier_id,
            kind=EventKind.FORM_ISSUED,
            data__event_id=event.pk,
            data__form_code=form_code,
        )
        .order_by("pk")
        .first()
    )


# --- issuing ----------------------------------------------------------------------------------


class FormNotIssued(Exception):
    """The form cannot be issued now (no signing key for the agency); the sweep retries."""


def official_forms_issue(*, event_id: int) -> list[DossierEvent]:
    """Issue every form `event_id` calls for, each once; returns their FORM_ISSUED events (new or
    earlier). Raises `FormNotIssued` when an issuing agency cannot sign yet (the forms issued
    before it in the list are kept; the rest wait for the sweep)."""
    event = DossierEvent.objects.select_related("dossier").get(pk=event_id)
    return [
        official_form_issue(event_id=event_id, form_code=code) for code in required_forms(event)
    ]


def official_form_issue(*, event_id: int, form_code: str) -> DossierEvent:
    """Issue form `form_code` for event `event_id` once; returns the FORM_ISSUED event (new or
    earlier). Raises `FormNotIssued` when the issuing agency cannot sign yet (nothing written)."""
    from documents.services import document_issue_form
    from documents.signers import SigningKeyMissing, get_keystore
    from dossiers.services import dossier_event_record

    with transaction.atomic():
        event = DossierEvent.objects.select_related("dossier", "actor", "agency").get(pk=event_id)
        if form_code not in required_forms(event):
            raise ValueError(f"event {event_id} does not call for form {form_code}")
        _lock(event.pk)
        earlier = issued_form_event(event, form_code)
        if earlier is not None:
            return earlier
        dossier = event.dossier
        agency = issuing_agency(event, form_code)
        if agency is None:
            raise FormNotIssued(f"dossier {dossier.code}: no agency to issue form {form_code}")
        try:
            get_keystore().agency_identity(agency=agency)
        except SigningKeyMissing as exc:
            raise FormNotIssued(str(exc)) from exc
        context = form_context(event, form_code)
        title = f"Mẫu {form_code} — {TITLES[form_code]}"
        owner = (
            {"owner_organisation": dossier.organisation}
            if dossier.organisation_id
            else {"owner_user": dossier.applicant}
        )
        document = document_issue_form(
            form_code=TEMPLATE_KEYS[form_code],
            context=context,
            title=title,
            agency=agency,
            dossier_reference=dossier.code or "",
            **owner,
        )
        return dossier_event_record(
            dossier=dossier,
            kind=EventKind.FORM_ISSUED,
            by=None,
            role=Actor.SYSTEM,
            data={
                "event_id": event.pk,
                "form_code": form_code,
                "document_uuid": str(document.uuid),
                "template_code": document.template_code,
                "template_version": document.template_version,
                "sha256": document.sha256,
                "agency_id": agency.pk,
                **(
                    {"sheet_revision": context["sheet_revision"]}
                    if form_code == F.CONTROL_SHEET
                    else {}
                ),
            },
        )


def _lock(event_id: int) -> None:
    """Serialise the issuance of one event's form (PostgreSQL; SQLite serialises writes)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, event_id % 2_147_483_647]
            )


def issuing_agency(event: DossierEvent, form_code: str) -> Agency | None:
    """Who signs: the one-stop unit for the receipt, intake forms and the control sheet; the
    acting agency for the others (a supplement after appraisal, the apology, a negative result)."""
    dossier = event.dossier
    if form_code in (F.RECEIPT, F.CONTROL_SHEET):
        return dossier.receiving_agency or dossier.competent_agency
    if event.agency_id:
        return event.agency
    if event.role in (Actor.RECEPTION_OFFICER, Actor.ONESTOP_SUPERVISOR, Actor.SYSTEM):
        return dossier.receiving_agency or dossier.competent_agency
    return dossier.competent_agency or dossier.receiving_agency


@shared_task(ignore_result=True, acks_late=True)
def official_form_issue_task(event_id: int) -> list[str]:
    """Thin: issue the event's forms; a missing key is logged and left to the sweep."""
    try:
        issued = official_forms_issue(event_id=event_id)
    except FormNotIssued as exc:
        logger.warning("official form for dossier event %s not issued yet: %s", event_id, exc)
        return []
    return [str(e.data.get("document_uuid", "")) for e in issued]


def _queue(event_id: int) -> None:
    official_form_issue_task.apply_async(args=[event_id], queue="documents")


@dossier_event_listeners.register("official_forms")
def on_dossier_event(event_id: int) -> None:
    """After commit: queue the form if the event may call for one (cheap column check first)."""
    row = DossierEvent.objects.filter(pk=event_id).values("kind", "form_code", "to_status").first()
    if row and _may_need_form(row["kind"], row["form_code"], row["to_status"]):
        _queue(event_id)


def missing_form_events(*, now: dt.datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """Events older than the grace period (within the look-back) with a form never issued.

    One query: an event calls for its own form (`form_code`) and, when it hands the dossier over
    after the transfer to the agency, a control-sheet version; it is missing a form when it has
    fewer FORM_ISSUED answers than that (the same rule as `required_forms`)."""
    from django.db.models import CharField, Count, Exists, IntegerField, OuterRef, Q, Subquery
    from django.db.models.fields.json import KT
    from django.db.models.functions import Cast, Coalesce

    now = now or timezone.now()
    handover = Q(kind__in=HANDOVER_KINDS) | Q(
        kind=EventKind.TRANSITION, to_status__in=HANDOVER_TARGETS
    )
    reached = Exists(
        DossierEvent.objects.filter(
            dossier_id=OuterRef("dossier_id"),
            kind=EventKind.TRANSITION,
            to_status__in=_AFTER_TRANSFER,
            pk__lt=OuterRef("pk"),
        )
    )
    answers = (
        DossierEvent.objects.filter(kind=EventKind.FORM_ISSUED, dossier_id=OuterRef("dossier_id"))
        .annotate(answers_event=KT("data__event_id"))
        .filter(answers_event=Cast(OuterRef("pk"), output_field=CharField()))
        .order_by()
        .values("dossier_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    own = ~Q(form_code="")
    sheet = handover & Q(reached=True) & ~Q(form_code=F.CONTROL_SHEET)
    candidates = (
        DossierEvent.objects.filter(at__lte=now - SWEEP_GRACE, at__gte=now - SWEEP_LOOKBACK)
        .exclude(kind=EventKind.FORM_ISSUED)
        .filter(own | handover)
        .annotate(
            reached=reached,
            answers=Coalesce(Subquery(answers, output_field=IntegerField()), 0),
        )
        .filter(Q(answers=0) & (own | sheet) | Q(answers=1) & own & sheet)
        .order_by("at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return list(candidates)


@shared_task(ignore_result=True)
def official_forms_sweep() -> int:
    """Periodic: queue every missing form (crash safety); returns how many were queued."""
    missing = missing_form_events()
    for event_id in missing:
        _queue(event_id)
    if missing:
        logger.info("official forms sweep queued %d missing form(s)", len(missing))
    return len(missing)


# --- selectors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedForm:
    form_code: str
    title: str
    document_uuid: str
    template_version: int | None
    issued_at: dt.datetime
    event_id: int
    sheet_revision: int | None = None


def dossier_issued_forms(*, dossier: Dossier) -> list[IssuedForm]:
    """The forms issued for a dossier, oldest first (the caller has already scoped the dossier)."""
    return [
        IssuedForm(
            form_code=e.data.get("form_code", ""),
            title=TITLES.get(e.data.get("form_code", ""), ""),
            document_uuid=e.data.get("document_uuid", ""),
            template_version=e.data.get("template_version"),
            issued_at=e.at,
            event_id=e.data.get("event_id"),
            sheet_revision=e.data.get("sheet_revision"),
        )
        for e in dossier.events.filter(kind=EventKind.FORM_ISSUED).order_by("at", "pk")
    ]


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
    if dossier.organisation_id:
        org = dossier.organisation
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


def _missing_items(event: DossierEvent) -> list[dict[str, Any]]:
    listed = (event.data or {}).get("missing_items")
    if listed:
        return [
            item if isinstance(item, dict) else {"name": str(item), "quantity": 1}
            for item in listed
        ]
    lines = note_lines(event.note)
    if len(lines) > 1:
        return [{"name": line, "quantity": 1} for line in lines]
    missing = [
        {"name": c.requirement_name, "kind": c.get_copy_type_display(), "quantity": c.quantity}
        for c in event.dossier.components.all()
        if c.is_required and not c.is_provided
    ]
    return missing or [{"name": line, "quantity": 1} for line in lines]


def _supplement(event: DossierEvent) -> dict[str, Any]:
    dossier = event.dossier
    after_appraisal = event.to_status == S.SUPPLEMENT_REQUESTED
    return {
        "items": _missing_items(event),
        "reason": (event.data or {}).get("reason") or event.note,
        "after_appraisal": after_appraisal,
        "supplement_deadline_at": dossier.supplement_deadline_at if after_appraisal else None,
        "received_at": dossier.received_at,
    }


def _refusal(event: DossierEvent) -> dict[str, Any]:
    negative_result = event.to_status == S.DONE
    reason = event.note or (event.data or {}).get("reason", "")
    if negative_result and not reason:
        reason = _negative_proposal_reason(event)
    return {
        "reasons": note_lines(reason),
        "reason_text": reason,
        "negative_result": negative_result,
        "received_at": event.dossier.received_at,
    }


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
            if e.agency_id
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


_BUILDERS = {
    F.RECEIPT: _receipt,
    F.SUPPLEMENT_REQUEST: _supplement,
    F.REFUSAL: _refusal,
    F.APOLOGY_EXTENSION: _apology,
    F.STOP_NOTICE: _stop,
    F.CONTROL_SHEET: _control_sheet,
}


def _register_office_panel() -> None:
    """Show the issued forms on the officer's dossier page (the registry is the office's)."""
    from dossiers import hooks

    registry = getattr(hooks, "office_panels", None)
    if registry is not None and "official_forms" not in registry:
        from dossiers.register_views import official_forms_panel

        registry.register("official_forms", order=20)(official_forms_panel)


_register_office_panel()
