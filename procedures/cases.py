"""Splitting a procedure's document list into cases (pure functions: no database). ADR 0260.

The national catalogue lists every document of every situation in one flat `thanh_phan_ho_so`;
each item carries `nhom`, the heading of the situation ("case") it belongs to. Among the items are
also lines that are not documents at all: headings that introduce a list, notes ("Lưu ý",
"Trường hợp … thì …", "+ Người tiếp nhận …"), and information the state already holds. This module
reads such a list into cases, documents and guidance, and says where the reading was a guess.
"""

import hashlib
import re
from dataclasses import dataclass, field

from common.text import fold
from procedures.constants import CaseGuess, GroupRole, RequirementKind
from procedures.importer import RequirementRow, requirement_rows

# Raised whenever the reading below changes, so the next import re-reads every record.
SPLIT_VERSION = 1
# The key of the one case of a procedure whose list names no case.
SINGLE_CASE_KEY = "chung"
# More cases than this, and the groups are probably sub-headings rather than situations.
MANY_CASES = 8
_MARKERS = "-+•–"

# Group headings that are sections of one list, not situations: "* Giấy tờ phải nộp:",
# "Thành phần hồ sơ:", "a) Thành phần hồ sơ, bao gồm:", "Bao gồm".
_SECTION_GROUP = re.compile(
    r"^(?:[a-z0-9]{1,3}[.)]\s*)?(?:cac\s+)?(?:thanh phan ho so|giay to phai (?:nop|xuat trinh)|"
    r"bao gom|ho so gom|ho so bao gom|xuat trinh|nop)\b"
)
_NOTE_GROUP = re.compile(r"^(?:luu y|ghi chu|chu y)\b|chiu trach nhiem truoc phap luat")
# "Trường hợp ủy quyền …": documents added to whichever case applies, not a case of their own.
_ADDON_GROUP = re.compile(r"^(?:truong hop\s+)?(?:co\s+)?uy quyen\b|^nguoi .{0,60}\buy quyen\b")

_NOTE_START = re.compile(
    r"^(?:luu y|ghi chu|chu y|vi du|nguoi tiep nhan|co quan tiep nhan|can bo tiep nhan|"
    r"khong yeu cau|khong phai (?:nop|xuat trinh)|khong bat buoc|ban chup cac giay to|"
    r"nguoi yeu cau .{0,60}\bco the nop|ca nhan co quyen lua chon)"
)
# "Trường hợp … thì …": a rule about when something applies, not a document to upload.
_CASE_RULE = re.compile(r"^(?:\(?truong hop|doi voi truong hop|neu)\b.*\bthi\b")
_STATE_HELD = re.compile(
    r"^thong tin\b.{0,200}\b(?:duoc khai thac|khai thac (?:trong|tu|tai))|"
    r"^(?:co quan|nguoi tiep nhan).{0,80}\b(?:tu )?khai thac"
)
_CONDITION = re.compile(
    r"\(\s*neu co\s*\)|\b(?:trong truong hop|doi voi truong hop|truong hop|neu)\b"
)
_FOR_WHOM = re.compile(r"^doi voi\b[^:]{3,160}:")


@dataclass
class SplitItem:
    row: RequirementRow
    kind: str
    required: bool
    condition: str = ""
    case_key: str = ""  # "" = common to every case
    parent_key: str = ""  # the line an alternative belongs to


@dataclass
class SplitCase:
    key: str
    position: int
    title: str


@dataclass
class Split:
    cases: list[SplitCase]
    items: list[SplitItem]
    guesses: list[dict[str, str]] = field(default_factory=list)

    def documents_for(self, case_key: str) -> list[SplitItem]:
        """The upload slots of one case: the common documents and the case's own."""
        return [
            i
            for i in self.items
            if i.kind == RequirementKind.DOCUMENT and i.case_key in ("", case_key)
        ]


def case_key_for(group: str) -> str:
    return hashlib.sha1(group.encode(), usedforsecurity=False).hexdigest()[:40]


def group_role(group: str) -> str:
    """What a `nhom` heading is: a case, a section of the common list, notes, or add-ons."""
    folded = fold(group).strip().lstrip("*-+•. ").strip()
    if not folded:
        return GroupRole.COMMON
    if _NOTE_GROUP.search(folded):
        return GroupRole.NOTES
    if _ADDON_GROUP.search(folded):
        return GroupRole.ADDON
    if _SECTION_GROUP.search(folded):
        return GroupRole.COMMON
    return GroupRole.CASE


def condition_of(name: str) -> str:
    """The condition a document is asked under ("trong trường hợp ủy quyền"), or ""."""
    folded = fold(name)
    bare = folded.lstrip(_MARKERS + "*. ")
    offset = len(folded) - len(bare)
    whom = _FOR_WHOM.match(bare)
    if whom:
        return name[offset : offset + whom.end() - 1].strip()
    match = _CONDITION.search(bare)
    if match is None:
        return ""
    start = offset + match.start()
    clause = name[start:].strip(" ()")
    end = re.search(r"[.;:](?:\s|$)", clause)
    clause = clause[: end.start()] if end else clause
    return clause[:300].strip()


def line_kind(name: str) -> str:
    """Whether a line is a document, a note, a heading or information the state holds."""
    bare = fold(name).strip().lstrip(_MARKERS + "*. ").strip()
    if _NOTE_START.match(bare) or _CASE_RULE.match(bare.rstrip(":")):
        return RequirementKind.NOTE
    if _STATE_HELD.match(bare):
        return RequirementKind.STATE_HELD
    if bare.endswith(":"):
        return RequirementKind.HEADING
    return RequirementKind.DOCUMENT


def split_documents(items: list[dict]) -> Split:
    """The cases, documents and guidance of a `thanh_phan_ho_so` list."""
    rows = requirement_rows(items)
    roles = {row.group: group_role(row.group) for row in rows}
    titles = list(dict.fromkeys(g for g in (row.group for row in rows) if roles[g] == "case"))
    cases = [SplitCase(key=case_key_for(t), position=n, title=t) for n, t in enumerate(titles, 1)]
    if not cases:
        cases = [SplitCase(key=SINGLE_CASE_KEY, position=1, title="")]
    split = Split(cases=cases, items=[])
    heading: SplitItem | None = None
    for row in rows:
        item = _item(row, roles[row.group])
        is_part = row.name.lstrip()[:1] in _MARKERS
        if heading is not None and is_part and heading.row.group == row.group:
            if item.kind == RequirementKind.DOCUMENT:
                # "+ Sổ hộ khẩu" under "Giấy tờ chứng minh nơi cư trú, gồm một trong:" is one
                # way to meet that line: the line is the requirement, not each alternative.
                if heading.kind == RequirementKind.HEADING:
                    _promote(heading, roles[heading.row.group])
                item.kind, item.required, item.parent_key = (
                    RequirementKind.ALTERNATIVE,
                    False,
                    heading.row.source_key,
                )
            split.items.append(item)
            continue
        if heading is not None and heading.kind == RequirementKind.HEADING:
            _guess_sub_list(split, heading)
        heading = item if item.kind == RequirementKind.HEADING else None
        split.items.append(item)
    if heading is not None and heading.kind == RequirementKind.HEADING:
        _guess_sub_list(split, heading)
    _guess_cases(split)
    return split


def _item(row: RequirementRow, role: str, kind: str = "") -> SplitItem:
    if not kind:
        kind = RequirementKind.NOTE if role == GroupRole.NOTES else line_kind(row.name)
    case_key = case_key_for(row.group) if role == GroupRole.CASE else ""
    if kind != RequirementKind.DOCUMENT:
        return SplitItem(row=row, kind=kind, required=False, case_key=case_key)
    condition = condition_of(row.name)
    if not condition and role == GroupRole.ADDON:
        condition = row.group.lstrip("*-+ ").rstrip(": ")[:300]
    return SplitItem(
        row=row, kind=kind, required=not condition, condition=condition, case_key=case_key
    )


def _promote(heading: SplitItem, role: str) -> None:
    promoted = _item(heading.row, role, kind=RequirementKind.DOCUMENT)
    heading.kind, heading.required, heading.condition = (
        promoted.kind,
        promoted.required,
        promoted.condition,
    )


def _guess_sub_list(split: Split, heading: SplitItem) -> None:
    """A heading followed by plain lines ("Trường hợp … hồ sơ gồm:"): its lines may form a case
    of their own that the catalogue did not name; a person should look."""
    if heading.row.group and group_role(heading.row.group) == GroupRole.NOTES:
        return
    split.guesses.append({"code": CaseGuess.SUB_LIST, "text": heading.row.name[:200]})


def _guess_cases(split: Split) -> None:
    if len(split.cases) > MANY_CASES:
        split.guesses.append({"code": CaseGuess.MANY_CASES, "text": str(len(split.cases))})
    for case in split.cases:
        if not any(i.required for i in split.documents_for(case.key)):
            split.guesses.append({"code": CaseGuess.NOTHING_REQUIRED, "text": case.title[:200]})
    for item in split.items:
        if item.kind in (RequirementKind.NOTE, RequirementKind.HEADING) and (
            item.row.originals or item.row.copies
        ):
            split.guesses.append({"code": CaseGuess.NOTE_WITH_COPIES, "text": item.row.name[:200]})
