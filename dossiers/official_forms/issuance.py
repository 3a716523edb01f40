"""Issuance of official forms 01–06 (ADR 0120): which forms an event calls for, one signed PDF
per event and form, and the events still missing one (for the sweep).

The issuance is recorded as a new `FORM_ISSUED` event naming the event it answers (`data.event_id`)
and the stored document (`data.document_uuid`); the history itself is never edited (ADR 0072).
A listener queues the issuance on the `documents` queue after commit; a periodic sweep issues any
form still missing (a worker died, a signing key was missing). Both go through
`official_form_issue`, which takes a per-event lock and checks for an earlier issuance, so one
event never gets two PDFs.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import CharField, Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from agencies.models import Agency
from documents.services import document_discard_unused, document_issue_form
from documents.signers import SigningKeyMissing, get_keystore
from dossiers.constants import (
    STAFF_ACTORS,
    Actor,
    DossierStatus,
    EventKind,
    FormCode,
)
from dossiers.models import Dossier, DossierEvent
from dossiers.numbering_models import RegisterBook
from dossiers.official_forms.context import HANDOVER_KINDS, form_context, form_signing_event
from dossiers.services.numbering import number_take
from dossiers.services.transition import dossier_event_record

F = FormCode
S = DossierStatus

logger = logging.getLogger(__name__)

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
    return _forms_called_for(
        event.kind, event.form_code, event.to_status, lambda: _reached_agency(event)
    )


def _forms_called_for(
    kind: str, form_code: str, to_status: str, reached_agency: Callable[[], bool]
) -> list[str]:
    """The rule of `required_forms` on an event's columns; `reached_agency` is asked only for a
    handover (it costs a query when the caller has not read the history already)."""
    if not _may_need_form(kind, form_code, to_status):
        return []
    forms = [form_code] if form_code else []
    is_handover = kind in HANDOVER_KINDS or (
        kind == EventKind.TRANSITION and to_status in HANDOVER_TARGETS
    )
    if is_handover and F.CONTROL_SHEET not in forms and reached_agency():
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
    earlier). Raises `FormNotIssued` when the issuing agency cannot sign yet (nothing written).

    The PDF is rendered and signed with no transaction open (a second or more of CPU: on SQLite
    an open transaction would hold the whole database's write lock meanwhile, ADR 0201); the
    event is recorded under the event's lock, and a form a racing worker recorded first wins
    (ours is discarded)."""
    prepared = _form_prepare(event_id=event_id, form_code=form_code)
    if isinstance(prepared, DossierEvent):
        return prepared
    document = document_issue_form(
        form_code=TEMPLATE_KEYS[form_code],
        context={**prepared.context, **form_numbers(prepared.event, form_code, prepared.agency)},
        title=prepared.title,
        agency=prepared.agency,
        dossier_reference=prepared.event.dossier.code or "",
        signed_by_officer=prepared.signer,
        officer_role=prepared.signer_role if prepared.signer else "",
        agency_seal=form_code in SEALED_FORMS,
        **prepared.owner,
    )
    with transaction.atomic():
        _lock(event_id)
        earlier = issued_form_event(prepared.event, form_code)
        if earlier is not None:
            document_discard_unused(document=document)
            return earlier
        return _record_issued(prepared, form_code=form_code, document=document)


@dataclass(frozen=True)
class _PreparedForm:
    event: DossierEvent
    agency: Agency
    context: dict
    title: str
    owner: dict
    signer: Any
    signer_role: str


def _form_prepare(*, event_id: int, form_code: str) -> DossierEvent | _PreparedForm:
    """The earlier FORM_ISSUED event, or what issuing the form needs (read only)."""
    event = DossierEvent.objects.select_related("dossier", "actor", "agency").get(pk=event_id)
    if form_code not in required_forms(event):
        raise ValueError(f"event {event_id} does not call for form {form_code}")
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
    owner = (
        {"owner_organisation": dossier.organisation}
        if dossier.organisation_id
        else {"owner_user": dossier.applicant}
    )
    return _PreparedForm(
        event=event,
        agency=agency,
        context=form_context(event, form_code),
        title=f"Mẫu {form_code} — {TITLES[form_code]}",
        owner=owner,
        signer=personal_signer(event, form_code, agency),
        signer_role=str(Actor(form_signing_event(event, form_code).role).label),
    )


def _record_issued(prepared: _PreparedForm, *, form_code: str, document) -> DossierEvent:
    return dossier_event_record(
        dossier=prepared.event.dossier,
        kind=EventKind.FORM_ISSUED,
        by=None,
        role=Actor.SYSTEM,
        data={
            "event_id": prepared.event.pk,
            "form_code": form_code,
            "document_uuid": str(document.uuid),
            "template_code": document.template_code,
            "template_version": document.template_version,
            "sha256": document.sha256,
            "agency_id": prepared.agency.pk,
            **(
                {"sheet_revision": prepared.context["sheet_revision"]}
                if form_code == F.CONTROL_SHEET
                else {}
            ),
        },
    )


def form_numbers(event: DossierEvent, form_code: str, agency: Agency) -> dict[str, str]:
    """ "Số" from the issuing agency's outgoing book, and for the receipt its line in the
    reception book ("Quyển số, Số thứ tự"), ADR 0276. Taken once per form of an event (a retry
    gets the same number); the control sheet keeps one number through its revisions, and a
    second receipt after a supplement keeps the dossier's line in the reception book."""
    dossier = event.dossier
    reference = (
        f"sheet:{dossier.pk}" if form_code == F.CONTROL_SHEET else f"form:{event.pk}:{form_code}"
    )
    outgoing = number_take(
        agency=agency, book=RegisterBook.OUTGOING, reference=reference, dossier=dossier, at=event.at
    )
    numbers = {"number": outgoing.text}
    if form_code == F.RECEIPT:
        line = number_take(
            agency=agency,
            book=RegisterBook.RECEPTION,
            reference=f"reception:{dossier.pk}",
            dossier=dossier,
            at=event.at,
        )
        numbers.update(register_book=str(line.year), register_number=f"{line.number:02d}")
    return numbers


# The forms that carry the agency's seal under the signature (the apology and the stop notice
# are the agency's letters, signed by its head); the others are signed by the officer alone.
SEALED_FORMS = frozenset({F.APOLOGY_EXTENSION, F.STOP_NOTICE})


def personal_signer(event: DossierEvent, form_code: str, agency: Agency) -> Any:
    """The officer who acted, when they can sign as themselves (a personal key in the key
    store): the receiver of Mẫu 01 and 03 at intake, the head who approved a refusal after
    appraisal (Mẫu 03 at `done`), the guiding officer of Mẫu 02, the head of Mẫu 04 and 05, the
    officer handing over on Mẫu 06. Without a personal key the agency certificate
    signs alone (ADR 0222)."""
    # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
    from pyhanko.sign.general import SigningError

    event = form_signing_event(event, form_code)  # the head for a refusal they approved
    actor = event.actor
    if actor is None or form_code == F.REGISTER or event.role not in STAFF_ACTORS:
        return None
    try:
        get_keystore().officer_identity(user=actor, agency=agency)
    except (SigningKeyMissing, SigningError):
        return None
    return actor


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


def missing_form_events(*, now: dt.datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """Events older than the grace period (within the look-back) with a form never issued.

    One query: an event calls for its own form (`form_code`) and, when it hands the dossier over
    after the transfer to the agency, a control-sheet version; it is missing a form when it has
    fewer FORM_ISSUED answers than that (the same rule as `required_forms`)."""
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
    rows = dossier.events.filter(kind=EventKind.FORM_ISSUED).values_list(*_HISTORY_FIELDS)
    return _issued_in(list(rows))


# One event as the forms' reads need it: (pk, kind, form_code, to_status, at, data).
_HISTORY_FIELDS = ("pk", "kind", "form_code", "to_status", "at", "data")
_HistoryRow = tuple[int, str, str, str, dt.datetime, Any]


def _issued_in(rows: list[_HistoryRow]) -> list[IssuedForm]:
    issued: list[tuple[dt.datetime, int, Any]] = sorted(
        (
            (at, pk, data or {})
            for pk, kind, _f, _t, at, data in rows
            if kind == EventKind.FORM_ISSUED
        ),
        key=lambda item: (item[0], item[1]),
    )
    return [
        IssuedForm(
            form_code=data.get("form_code", ""),
            title=TITLES.get(data.get("form_code", ""), ""),
            document_uuid=data.get("document_uuid", ""),
            template_version=data.get("template_version"),
            issued_at=at,
            event_id=data.get("event_id"),
            sheet_revision=data.get("sheet_revision"),
        )
        for at, _pk, data in issued
    ]


def dossier_forms(
    *, dossier: Dossier, now: dt.datetime | None = None
) -> tuple[list[IssuedForm], list[PendingForm]]:
    """`dossier_issued_forms` and `dossier_pending_forms` from one read of the history (the
    officer's dossier page shows both; three queries before)."""
    rows = list(dossier.events.order_by("pk").values_list(*_HISTORY_FIELDS))
    return _issued_in(rows), _pending_in(rows, now or timezone.now())


@dataclass(frozen=True)
class PendingForm:
    """A form an event calls for that the worker has not issued yet ("đang phát hành")."""

    form_code: str
    title: str
    event_id: int
    since: dt.datetime
    late: bool  # past the sweep's grace period: the worker did not issue it; the sweep retries


def dossier_pending_forms(*, dossier: Dossier, now: dt.datetime | None = None) -> list[PendingForm]:
    """The forms the dossier's events call for and that have no FORM_ISSUED answer yet, oldest
    first: the rule of `required_forms`, over the history read once (one query). Events older
    than the sweep's look-back are left out: nothing will issue their forms any more."""
    rows = list(dossier.events.order_by("pk").values_list(*_HISTORY_FIELDS))
    return _pending_in(rows, now or timezone.now())


def _pending_in(rows: list[_HistoryRow], now: dt.datetime) -> list[PendingForm]:
    answered = {
        (str((data or {}).get("event_id")), (data or {}).get("form_code"))
        for _pk, kind, _f, _t, _at, data in rows
        if kind == EventKind.FORM_ISSUED
    }
    pending: list[PendingForm] = []
    reached = False  # a transition into processing came before the event being read
    for pk, kind, form_code, to_status, at, _data in rows:
        if kind == EventKind.FORM_ISSUED:
            continue
        if at >= now - SWEEP_LOOKBACK:
            answer_reached = partial(bool, reached)  # the value now, not at the call
            for code in _forms_called_for(kind, form_code, to_status, answer_reached):
                if (str(pk), code) not in answered:
                    pending.append(
                        PendingForm(code, TITLES[code], pk, at, late=now - at > SWEEP_GRACE)
                    )
        reached = reached or (kind == EventKind.TRANSITION and to_status in _AFTER_TRANSFER)
    return pending
