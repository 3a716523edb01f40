"""What an officer put before the head, read from the history: the proposal presented for
approval (grant or refuse, the reasons, the draft result) and a proposed extension; and the
once-only steps already taken, so the page can say when instead of offering them again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.dateparse import parse_datetime

from dossiers.constants import CLOCK_RUNNING_STATUSES, DossierStatus, EventKind, ResultKind
from dossiers.models import Dossier, DossierEvent

S = DossierStatus
EXTENSION_FACTS = (EventKind.EXTENSION_PROPOSED, EventKind.EXTENDED, EventKind.EXTENSION_DECLINED)


@dataclass(frozen=True)
class ExtensionProposal:
    """An officer's proposal waiting for the head: the event, the date and the reason."""

    event: DossierEvent
    new_due_at: dt.datetime
    reason: str


def extension_proposal_pending(dossier: Dossier) -> ExtensionProposal | None:
    """The latest proposal, unless the head has decided since (extended or declined)."""
    latest = (
        dossier.events.filter(kind__in=EXTENSION_FACTS)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if latest is None or latest.kind != EventKind.EXTENSION_PROPOSED:
        return None
    new_due_at = parse_datetime(str((latest.data or {}).get("new_due_at", "")))
    if new_due_at is None:
        return None
    return ExtensionProposal(event=latest, new_due_at=new_due_at, reason=latest.note)


@dataclass(frozen=True)
class ApprovalProposal:
    """The officer's presentation for approval: grant or refuse, the reasons, who and when."""

    event: DossierEvent
    result_kind: str
    reasons: str

    @property
    def is_refusal(self) -> bool:
        return self.result_kind == ResultKind.NEGATIVE

    @property
    def result_kind_label(self) -> str:
        try:
            return str(ResultKind(self.result_kind).label)
        except ValueError:
            return ""


def approval_proposal(dossier: Dossier) -> ApprovalProposal | None:
    """The latest presentation for approval (what the head decides on now, or decided on)."""
    event = (
        dossier.events.filter(kind=EventKind.TRANSITION, to_status=S.AWAITING_APPROVAL)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return None
    kind = str((event.data or {}).get("result_kind") or dossier.result_kind or "")
    return ApprovalProposal(event=event, result_kind=kind, reasons=event.note)


def transition_taken(dossier: Dossier, target: str) -> DossierEvent | None:
    """The first time the dossier entered `target` (a once-only step), or None."""
    return (
        dossier.events.filter(kind=EventKind.TRANSITION, to_status=target)
        .select_related("actor")
        .order_by("at", "id")
        .first()
    )


def extension_recorded(dossier: Dossier) -> DossierEvent | None:
    """The one extension, once recorded."""
    if not dossier.extension_count:
        return None
    return (
        dossier.events.filter(kind=EventKind.EXTENDED)
        .select_related("actor")
        .order_by("at", "id")
        .first()
    )


def extension_proposals_waiting(*, agency_ids: frozenset[int], limit: int = 10) -> list[Dossier]:
    """Dossiers of these agencies (the head's) with an extension proposal still undecided, the
    earliest due first. The candidates are few (not yet extended, a proposal on record), so the
    last word on each is read from its history."""
    candidates = (
        Dossier.objects.filter(
            competent_agency_id__in=sorted(agency_ids),
            status__in=CLOCK_RUNNING_STATUSES,
            extension_count=0,
            events__kind=EventKind.EXTENSION_PROPOSED,
        )
        .distinct()
        .order_by("due_at", "pk")
    )
    waiting = [d for d in candidates[: limit * 3] if extension_proposal_pending(d) is not None]
    return waiting[:limit]
