"""Issue #19, finding 2: a forged IPN settled a payment when VNPay was switched off.

With VNPay off the IPN verified against the simulator's secret, published in the source. Now,
with VNPay and its simulator both off (production without a gateway), the IPN and the return
page verify nothing and answer "not configured"; the simulator's secret is per installation.
"""

import pytest

from payments import services
from payments.constants import PaymentStatus
from payments.simulator import bank
from payments.tests.helpers import as_query, dossier_with_charge, gateway_params

pytestmark = pytest.mark.django_db
PUBLISHED_SECRET = "simulator-hash-secret-not-for-production"


def _resigned(params: dict[str, str], secret: str) -> dict[str, str]:
    unsigned = {k: v for k, v in params.items() if k != "vnp_SecureHash"}
    return {**unsigned, "vnp_SecureHash": bank.secure_hash(secret, bank.hash_data(unsigned))}


@pytest.fixture
def pending():
    cast, dossier, _charge = dossier_with_charge(amount=10_000)
    payment, _url = services.payment_start(dossier=dossier, by=cast.citizen, client_ip=None)
    return payment


def _production_without_gateway(settings) -> None:
    settings.DEBUG = False
    settings.DEMO_MODE = False
    settings.PAYMENT_VNPAY_ENABLED = False


@pytest.mark.parametrize("simulator_switch", [False, True])
def test_forged_ipn_is_not_configured_and_settles_nothing(
    client, settings, pending, simulator_switch
):
    _production_without_gateway(settings)
    settings.PAYMENT_SIMULATOR_ENABLED = simulator_switch  # on by mistake changes nothing
    for secret in (PUBLISHED_SECRET, settings.PAYMENT_VNPAY_HASH_SECRET):
        forged = _resigned(gateway_params(pending), secret)
        response = client.get(f"/thanh-toan/vnpay/ipn/?{as_query(forged)}")
        assert response.status_code == 503
        assert response.json() == {"RspCode": "99", "Message": "Not configured"}
    pending.refresh_from_db()
    assert pending.status != PaymentStatus.PAID
    assert not pending.events.filter(kind="ipn").exists()
    # The service itself refuses too, whoever calls it.
    assert services.payment_ipn_process(params=gateway_params(pending)).value == "97"


def test_the_same_ipn_settles_in_demo_mode(client, settings, pending):
    """The control: with the simulator allowed, a correctly signed IPN does settle."""
    response = client.get(f"/thanh-toan/vnpay/ipn/?{as_query(gateway_params(pending))}")
    assert response.json()["RspCode"] == "00"
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.PAID


def test_the_published_secret_is_not_the_simulators(client, settings, pending):
    forged = _resigned(gateway_params(pending), PUBLISHED_SECRET)
    response = client.get(f"/thanh-toan/vnpay/ipn/?{as_query(forged)}")
    assert response.json()["RspCode"] == "97"  # invalid signature
    pending.refresh_from_db()
    assert pending.status != PaymentStatus.PAID
