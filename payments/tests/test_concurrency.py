"""Ten identical IPNs at once on real PostgreSQL settle once (security-reliability items 26, 52)."""

import threading

from django.db import connection

import pytest

from dossiers.constants import EventKind
from payments import services
from payments.constants import PaymentEventKind, PaymentStatus
from payments.tests.helpers import dossier_with_charge, gateway_params

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_identical_ipns_settle_once():
    cast, dossier, _charge = dossier_with_charge(amount=10_000)
    payment, _url = services.payment_start(dossier=dossier, by=cast.citizen, client_ip=None)
    params = gateway_params(payment)
    replies: list[str] = []
    barrier = threading.Barrier(10)

    def deliver() -> None:
        try:
            barrier.wait(timeout=10)
            replies.append(services.payment_ipn_process(params=params).value)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(replies) == ["00"] + ["02"] * 9
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.events.filter(kind=PaymentEventKind.SETTLED).count() == 1
    assert dossier.events.filter(kind=EventKind.PAYMENT_SETTLED).count() == 1
