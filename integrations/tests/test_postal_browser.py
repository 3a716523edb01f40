"""The postal channel both ways in a real browser at 360 px (issue #26): the citizen chooses
collection by the post and the result by post on the form; the post (the VNPost simulator)
collects, hands over, carries the result back; every step is on the citizen's page."""

from __future__ import annotations

import pytest

from dossiers import services as svc
from dossiers.constants import Actor, DossierStatus
from dossiers.models import Dossier
from dossiers.tests.factories import place_in
from dossiers.tests.submission_helpers import fill_draft, make_world
from dossiers.tests.test_submission_browser import check_page, signed_in_context
from integrations.constants import PostalKind
from integrations.models import PostalOrder
from integrations.vnpost import services as postal
from integrations.vnpost.simulator import simulator_advance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_chooses_postal_collection_and_gets_the_result_by_post(
    browser, live_server, axe, settings, vnpost_sim
):
    settings.VIRUS_SCANNER = "none"
    world = make_world()
    svc.dossier_start(procedure=world.procedure, user=world.citizen)
    dossier = fill_draft(Dossier.objects.get(status=DossierStatus.DRAFT), world.citizen)
    context = signed_in_context(browser, live_server, world.citizen)
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/ho-so/{dossier.uuid}/buoc/nhan-ket-qua/")
    check_page(page, axe, "delivery with the postal choice")
    page.get_by_label("Bưu điện đến địa chỉ dưới đây", exact=False).check()
    page.get_by_label("Qua dịch vụ bưu chính công ích").check()
    page.get_by_label("Địa chỉ nhận (số nhà, đường, ấp/khu phố)").fill("5 Lý Thường Kiệt")
    page.get_by_label("Xã, phường nhận").select_option(world.commune.commune_code)
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    assert page.get_by_text("Bưu điện đến thu gom tại 5 Lý Thường Kiệt").is_visible()
    check_page(page, axe, "review")
    page.get_by_label("Tôi xin cam đoan", exact=False).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    assert page.get_by_text("Bưu điện sẽ liên hệ và đến 5 Lý Thường Kiệt").is_visible()
    check_page(page, axe, "confirmation")

    # The post collects the paper and hands it over; the officer receives it from then on.
    pickup = PostalOrder.objects.get(dossier=dossier, kind=PostalKind.PICKUP)
    simulator_advance(order_number=pickup.order_number, status="2")
    simulator_advance(order_number=pickup.order_number, status="3")
    officer = world.reception_officer
    svc.dossier_transition(
        dossier=dossier, to=DossierStatus.RECEIVED, by=officer, role=Actor.RECEPTION_OFFICER
    )
    dossier.refresh_from_db()
    pickup.refresh_from_db()
    assert dossier.received_at == pickup.handed_over_at
    # Processing is the back office's journey (tested there): straight to the result.
    place_in(dossier, DossierStatus.DONE)
    dispatch = postal.postal_result_dispatch(
        dossier=dossier, by=officer, role=Actor.RECEPTION_OFFICER
    )
    simulator_advance(order_number=dispatch.order_number, status="5")
    simulator_advance(
        order_number=dispatch.order_number, status="6", proof={"receiver": "Nguyễn Văn An"}
    )

    page.goto(f"{live_server.url}/ho-so/{dossier.uuid}/")
    history = page.locator("ol").first.inner_text()
    for step in (
        "Bưu chính: Đặt lệnh thu gom hồ sơ qua bưu chính",
        "Bưu chính: Bưu điện đã nhận hồ sơ từ người nộp",
        "Bưu chính: Bưu điện bàn giao hồ sơ cho cơ quan",
        "Bưu chính: Gửi kết quả qua bưu chính",
        "Bưu chính: Bưu điện đang phát kết quả",
        "Bưu chính: Bưu điện đã phát kết quả (có xác nhận)",
    ):
        assert step in history, history
    assert f"Số hiệu bưu gửi: {dispatch.order_number} — người nhận: Nguyễn Văn An" in history
    check_page(page, axe, "the dossier's history")
    context.close()
