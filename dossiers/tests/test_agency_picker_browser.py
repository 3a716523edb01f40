"""The agency picker's filter box in a real browser (issue #20): typing part of a name without
accents leaves the matching agencies, Enter picks the only one, and the form sends it."""

import datetime as dt

from django.utils import timezone

import pytest

from agencies.tests.factories import AgencyFactory, CommuneFactory
from dossiers.constants import Actor, DossierStatus
from dossiers.tests.factories import make_cast, make_draft, place_in
from dossiers.tests.test_office_browser import _context, _status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = DossierStatus
A = Actor


def test_the_consultation_picker_filters_without_accents_and_sends_the_choice(
    browser, live_server, axe
):
    cast = make_cast()
    officer = cast.staff[A.PROCESSING_OFFICER]
    due = timezone.now() + dt.timedelta(days=10)
    dossier = place_in(make_draft(cast), S.APPRAISING, due_at=due, due_at_original=due)
    dossier.assignee = officer
    dossier.save(update_fields=["assignee"])
    wanted = CommuneFactory(name="Ủy ban nhân dân phường Tân Ninh")
    AgencyFactory(name="Sở Tài nguyên và Môi trường")
    CommuneFactory(name="Ủy ban nhân dân xã Tân Hòa")
    context, page = _context(browser, live_server, officer)
    page.goto(f"{live_server.url}/office/ho-so/{dossier.uuid}/")
    page.get_by_text("Xin ý kiến, xác minh (Điều 19.4)").click()
    consult = page.locator("details", has_text="Xin ý kiến, xác minh (Điều 19.4)")
    box = consult.get_by_label("Lọc danh sách cơ quan: gõ một phần tên")
    select = consult.get_by_label("Cơ quan được xin ý kiến")
    assert axe(page) == []

    box.fill("tan ninh")  # no accents, two words in any order of the name
    shown = select.evaluate(
        "s => Array.from(s.options).filter(o => o.value && !o.hidden).map(o => o.text)"
    )
    assert shown == ["Ủy ban nhân dân phường Tân Ninh"]
    groups = select.evaluate(
        "s => Array.from(s.querySelectorAll('optgroup')).filter(g => !g.hidden).map(g => g.label)"
    )
    assert groups == ["Cấp xã"]
    assert consult.get_by_role("status").inner_text() == "Số cơ quan phù hợp: 1"
    box.press("Enter")  # picks the only match; does not submit the form
    assert select.input_value() == str(wanted.uuid)
    assert _status(dossier) == S.APPRAISING

    box.fill("tan")
    assert select.evaluate("s => Array.from(s.options).filter(o => !o.hidden).length") > 2
    assert select.input_value() == str(wanted.uuid)  # the choice stays while filtering
    page.get_by_label("Nội dung xin ý kiến, xác minh").fill("Xác minh nơi cư trú.")
    page.get_by_label("Hạn trả lời").fill((timezone.localdate() + dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Gửi xin ý kiến").click()
    page.wait_for_load_state()
    assert _status(dossier) == S.CONSULTING
    assert dossier.consultations.get().consulted_agency == wanted
    context.close()
