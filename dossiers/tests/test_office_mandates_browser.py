"""The counter revokes a mandate in a real browser (ADR 0360), axe on each page, at a desk's
width and a phone's: from the workspace's link, by the citizen's ID number, through the
confirmation page, without JavaScript doing any of it."""

from __future__ import annotations

import pytest

from accounts.constants import Role
from accounts.identity.constants import MandateStatus
from accounts.models import CitizenProfile, Mandate
from accounts.tests.factories import CitizenFactory, active_mandate
from dossiers.constants import Actor as A
from dossiers.tests.factories import make_cast
from dossiers.tests.test_office_browser import _context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID_NUMBER = "072048001111"


@pytest.mark.parametrize("width", [1280, 360])
def test_the_reception_officer_revokes_a_mandate(browser, live_server, axe, width):
    cast = make_cast()
    principal = CitizenFactory(full_name="Nguyễn Văn Cao")
    CitizenProfile.objects.filter(user=principal).update(id_number=ID_NUMBER)
    helper = CitizenFactory(
        full_name="Trần Văn Hỗ Trợ", roles=[Role.CITIZEN, Role.COMMUNITY_HELPER]
    )
    mandate = active_mandate(principal=principal, agent=helper)
    context, page = _context(browser, live_server, cast.staff[A.RECEPTION_OFFICER], width=width)
    page.goto(live_server.url + "/office/")
    page.get_by_role("link", name="Thu hồi ủy quyền").click()
    page.get_by_label("Số định danh cá nhân (CCCD) của người ủy quyền").fill(ID_NUMBER)
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("heading", name="Ủy quyền cho Trần Văn Hỗ Trợ").wait_for()
    assert ID_NUMBER not in page.url  # the number was posted, not put in the address
    assert axe(page) == [], "list"
    page.get_by_role("link", name="Thu hồi ủy quyền").last.click()
    page.get_by_role("heading", name="Xác nhận thu hồi ủy quyền").wait_for()
    assert axe(page) == [], "confirmation"
    assert Mandate.objects.get(pk=mandate.pk).status == MandateStatus.ACTIVE
    page.get_by_role("button", name="Thu hồi ủy quyền").click()
    page.get_by_text("Đã thu hồi ủy quyền của Nguyễn Văn Cao cho Trần Văn Hỗ Trợ.").wait_for()
    assert axe(page) == [], "after"
    assert Mandate.objects.get(pk=mandate.pk).status == MandateStatus.REVOKED
    context.close()
