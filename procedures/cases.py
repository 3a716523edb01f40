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
SPLIT_VERSION = 2
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
# A line (or group heading) met by any one of the lines under it, not by all of them.
# (Its last words, or its first: a case heading that mentions "one of" in passing is no list.)
_ONE_OF = re.compile(
    r"(?:^|\b(?:gom|la|nop|kem theo|bo sung|xuat trinh|co|va)\s+)"
    r"(?:\d+\.\s*)?mot (?:trong|hoac mot so)\s+(?:cac|nhung)?\s*(?:loai\s+)?"
    r"(?:giay to|tai lieu|chung tu|van ban|phu luc)\b[^:]{0,80}:?\s*$|"
    r"^(?:\d+\.\s*)?mot trong (?:cac|nhung) (?:loai\s+)?(?:giay to|tai lieu|chung tu|van ban)\b"
)
# A line ending ":" that introduces a list even when its lines carry the same marker as itself.
_INTRODUCES = re.compile(
    r"(?:\bsau(?: day)?|\bgom|\bnhu sau|\bcu the|\bphai (?:nop|xuat trinh|co|bo sung)|"
    r"\bbo sung|\bthanh phan ho so|\bho so)\s*:$"
)
# Lines ending ":" that head something, never a document: "Đối với …:", "Trường hợp …:", "Để …:".
_HEADING_START = re.compile(
    r"^(?:\(?[a-z0-9]{1,4}[.)]\s*)*(?:doi voi|truong hop|neu\b|de\b|can cu|ngoai\b|tuy|giay to phai|"
    r"ho so|thanh phan|cac (?:giay to|tai lieu)|tai lieu|hoac\b)"
)
# What a document's name begins with (an act, a form, a certificate …).
_DOCUMENT_NOUN = re.compile(
    r"^(?:\(?[a-z0-9]{1,4}[.)]\s*)*(?:ban (?:sao|chinh|chup|ke|khai|cam ket|thuyet minh|ve|do)|"
    r"giay|to khai|don\b|van ban|cong van|hop dong|hoa don|bao cao|bien ban|bien lai|quyet dinh|"
    r"chung tu|chung nhan|chung chi|danh muc|danh sach|phieu|so\b|the\b|ho chieu|anh\b|"
    r"thu\b|de an|du an|phuong an|ke hoach|bang\b|hinh anh)"
)
# "Trường hợp … thì <requirement>": group 1 is the condition.
_RULE_THEN = re.compile(r"^((?:truong hop|doi voi truong hop|neu)\b.*?),?\s+thi\s+")
_MARKER_RUN = re.compile(r"^\s*([-+•–]+)")
# The source key of the line made for a "one of the following" group heading.
GROUP_LINE = "#dong-nhom"


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
    group_lines: dict[str, SplitItem] = {}
    open_lines: list[tuple[SplitItem, int]] = []  # the lines ending ":" a marked line may be under
    rules_as_headings: set[str] = set()
    for row in rows:
        item = _item(row, roles[row.group])
        if (
            item.kind == RequirementKind.NOTE
            and roles[row.group] != GroupRole.NOTES
            and row.name.rstrip().endswith(":")
        ):
            # "Trường hợp … thì hồ sơ gồm:" may head the lines under it (it does if any follow).
            item.kind = RequirementKind.HEADING
            rules_as_headings.add(row.source_key)
        if item.kind == RequirementKind.DOCUMENT and _is_one_of_group(row.group, roles[row.group]):
            # "Giấy tờ chứng minh …, gồm một trong các giấy tờ sau:" as the group's heading: the
            # heading is the one requirement and each line of the group one way to meet it.
            _alternative(item, _group_requirement(split, group_lines, row, roles[row.group]))
            split.items.append(item)
            continue
        level = marker_level(row.name)
        open_lines = [
            (line, lv)
            for line, lv in open_lines
            if line.row.group == row.group
            and level
            and (lv < level or (lv == level and _introduces(line)))
        ]
        if level and open_lines:
            _under_line(item, open_lines[-1][0])
        if item.kind == RequirementKind.HEADING:
            open_lines.append((item, level))
        split.items.append(item)
    for item in split.items:
        if item.kind == RequirementKind.HEADING and not _has_parts(split, item):
            if item.row.source_key in rules_as_headings:
                item.kind = RequirementKind.NOTE
            elif _names_a_document(item.row):
                # "Giấy phép nhập khẩu đối với hàng hóa phải có giấy phép:", "- Công văn yêu cầu
                # hoàn thuế:": a document whose name ends with ":" (its detail was cut off).
                _promote(item)
            else:
                _guess_sub_list(split, item)
    _guess_cases(split)
    return split


def marker_level(name: str) -> int:
    """How deep a line sits in the catalogue's lists: none 0, "-" 1, "+" 2, "++" 3, "+++" 4."""
    marker = _MARKER_RUN.match(name)
    if marker is None:
        return 0
    run = marker.group(1)
    return 1 if run[0] in "-•–" else 1 + len(run)


def _under_line(item: SplitItem, line: SplitItem) -> None:
    """A "+"/"-" line under a line ending ":" is one of its alternatives or one of its parts."""
    item.parent_key = line.row.source_key
    if item.kind not in (RequirementKind.DOCUMENT, RequirementKind.HEADING):
        return
    if line.kind == RequirementKind.NOTE:
        item.kind, item.required, item.condition = RequirementKind.NOTE, False, ""
        return
    if _ONE_OF.search(fold(line.row.name)):
        # "+ Sổ hộ khẩu" under "Giấy tờ chứng minh nơi cư trú, gồm một trong:" is one way to
        # meet that line: the line is the requirement, not each alternative.
        if line.kind == RequirementKind.HEADING:
            _promote(line)
        if item.kind == RequirementKind.DOCUMENT:
            _alternative(item, line)
        return
    # "Tài liệu kỹ thuật …, bao gồm:" / "Đối với dự án …, hồ sơ phải bổ sung:": every part is
    # needed, each its own document; the line stays a heading and lends them its condition.
    condition = _line_condition(line)
    if item.kind == RequirementKind.DOCUMENT and condition:
        both = f"{condition}; {item.condition}" if item.condition else condition
        item.required, item.condition = False, both[:300]


def _line_condition(line: SplitItem) -> str:
    """The condition a heading puts on its parts: "Trường hợp X thì hồ sơ gồm:" → "Trường hợp X"."""
    bare = line.row.name.strip().lstrip(_MARKERS + "*. ")
    if _RULE_THEN.match(fold(bare)):
        return _group_condition(bare)
    return condition_of(line.row.name) or line.condition


def _introduces(line: SplitItem) -> bool:
    return line.kind == RequirementKind.HEADING and bool(
        _INTRODUCES.search(fold(line.row.name).rstrip())
    )


def _alternative(item: SplitItem, line: SplitItem) -> None:
    item.kind, item.required, item.condition, item.parent_key = (
        RequirementKind.ALTERNATIVE,
        False,
        "",
        line.row.source_key,
    )


def _names_a_document(row: RequirementRow) -> bool:
    """Whether a line ending ":" with no list under it names a document rather than heads one."""
    bare = fold(row.name).strip().lstrip(_MARKERS + "*. ").strip()
    if _INTRODUCES.search(bare) or _HEADING_START.match(bare) or _ONE_OF.search(bare):
        return False
    if _DOCUMENT_NOUN.match(bare):
        return True
    # The catalogue counts copies of it, and it reads as a name (not a cut-off ", tiếp theo:").
    return row.originals + row.copies > 0 and row.name.lstrip(_MARKERS + "*. ")[:1].isupper()


def _has_parts(split: Split, line: SplitItem) -> bool:
    return any(i.parent_key == line.row.source_key for i in split.items)


def _is_one_of_group(group: str, role: str) -> bool:
    return role != GroupRole.NOTES and bool(_ONE_OF.search(fold(group)))


def _group_requirement(
    split: Split, group_lines: dict[str, SplitItem], row: RequirementRow, role: str
) -> SplitItem:
    """The requirement a "one of the following" group heading stands for, made once per group
    as a line of its own (the catalogue has no line for it: the heading is only `nhom`)."""
    if row.group not in group_lines:
        line_row = RequirementRow(
            source_key=case_key_for(f"{row.group}|{GROUP_LINE}"),
            position=row.position,
            group=row.group,
            name=_requirement_wording(row.group),
            originals=0,
            copies=0,
            template_name="",
            required=True,
        )
        line = _item(line_row, role, kind=RequirementKind.DOCUMENT)
        if role == GroupRole.CASE:
            # The heading is the case's own title: within the case it is simply asked for.
            line.required, line.condition = True, ""
        elif role == GroupRole.ADDON or line.condition:
            # "Trường hợp ủy quyền … thì hồ sơ phải kèm theo một trong …": asked only then.
            line.required, line.condition = False, _group_condition(row.group)
        group_lines[row.group] = line
        split.items.append(line)
    return group_lines[row.group]


def _item(row: RequirementRow, role: str, kind: str = "") -> SplitItem:
    if not kind:
        kind = RequirementKind.NOTE if role == GroupRole.NOTES else line_kind(row.name)
    case_key = case_key_for(row.group) if role == GroupRole.CASE else ""
    if kind != RequirementKind.DOCUMENT:
        return SplitItem(row=row, kind=kind, required=False, case_key=case_key)
    condition = condition_of(row.name)
    if not condition and role == GroupRole.ADDON:
        condition = _group_condition(row.group)
    return SplitItem(
        row=row, kind=kind, required=not condition, condition=condition, case_key=case_key
    )


def _promote(heading: SplitItem) -> None:
    promoted = _item(heading.row, group_role(heading.row.group), kind=RequirementKind.DOCUMENT)
    heading.kind, heading.required, heading.condition = (
        promoted.kind,
        promoted.required,
        promoted.condition,
    )


def _group_condition(group: str) -> str:
    """The condition a group heading puts on its lines: "Trường hợp ủy quyền … thì …" → its
    "Trường hợp" part."""
    bare = group.lstrip("*-+ ").rstrip(": ")
    rule = _RULE_THEN.match(fold(bare))
    return (bare[: rule.end(1)] if rule else bare).strip(" ,")[:300]


def _requirement_wording(group: str) -> str:
    """A group heading as a requirement: "Trường hợp ủy quyền … thì hồ sơ phải kèm theo một
    trong những giấy tờ sau:" → "Hồ sơ phải kèm theo một trong những giấy tờ sau"."""
    bare = group.lstrip(_MARKERS + "* ").rstrip(": ").strip()
    rule = _RULE_THEN.match(fold(bare))
    if rule:
        rest = bare[rule.end() :].strip()
        bare = rest[:1].upper() + rest[1:]
    return bare


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
        if (
            item.kind in (RequirementKind.NOTE, RequirementKind.HEADING)
            and (item.row.originals or item.row.copies)
            and not _has_parts(split, item)
        ):
            split.guesses.append({"code": CaseGuess.NOTE_WITH_COPIES, "text": item.row.name[:200]})
