"""The dossier history's hash chain (NĐ 118 Art. 5.1.c: no illegal modification or deletion of
transaction data; ADR 0115).

Each `DossierEvent` stores `prev_hash` (the hash of the dossier's previous event, "" for the
first) and `hash` = sha256 over a canonical JSON of its own fields plus `prev_hash`. The chain is
per dossier: writers hold the dossier row lock (`select_for_update`) when they append, so two
events of one dossier are never chained to the same predecessor. A PostgreSQL trigger refuses
UPDATE and DELETE on the table (migration 0004); `verify_history` recomputes the chain and reports
the first broken link, which catches a change made with the trigger disabled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from dossiers.models import Dossier, DossierEvent

# The fields hashed, in this order; adding one is a new chain version (keep old rows verifiable).
HASHED_FIELDS = (
    "dossier_id",
    "kind",
    "from_status",
    "to_status",
    "actor_id",
    "on_behalf_of_id",
    "role",
    "agency_id",
    "note",
    "form_code",
    "at",
    "data",
)


def _canonical_at(value: dt.datetime) -> str:
    # PostgreSQL keeps microseconds; UTC so the server's time zone never changes the text.
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _event_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """THE hash of one event: both event writers (`dossier_transition`, `dossier_event_record`
    through `event_append`) and the verifier call this, nothing else computes it."""
    payload = {name: fields.get(name) for name in HASHED_FIELDS}
    payload["at"] = _canonical_at(fields["at"])
    # The JSON column gives back what JSON can hold; normalise before hashing so the value
    # written and the value read later hash alike.
    payload["data"] = json.loads(json.dumps(fields.get("data") or {}))
    payload["prev_hash"] = prev_hash
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _last_hash(dossier_id: int) -> str:
    last = (
        DossierEvent.objects.filter(dossier_id=dossier_id)
        .order_by("-id")
        .values_list("hash", flat=True)
        .first()
    )
    return last or ""


def event_append(*, dossier: Dossier, **fields: Any) -> DossierEvent:
    """Write one event, chained to the dossier's previous one. The caller holds the dossier row
    lock (both writers in `dossiers.services` do)."""
    fields.setdefault("at", timezone.now())
    fields.setdefault("data", {})
    prev_hash = _last_hash(dossier.pk)
    event = DossierEvent(dossier=dossier, **fields)
    values = {name: getattr(event, name) for name in HASHED_FIELDS}
    event.prev_hash = prev_hash
    event.hash = _event_hash(values, prev_hash)
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class BrokenLink:
    dossier_code: str
    event_id: int
    reason: str

    def __str__(self) -> str:
        return f"{self.dossier_code}: sự kiện #{self.event_id}: {self.reason}"


def _rows(dossier_ids: Iterable[int] | None) -> Iterator[dict[str, Any]]:
    query = DossierEvent.objects.order_by("dossier_id", "id")
    if dossier_ids is not None:
        query = query.filter(dossier_id__in=list(dossier_ids))
    yield from query.values("id", "prev_hash", "hash", *HASHED_FIELDS).iterator(chunk_size=2000)


def verify_chain(*, dossier_ids: Iterable[int] | None = None) -> BrokenLink | None:
    """Recompute the chain of the given dossiers (all when None); the first broken link or None.

    A changed field changes that event's hash; a deleted or inserted event breaks the next
    event's `prev_hash`.
    """
    current: int | None = None
    previous = ""
    for row in _rows(dossier_ids):
        if row["dossier_id"] != current:
            current, previous = row["dossier_id"], ""
        reason = None
        if row["prev_hash"] != previous:
            reason = "mã băm sự kiện trước không khớp (sự kiện bị xóa, chèn hoặc đổi thứ tự)"
        elif _event_hash(row, previous) != row["hash"]:
            reason = "nội dung sự kiện đã bị sửa (mã băm không khớp)"
        if reason:
            code = Dossier.objects.filter(pk=row["dossier_id"]).values_list("code", flat=True)
            return BrokenLink(
                dossier_code=code.first() or str(row["dossier_id"]),
                event_id=row["id"],
                reason=reason,
            )
        previous = row["hash"]
    return None
