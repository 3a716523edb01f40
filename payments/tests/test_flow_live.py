"""The whole journey over real HTTP against the live server: start → simulator page → pay /
cancel / insufficient funds → the simulator's IPN → the return page; querydr reconciliation
of a payment whose IPN was lost; refunds through the simulator's API."""

import re

from django.test import Client

import pytest
import requests

from common.exceptions import ApplicationError
from dossiers.constants import DossierStatus
from dossiers.tests.factories import add_membership
from dossiers.workflow import GuardContext, check_guards, get_transition
from payments import services
from payments.constants import ChargeStatus, PaymentStatus
from payments.models import Payment, SimulatedTransaction
from payments.tests.helpers import dossier_with_charge

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def browser_for(user) -> requests.Session:
    """A requests session carrying `user`'s Django session cookie."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    for name, morsel in client.cookies.items():
        session.cookies.set(name, morsel.value)
    return session


def pay_through_simulator(gateway, user, dossier, outcome: str, *, lose_ipn: bool = False):
    session = browser_for(user)
    page = session.get(f"{gateway.url}/thanh-toan/ho-so/{dossier.code}/")
    assert page.status_code == 200, page.text[:500]
    token = CSRF.search(page.text).group(1)
    start = session.post(
        f"{gateway.url}/thanh-toan/ho-so/{dossier.code}/",
        data={"csrfmiddlewaretoken": token},
        allow_redirects=False,
    )
    assert start.status_code == 302
    bank_page = session.get(start.headers["Location"])
    assert bank_page.status_code == 200, bank_page.text[:500]
    assert "10.000" in bank_page.text or "10,000" in bank_page.text
    action = re.search(r'<form method="post" action="([^"]+)"', bank_page.text).group(1)
    data = {"csrfmiddlewaretoken": CSRF.search(bank_page.text).group(1), "outcome": outcome}
    if lose_ipn:
        data["lose_ipn"] = "1"
    back = session.post(f"{gateway.url}{action}", data=data, allow_redirects=False)
    assert back.status_code == 302
    assert back.headers["Location"].startswith(f"{gateway.url}/thanh-toan/vnpay/ket-qua/?")
    return session.get(back.headers["Location"])


def fees_guard_reasons(dossier) -> list[str]:
    transition = get_transition(DossierStatus.AWAITING_PAYMENT, DossierStatus.APPRAISING)
    return check_guards(
        GuardContext(dossier=dossier, transition=transition, by=None, role="system")
    )


def test_pay_through_the_simulator_settles_via_ipn(gateway):
    cast, dossier, charge = dossier_with_charge(amount=10_000)
    assert fees_guard_reasons(dossier)  # refused while the fee is open
    result = pay_through_simulator(gateway, cast.citizen, dossier, "pay")
    assert result.status_code == 200
    assert "Giao dịch thành công" in result.text
    assert "Đã thanh toán" in result.text  # the IPN arrived before the browser
    payment = Payment.objects.get(dossier=dossier)
    charge.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.settled_via == "ipn"
    assert payment.bank_code == "NCB"
    assert charge.status == ChargeStatus.SETTLED
    assert dossier.status == DossierStatus.APPRAISING
    assert fees_guard_reasons(dossier) == []


@pytest.mark.parametrize(
    ("outcome", "code", "message"),
    [("cancel", "24", "Bạn đã hủy giao dịch"), ("insufficient", "51", "không đủ số dư")],
)
def test_cancel_and_insufficient_funds_leave_the_fee_open(gateway, outcome, code, message):
    cast, dossier, charge = dossier_with_charge(amount=10_000)
    result = pay_through_simulator(gateway, cast.citizen, dossier, outcome)
    assert message in result.text
    payment = Payment.objects.get(dossier=dossier)
    assert payment.status == PaymentStatus.FAILED
    assert payment.response_code == code
    charge.refresh_from_db()
    dossier.refresh_from_db()
    assert charge.status == ChargeStatus.OPEN
    assert dossier.status == DossierStatus.AWAITING_PAYMENT
    assert fees_guard_reasons(dossier)


def test_querydr_reconciliation_settles_a_payment_whose_ipn_was_lost(gateway):
    cast, dossier, _charge = dossier_with_charge(amount=10_000)
    result = pay_through_simulator(gateway, cast.citizen, dossier, "pay", lose_ipn=True)
    assert "Đang chờ kết quả" in result.text
    payment = Payment.objects.get(dossier=dossier)
    assert payment.status == PaymentStatus.PENDING
    # Not yet old enough: left alone.
    assert services.payments_reconcile_stale(older_than_minutes=60) == {}
    assert services.payments_reconcile_stale(older_than_minutes=0) == {"settled": 1}
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.settled_via == "query"
    assert dossier.status == DossierStatus.APPRAISING
    assert services.payments_reconcile_stale(older_than_minutes=0) == {}  # nothing twice


def test_querydr_leaves_unpaid_and_unknown_orders_pending(gateway):
    cast, dossier, _charge = dossier_with_charge(amount=10_000)
    unknown, _url = services.payment_start(dossier=dossier, by=cast.citizen, client_ip=None)
    opened, url = services.payment_start(dossier=dossier, by=cast.citizen, client_ip=None)
    assert requests.get(url, timeout=10).status_code == 200  # the citizen saw the bank page only
    assert SimulatedTransaction.objects.filter(txn_ref=opened.txn_ref).exists()
    assert services.payment_reconcile(payment=unknown) == "not_found"
    assert services.payment_reconcile(payment=opened) == "unchanged"
    for payment in (unknown, opened):
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.PENDING


def test_reconciliation_with_the_gateway_down_leaves_pending(gateway, settings):
    cast, dossier, _charge = dossier_with_charge(amount=10_000)
    payment, _url = services.payment_start(dossier=dossier, by=cast.citizen, client_ip=None)
    settings.PAYMENT_VNPAY_API_URL = f"{gateway.url}/no-such-api/"
    assert services.payments_reconcile_stale(older_than_minutes=0) == {"error": 1}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_partial_then_full_refund_through_the_gateway(gateway):
    from accounts.constants import Role
    from accounts.tests.factories import UserFactory

    cast, dossier, _charge = dossier_with_charge(amount=10_000)
    pay_through_simulator(gateway, cast.citizen, dossier, "pay")
    payment = Payment.objects.get(dossier=dossier, status=PaymentStatus.PAID)
    head = cast.staff[Role.AGENCY_HEAD]
    with pytest.raises(ApplicationError):  # a processing officer may not refund
        services.payment_refund(
            payment=payment, amount_vnd=1_000, reason="x", by=cast.staff[Role.PROCESSING_OFFICER]
        )
    stranger = UserFactory(roles=[Role.AGENCY_HEAD])
    add_membership(stranger, dossier_with_charge()[0].competent, Role.AGENCY_HEAD)
    with pytest.raises(ApplicationError):  # nor the head of another agency
        services.payment_refund(payment=payment, amount_vnd=1_000, reason="x", by=stranger)

    partial = services.payment_refund(
        payment=payment, amount_vnd=4_000, reason="Rút hồ sơ", by=head
    )
    assert partial.status == "done"
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_vnd) == (PaymentStatus.PAID, 4_000)
    with pytest.raises(ApplicationError):
        services.payment_refund(payment=payment, amount_vnd=6_001, reason="x", by=head)
    services.payment_refund(payment=payment, amount_vnd=6_000, reason="Rút hồ sơ", by=head)
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_vnd) == (PaymentStatus.REFUNDED, 10_000)
    row = SimulatedTransaction.objects.get(txn_ref=payment.txn_ref)
    assert row.refunded == 1_000_000  # the gateway's own ledger agrees (×100)
