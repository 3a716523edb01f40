"""A citizen pays in a real browser through the simulator; axe-core scans both pages."""

from django.test import Client

import pytest

from payments.constants import PaymentStatus
from payments.models import Payment
from payments.tests.helpers import dossier_with_charge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user, base_url: str) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": n, "value": m.value, "url": base_url} for n, m in client.cookies.items()]
    )


def test_citizen_pays_in_the_browser_and_pages_pass_axe(gateway, page, axe, csp_violations):
    cast, dossier, _charge = dossier_with_charge(amount=10_000)
    sign_in(page, cast.citizen, gateway.url)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{gateway.url}/thanh-toan/ho-so/{dossier.code}/")
    assert page.get_by_test_id("amount-due").inner_text().startswith("10")
    assert axe(page) == []
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.wait_for_url("**/gia-lap/paymentv2/vpcpay.html?**")
    assert axe(page) == []
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url("**/thanh-toan/vnpay/ket-qua/?**")
    assert page.get_by_test_id("payment-status").inner_text() == "Đã thanh toán"
    assert axe(page) == []
    assert Payment.objects.get(dossier=dossier).status == PaymentStatus.PAID
    assert csp_violations == []
