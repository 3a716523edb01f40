"""The agencies' registers of numbers (ADR 0276): one sequence per agency, year and book; a
number is taken once per reference; two dossiers of one person get different document codes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from agencies.tests.factories import AgencyFactory
from documents.codes import document_code_for
from dossiers.constants import Actor, EventKind
from dossiers.models import IssuedNumber
from dossiers.numbering_models import RegisterBook
from dossiers.official_forms.issuance import form_numbers
from dossiers.services import dossier_event_record
from dossiers.services.numbering import number_record, number_take
from dossiers.tests.factories import make_cast, make_draft
from dossiers.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
OUT = RegisterBook.OUTGOING


def test_numbers_run_per_agency_and_year_and_a_reference_keeps_its_number():
    one, two = AgencyFactory(), AgencyFactory()
    december = dt.datetime(2026, 12, 31, 16, tzinfo=VN)
    assert number_take(agency=one, book=OUT, reference="a", at=december).text == "01/2026"
    assert number_take(agency=one, book=OUT, reference="b", at=december).text == "02/2026"
    # The same thing asked again (a retried issuance): the same number, no gap.
    assert number_take(agency=one, book=OUT, reference="a", at=december).text == "01/2026"
    # Another agency has its own book; so has the new year (NĐ 30/2020: from 01 every 1 January).
    assert number_take(agency=two, book=OUT, reference="c", at=december).text == "01/2026"
    new_year = dt.datetime(2027, 1, 1, 8, tzinfo=VN)
    assert number_take(agency=one, book=OUT, reference="d", at=new_year).text == "01/2027"
    # The reception book counts apart from the outgoing one.
    reception = RegisterBook.RECEPTION
    assert number_take(agency=one, book=reception, reference="e", at=december).number == 1
    assert IssuedNumber.objects.count() == 5


def test_receipt_gets_a_number_and_a_line_the_control_sheet_keeps_one_number():
    cast = make_cast()
    dossier = make_draft(cast)
    first = dossier_event_record(dossier=dossier, kind=EventKind.NOTE, by=None, role=Actor.SYSTEM)
    second = dossier_event_record(dossier=dossier, kind=EventKind.NOTE, by=None, role=Actor.SYSTEM)
    year = dt.datetime.now(VN).year
    receipt = form_numbers(first, "01", cast.receiving)
    assert receipt == {
        "number": f"01/{year}",
        "register_book": str(year),
        "register_number": "01",
    }
    # A second receipt (after a supplement): a new "Số", the same line in the reception book.
    again = form_numbers(second, "01", cast.receiving)
    assert again["number"] == f"02/{year}"
    assert again["register_number"] == "01"
    sheet_v1 = form_numbers(first, "06", cast.receiving)
    sheet_v2 = form_numbers(second, "06", cast.receiving)
    assert sheet_v1 == sheet_v2 == {"number": f"03/{year}"}


def test_two_dossiers_of_one_person_never_share_a_document_code():
    codes = {
        document_code_for(owner_code="072090001234", doc_type_code="BM02", dossier_reference=ref)
        for ref in ("H47.01-261207-0004", "H47.01-261207-0005")
    }
    assert len(codes) == 2
    assert all(code.startswith("072090001234.BM02.") for code in codes)
    # Outside a dossier (an upload to the store): ID number + type, as NĐ 118 Art. 22.4 writes it.
    assert document_code_for(owner_code="072090001234", doc_type_code="GKS") == "072090001234.GKS"
    assert document_code_for(owner_code="", doc_type_code="GKS") == ""


def test_a_typed_number_is_written_to_the_book_and_a_duplicate_is_refused():
    cast = make_cast()
    agency = cast.competent
    first, second = make_draft(cast), make_draft(cast)
    first.code, second.code = "TEST-A", "TEST-B"
    at = dt.datetime(2026, 12, 8, 9, tzinfo=VN)
    assert number_take(agency=agency, book=OUT, reference="form:1", at=at).number == 1
    typed = number_record(
        agency=agency, book=OUT, reference="result:a", text="21/TB-STP", dossier=first, at=at
    )
    assert (typed.number, typed.year) == (21, 2026)
    held = IssuedNumber.objects.get(reference="result:a")
    assert (held.number, held.register.agency, held.register.year, held.dossier) == (
        21,
        agency,
        2026,
        first,
    )
    # A retry of the same registration is accepted; the book continues after the typed number.
    assert number_record(agency=agency, book=OUT, reference="result:a", text="21/TB-STP", at=at)
    assert number_take(agency=agency, book=OUT, reference="form:2", at=at).number == 22
    # The same number for another document, whatever its symbol: refused, naming the holder.
    with pytest.raises(TransitionNotAllowed, match="Số 21 đã được cấp") as refused:
        number_record(agency=agency, book=OUT, reference="result:b", text="021/QĐ-STP", at=at)
    assert refused.value.code == "number_taken"
    # A second number for a document already numbered; a text with no number: refused.
    with pytest.raises(TransitionNotAllowed, match="đã được cấp số 21/2026"):
        number_record(agency=agency, book=OUT, reference="result:a", text="30/TB", at=at)
    with pytest.raises(TransitionNotAllowed, match="phải bắt đầu bằng số thứ tự"):
        number_record(agency=agency, book=OUT, reference="result:b", text="TB-STP", at=at)
    # Another agency's book, or next year's, may give 21 again.
    other = AgencyFactory()
    assert number_record(agency=other, book=OUT, reference="x", text="21/TB", at=at).number == 21
    next_year = dt.datetime(2027, 1, 4, 9, tzinfo=VN)
    assert number_record(agency=agency, book=OUT, reference="y", text="21", at=next_year)
    assert IssuedNumber.objects.filter(number=21).count() == 3
