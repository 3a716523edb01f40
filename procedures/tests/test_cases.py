"""Procedure documents as cases (issue #25, ADR 0260): the split of the whole national file, the
import of cases, and administrators' corrections surviving a re-import."""

import re
from io import StringIO

from django.core.management import call_command

import pytest

from common.text import fold
from procedures import importer
from procedures.cases import SINGLE_CASE_KEY, split_documents
from procedures.constants import CaseGuess, RequirementKind, ReviewFlag
from procedures.demo import DATA_FILE
from procedures.models import DocumentRequirement, Procedure, ProcedureCase
from procedures.selectors import case_documents, case_guidance, procedure_cases
from procedures.tests.factories import import_records

NATIONAL_FILE = DATA_FILE.parent / "tthc_toan_quoc.jsonl.gz"
OWN_HOME = "Đăng ký thường trú vào chỗ ở hợp pháp thuộc quyền sở hữu của mình"

# Written apart from the splitter's own patterns: lines a citizen must never be asked to upload.
_NEVER_A_SLOT = re.compile(
    r"^(?:\*?\s*luu y|vi du|\+\s*nguoi tiep nhan|nguoi tiep nhan)|"
    r"^(?:[-+]\s*)?truong hop\b.*\bthi\b|"
    r"^thong tin .{0,200}duoc khai thac"
)


# A line ending ":" that heads a list rather than names a document (again the test's own words).
_HEADS_A_LIST = re.compile(
    r"(?:\bsau(?: day)?|\bgom|\bnhu sau|\bphai (?:nop|xuat trinh|bo sung))\s*:$|"
    r"^(?:\(?[a-z0-9]{1,4}[.)]\s*)*(?:doi voi|truong hop|ho so|thanh phan ho so)\b"
)
_MARK = re.compile(r"^\s*([-+]+)")


def _depth(name: str) -> int:
    mark = _MARK.match(name)
    if mark is None:
        return 0
    return 1 if mark.group(1)[0] == "-" else 1 + len(mark.group(1))


def marked_lines_under_a_colon_line(split) -> list:
    """The "+"/"-" lines right under a line of the list ending ":" (same group, nested deeper,
    or at the same depth under a line that says it introduces a list: "… các giấy tờ sau:")."""
    under, lines = [], []  # lines: the open lines ending ":", outermost first
    for item in split.items:
        name = item.row.name.strip()
        depth = _depth(name)
        lines = [
            line
            for line in lines
            if line.row.group == item.row.group
            and depth
            and (
                depth > _depth(line.row.name)
                or (depth == _depth(line.row.name) and _HEADS_A_LIST.search(fold(line.row.name)))
            )
        ]
        if lines:
            under.append(item)
        if name.endswith(":"):
            lines.append(item)
    return under


@pytest.fixture(scope="module")
def national_records() -> list[dict]:
    return list(importer.read_records(NATIONAL_FILE))


def record_of(records: list[dict], code: str) -> dict:
    return next(r for r in records if r["ma_thu_tuc"] == code)


def test_every_procedure_of_the_national_file_has_a_case_and_only_documents_as_slots(
    national_records,
):
    assert len(national_records) == 2642
    slot_problems = []
    for record in national_records:
        split = split_documents(record.get("thanh_phan_ho_so") or [])
        assert split.cases, record["ma_thu_tuc"]
        with_alternatives = {i.parent_key for i in split.items if i.parent_key}
        for case in split.cases:
            for item in split.documents_for(case.key):
                text = fold(item.row.name).strip().lstrip("-+*. ")
                heading = (
                    text.endswith(":")
                    and _HEADS_A_LIST.search(text)
                    and item.row.source_key not in with_alternatives
                )
                if _NEVER_A_SLOT.search(text) or heading:
                    slot_problems.append((record["ma_thu_tuc"], item.row.name[:80]))
        for item in split.items:
            if item.kind != RequirementKind.DOCUMENT:
                assert not item.required, (record["ma_thu_tuc"], item.row.name[:80])
    assert slot_problems == []


def test_every_marked_line_under_a_colon_line_is_read_as_part_or_alternative(national_records):
    """Issue #25: "+"/"-" lines under a line ending ":" are that line's alternatives (the line is
    the one requirement) or its parts (each needed, under the line's condition), never loose
    documents. (Lines under a `nhom` ending ":" are that case's own documents: not counted.)"""
    under = unread = 0
    unread_lines = []
    for record in national_records:
        split = split_documents(record.get("thanh_phan_ho_so") or [])
        for item in marked_lines_under_a_colon_line(split):
            under += 1
            if not item.parent_key and item.kind in (
                RequirementKind.DOCUMENT,
                RequirementKind.HEADING,
            ):
                unread += 1
                unread_lines.append((record["ma_thu_tuc"], item.row.name[:60]))
    assert under > 200, under
    assert unread_lines == [], f"{unread} of {under}"


def test_registration_of_residence_splits_into_its_six_cases(national_records):
    split = split_documents(record_of(national_records, "1.004222")["thanh_phan_ho_so"])

    assert len(split.cases) == 6
    own_home = next(c for c in split.cases if c.title == OWN_HOME)
    slots = split.documents_for(own_home.key)
    names = [i.row.name[:30] for i in slots]
    assert len(slots) == 3, names
    assert any(i.row.name.startswith("Tờ khai thay đổi thông tin cư trú") for i in slots)
    # The legal-residence proof is looked up by the agency; the "*Lưu ý" block is a note.
    kinds = {i.row.name[:20]: i.kind for i in split.items if i.case_key in ("", own_home.key)}
    assert kinds["Thông tin chứng minh"] == RequirementKind.STATE_HELD
    assert kinds["*Lưu ý: - Không yêu "] == RequirementKind.NOTE
    parking = next(i for i in slots if "đậu, đỗ" in i.row.name)
    assert not parking.required
    assert parking.condition.startswith("trong trường hợp phương tiện")
    # "Trường hợp quy định tại điểm a, b, c … hồ sơ gồm:" is a heading, and flagged for review.
    assert {g["code"] for g in split.guesses} >= {CaseGuess.SUB_LIST}


def test_guidance_sentences_of_civil_status_copies_are_not_slots(national_records):
    split = split_documents(record_of(national_records, "2.000635")["thanh_phan_ho_so"])

    assert [c.key for c in split.cases] == [SINGLE_CASE_KEY]
    slots = split.documents_for(SINGLE_CASE_KEY)
    assert len(slots) == 5, [s.row.name[:40] for s in slots]
    assert [s.row.name[:12] for s in slots if s.required] == ["- Hộ chiếu/T"]
    authorisation = next(s for s in slots if s.row.name.startswith("Văn bản ủy quyền"))
    assert authorisation.condition.startswith("trong trường hợp ủy quyền")


def test_alternatives_under_a_line_make_one_requirement():
    split = split_documents(
        [
            {"ten_giay_to": "Giấy tờ chứng minh nơi cư trú, gồm một trong các giấy tờ sau:"},
            {"ten_giay_to": "+ Giấy xác nhận thông tin về cư trú"},
            {"ten_giay_to": "+ Giấy thông báo số định danh cá nhân"},
            {"ten_giay_to": "Tờ khai theo mẫu"},
        ]
    )
    kinds = [(i.kind, i.required) for i in split.items]
    assert kinds == [
        (RequirementKind.DOCUMENT, True),
        (RequirementKind.ALTERNATIVE, False),
        (RequirementKind.ALTERNATIVE, False),
        (RequirementKind.DOCUMENT, True),
    ]
    assert split.items[1].parent_key == split.items[0].row.source_key


def test_parts_under_a_line_are_each_needed_under_its_condition(national_records):
    split = split_documents(record_of(national_records, "1.014860")["thanh_phan_ho_so"])

    line = next(i for i in split.items if i.row.name.startswith("- Đối với các dự án đầu tư"))
    parts = [i for i in split.items if i.parent_key == line.row.source_key]
    assert line.kind == RequirementKind.HEADING
    assert len(parts) == 4
    for part in parts:
        assert (part.kind, part.required) == (RequirementKind.DOCUMENT, False)
        assert part.condition.startswith("Đối với các dự án đầu tư trong phạm vi bảo vệ")
    assert sum(1 for s in split.documents_for(SINGLE_CASE_KEY) if s.required) == 4


def test_a_one_of_group_heading_is_one_requirement_met_by_any_of_its_lines(national_records):
    """Legal aid (2.000829): "Giấy tờ chứng minh là người có công … gồm một trong các giấy tờ
    sau:" is a case whose six lines are the ways to prove it, not six uploads."""
    split = split_documents(record_of(national_records, "2.000829")["thanh_phan_ho_so"])

    merit = next(c for c in split.cases if "người có công với cách mạng" in c.title)
    own = [i for i in split.items if i.case_key == merit.key]
    requirement = next(i for i in own if i.kind == RequirementKind.DOCUMENT)
    assert requirement.required
    assert requirement.row.name.startswith("1. Giấy tờ chứng minh là người có công")
    assert not requirement.row.name.endswith(":")
    ways = [i for i in own if i.kind == RequirementKind.ALTERNATIVE]
    assert len(ways) == 6
    assert {w.parent_key for w in ways} == {requirement.row.source_key}
    assert [i.row.name for i in split.documents_for(merit.key) if i.case_key] == [
        requirement.row.name
    ]


def test_a_line_ending_with_a_colon_and_no_list_is_a_document_when_it_names_one():
    split = split_documents(
        [
            {"ten_giay_to": "Hóa đơn thương mại:", "so_ban_sao": 1},
            {"ten_giay_to": "Tờ khai hải quan theo mẫu"},
            {"ten_giay_to": "Đối với hàng hóa tạm xuất thì nộp bổ sung:"},
            {"ten_giay_to": "Người yêu cầu nộp các giấy tờ sau:"},
        ]
    )
    kinds = [(i.kind, i.required) for i in split.items]
    assert kinds == [
        (RequirementKind.DOCUMENT, True),
        (RequirementKind.DOCUMENT, True),
        (RequirementKind.HEADING, False),
        (RequirementKind.HEADING, False),
    ]
    assert {g["code"] for g in split.guesses} == {CaseGuess.SUB_LIST}


def test_authorisation_group_adds_optional_documents_to_every_case():
    split = split_documents(
        [
            {"nhom": "Trường hợp cấp mới", "ten_giay_to": "Đơn đề nghị cấp mới"},
            {"nhom": "Trường hợp cấp lại", "ten_giay_to": "Đơn đề nghị cấp lại"},
            {"nhom": "Trường hợp ủy quyền thực hiện thủ tục:", "ten_giay_to": "Văn bản ủy quyền"},
        ]
    )
    assert [c.title for c in split.cases] == ["Trường hợp cấp mới", "Trường hợp cấp lại"]
    for case in split.cases:
        slots = split.documents_for(case.key)
        assert [(s.row.name, s.required) for s in slots] == [
            (slots[0].row.name, True),
            ("Văn bản ủy quyền", False),
        ]
        assert slots[1].condition == "Trường hợp ủy quyền thực hiện thủ tục"


@pytest.mark.django_db
def test_import_writes_cases_and_a_correction_survives_the_re_import(national_records):
    record = record_of(national_records, "1.004222")
    import_records(record)
    procedure = Procedure.objects.get(code="1.004222")
    cases = procedure_cases(procedure=procedure)
    assert len(cases) == 6
    assert ReviewFlag.CASES_GUESSED in procedure.review_flags
    own_home = next(c for c in cases if c.title == OWN_HOME)
    slots = case_documents(procedure=procedure, case_key=own_home.key)
    assert len(slots) == 3
    guidance = case_guidance(procedure=procedure, case_key=own_home.key)
    assert len(guidance.state_held) == 1
    assert len(guidance.notes) == 1

    # An administrator: the vehicle certificate applies only to those who live on a vehicle.
    vehicle = next(s for s in slots if s.name.startswith("Giấy chứng nhận đăng ký phương tiện"))
    assert vehicle.required
    vehicle.required, vehicle.condition, vehicle.corrected = False, "Nếu ở trên phương tiện", True
    vehicle.save()
    own_home.label, own_home.corrected = "Tôi ở nhà của chính mình", True
    own_home.save()

    changed = {**record, "ten_thu_tuc": record["ten_thu_tuc"] + " (sửa đổi)"}
    counts = import_records(changed)
    assert counts.updated == 1
    vehicle.refresh_from_db()
    own_home.refresh_from_db()
    assert (vehicle.required, vehicle.condition) == (False, "Nếu ở trên phương tiện")
    assert own_home.label == "Tôi ở nhà của chính mình"
    assert own_home.display_name == "Tôi ở nhà của chính mình"
    required = [
        s.name[:30]
        for s in case_documents(procedure=procedure, case_key=own_home.key)
        if s.required
    ]
    assert required == ["Tờ khai thay đổi thông tin cư "]
    assert ProcedureCase.objects.filter(procedure=procedure).count() == 6


@pytest.mark.django_db
def test_guidance_names_the_requirement_each_set_of_alternatives_meets(national_records):
    import_records(record_of(national_records, "2.000829"))
    procedure = Procedure.objects.get(code="2.000829")
    merit = next(c for c in procedure_cases(procedure=procedure) if "có công" in c.title)

    guidance = case_guidance(procedure=procedure, case_key=merit.key)

    [choice] = guidance.choices
    assert choice.requirement.startswith("1. Giấy tờ chứng minh là người có công")
    assert len(choice.lines) == 6
    slots = case_documents(procedure=procedure, case_key=merit.key)
    assert choice.requirement in [s.name for s in slots if s.required]


@pytest.mark.django_db
def test_catalogue_report_lists_the_procedures_whose_split_was_a_guess(national_records):
    import_records(
        record_of(national_records, "1.004222"),
        record_of(national_records, "1.001612"),
        record_of(national_records, "1.005419"),
    )
    out = StringIO()
    call_command("catalogue_report", stdout=out)
    text = out.getvalue()
    assert "1.004222" in text
    assert "Trường hợp quy định tại điểm a, b, c" in text
    assert "đọc là tiêu đề, không phải giấy tờ" in text
    assert DocumentRequirement.objects.filter(kind=RequirementKind.NOTE).exists()
    # Asset disposal (1.005419) names its documents with a final ":" ("- Danh mục tài sản (…):"):
    # once flagged as headings, now read as documents, so nothing is left to review.
    assert "1.005419" not in text
    listing = DocumentRequirement.objects.get(
        procedure__code="1.005419", name__startswith="- Danh mục tài sản"
    )
    assert (listing.kind, listing.required) == (RequirementKind.DOCUMENT, True)


@pytest.mark.django_db
def test_admin_shows_the_cases_and_a_saved_line_is_a_correction(client, national_records):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from accounts.constants import Role
    from accounts.tests.factories import StaffFactory, login_with_mfa

    import_records(record_of(national_records, "1.004222"))
    procedure = Procedure.objects.get(code="1.004222")
    admin_user = StaffFactory(roles=[Role.SYSTEM_ADMIN], is_staff=True, is_superuser=True)
    login_with_mfa(client, admin_user)
    page = client.get(f"/admin/procedures/procedure/{procedure.pk}/change/").content.decode()
    assert "Tên dễ hiểu cho người dân" in page
    assert OWN_HOME in page

    model_admin = site._registry[Procedure]
    request = RequestFactory().post("/")
    request.user = admin_user
    line = procedure.requirements.filter(kind=RequirementKind.DOCUMENT).first()
    formset_class = model_admin.get_formsets_with_inlines(request, procedure)
    for formset, inline in formset_class:
        if inline.model is DocumentRequirement:
            prefix = formset.get_default_prefix()
            data = {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "1"}
            data |= {
                f"{prefix}-0-{name}": value
                for name, value in {
                    "id": line.pk,
                    "procedure": procedure.pk,
                    "position": line.position,
                    "group": line.group,
                    "name": line.name,
                    "kind": RequirementKind.NOTE,
                    "case": line.case_id or "",
                    "condition": "",
                    "originals": 0,
                    "copies": 0,
                    "template_name": "",
                    "state_database": "",
                }.items()
            }
            bound = formset(
                data, instance=procedure, queryset=procedure.requirements.filter(pk=line.pk)
            )
            assert bound.is_valid(), bound.errors
            model_admin.save_formset(request, None, bound, change=True)
    line.refresh_from_db()
    assert (line.kind, line.corrected) == (RequirementKind.NOTE, True)
