"""Reading and interpreting the national catalogue format (pure functions: no database).

The format is the one of `dichvucong.gov.vn` as crawled into JSON: one object per procedure with
Vietnamese keys (`ma_thu_tuc`, `ten_thu_tuc`, `cach_thuc_thuc_hien`, ...). Files may be a JSON array
or JSON lines, optionally gzipped. The known defects of the source are detected here and returned as
review flags; the raw text is always kept.
"""

import datetime as dt
import gzip
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.utils.text import slugify

from common.text import fold
from procedures.constants import (
    CHANNEL_FROM_SOURCE,
    LEVEL_FROM_SOURCE,
    TIME_UNIT_FROM_SOURCE,
    ReviewFlag,
    TimeUnit,
)

NO_INFORMATION = "Không có thông tin"
# "40,000 Việt Nam Đồng" at the start of a fee cell is the structured amount, not the note.
_STRUCTURED_FEE = re.compile(r"^\s*(?:[\d.,]+\s*Việt Nam Đồng\s*;?\s*)+", re.IGNORECASE)
_NOTE_AMOUNT = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:đ|đồng|vnđ|vnd)(?![a-zà-ỹ])", re.I)


# "nếu tiếp nhận hồ sơ sau 15 giờ thì … ngày làm việc tiếp theo" (1.001193), "nếu thời điểm nhận
# hồ sơ sau 15 giờ cùng ngày thì … ngày làm việc tiếp theo" (1.011441): the procedure's cut-off.
_CUTOFF_RULE = re.compile(r"nhận[^.;]{0,80}?sau\s+15\s*(?:giờ|h\b)", re.IGNORECASE)
CATALOGUE_CUTOFF = dt.time(15, 0)


def receipt_cutoff(record: dict) -> dt.time | None:
    """The 15:00 cut-off when the procedure's steps or channel notes state it, else None."""
    texts = [record.get("trinh_tu_thuc_hien")] + [
        row.get("mo_ta") for row in record.get("cach_thuc_thuc_hien") or [] if isinstance(row, dict)
    ]
    return receipt_cutoff_in(*texts)


def receipt_cutoff_in(*texts: object) -> dt.time | None:
    if any(_CUTOFF_RULE.search(clean_text(text)) for text in texts if text):
        return CATALOGUE_CUTOFF
    return None


def read_records(path: str | Path) -> Iterator[dict]:
    """Yields the records of a JSON array or JSON-lines file, gzipped or not."""
    path = Path(path)
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    with opener(path, "rt", encoding="utf-8") as handle:
        first = ""
        while not first:
            char = handle.read(1)
            if not char:
                return
            first = char.strip()
        rest = handle.read()
    text = first + rest
    if first == "[":
        yield from json.loads(text)
        return
    for line in text.splitlines():
        if line.strip():
            yield json.loads(line)


def record_hash(record: dict) -> str:
    return hashlib.sha256(
        json.dumps(record, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def code_for(name: str) -> str:
    return slugify(fold(name))[:120] or "khac"


def clean_text(value: object) -> str:
    """Source text without the non-breaking spaces the portal sprinkles in."""
    if not value:
        return ""
    return re.sub(r"[ \t\u00a0]+", " ", str(value)).strip()


def agency_name(value: object) -> str:
    text = clean_text(value)
    return "" if text == NO_INFORMATION else text


def note_amounts(notes: str) -> set[int]:
    """Amounts in VND written in a fee cell's free-text note (e.g. "50.000đ/giấy")."""
    remainder = _STRUCTURED_FEE.sub("", notes or "")
    amounts = set()
    for match in _NOTE_AMOUNT.finditer(remainder):
        digits = re.sub(r"[.,]", "", match.group(1))
        if digits.isdigit():
            amounts.add(int(digits))
    return amounts


@dataclass
class ChannelTerms:
    channel: str
    time_value: Decimal | None
    time_unit: str
    fee_vnd: int | None
    fee_amounts: list[int]
    is_free: bool
    notes: str
    flags: set[str] = field(default_factory=set)


def channel_terms(row: dict) -> ChannelTerms | None:
    """One channel row, with the source's defects flagged (and fees repaired only when certain)."""
    channel = CHANNEL_FROM_SOURCE.get(clean_text(row.get("kenh")))
    if channel is None:
        return None
    flags: set[str] = set()
    number = row.get("thoi_han_so")
    time_value = Decimal(str(number)) if isinstance(number, int | float) else None
    unit = TIME_UNIT_FROM_SOURCE.get(clean_text(row.get("thoi_han_don_vi")))
    if time_value is None:
        flags.add(ReviewFlag.TIME_MISSING)
    elif unit is None:
        flags.add(ReviewFlag.TIME_UNIT_MISSING)
    notes = clean_text(row.get("mo_ta"))
    amounts = [int(a) for a in row.get("phi_vnd") or [] if isinstance(a, int | float)]
    is_free = bool(row.get("mien_phi")) and not any(amounts)
    in_note = note_amounts(notes)
    if amounts and in_note:
        if all(a < 1000 and a * 1000 in in_note for a in amounts):
            # "40 Việt Nam Đồng" with a note of "40.000đ": the thousands separator was lost.
            amounts = [a * 1000 for a in amounts]
            flags.add(ReviewFlag.FEE_THOUSANDS_LOST)
        elif any(a not in in_note for a in amounts):
            flags.add(ReviewFlag.FEE_NOTE_MISMATCH)
    return ChannelTerms(
        channel=channel,
        time_value=time_value,
        time_unit=unit or TimeUnit.UNKNOWN,
        fee_vnd=max(amounts) if amounts else (0 if is_free else None),
        fee_amounts=amounts,
        is_free=is_free,
        notes=notes,
        flags=flags,
    )


@dataclass
class RequirementRow:
    source_key: str
    position: int
    group: str
    name: str
    originals: int
    copies: int
    template_name: str
    required: bool


def requirement_rows(items: list[dict]) -> list[RequirementRow]:
    """Document requirements keyed by their text, so re-imports update rows in place."""
    rows: list[RequirementRow] = []
    seen: dict[str, int] = {}
    for position, item in enumerate(items, start=1):
        name = clean_text(item.get("ten_giay_to"))
        if not name or name == "--":
            continue
        group = clean_text(item.get("nhom"))[:500]
        base = hashlib.sha1(f"{group}|{name}".encode(), usedforsecurity=False).hexdigest()[:40]
        seen[base] = seen.get(base, 0) + 1
        key = base if seen[base] == 1 else f"{base}-{seen[base]}"
        folded_group, folded_name = fold(group), fold(name)
        conditional = folded_name.lstrip("-+ ").startswith("truong hop") or "luu y" in folded_group
        rows.append(
            RequirementRow(
                source_key=key,
                position=position,
                group=group,
                name=name,
                originals=_small_int(item.get("so_ban_chinh")),
                copies=_small_int(item.get("so_ban_sao")),
                template_name=clean_text(item.get("mau_don"))[:500],
                required=not conditional,
            )
        )
    return rows


def _small_int(value: object) -> int:
    return min(int(value), 32767) if isinstance(value, int | float) and value > 0 else 0


def levels_of(record: dict) -> set[str]:
    return {
        LEVEL_FROM_SOURCE[v] for v in record.get("cap_thuc_hien") or [] if v in LEVEL_FROM_SOURCE
    }


def record_flags(record: dict) -> set[str]:
    """Record-level defects (channel-level ones come from `channel_terms`)."""
    flags: set[str] = set()
    if clean_text(record.get("thanh_phan_ho_so_text")):
        flags.add(ReviewFlag.DOCUMENTS_UNPARSED)
    elif not requirement_rows(record.get("thanh_phan_ho_so") or []):
        flags.add(ReviewFlag.DOCUMENTS_MISSING)
    if clean_text(record.get("co_quan_thuc_hien")) in ("", NO_INFORMATION):
        flags.add(ReviewFlag.AGENCY_UNKNOWN)
    return flags
