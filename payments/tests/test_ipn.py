"""The IPN in VNPay's documented order (97 → 01 → 04 → 02 → 00, 99 on surprises), idempotency,
late and out-of-order callbacks, and the return URL that never settles."""

from urllib.parse import urlencode

import pytest

from dossiers.constants import DossierStatus, EventKind
from payments import services
from payments.constants import ChargeStatus, PaymentEventKind, PaymentStatus
from payments.models import Payment
from payments.tests.helpers import dossier_with_charge, gateway_params

pytestmark = pytest.mark.django_db

IPN = "/thanh-toan/vnpay/ipn/"


@pytest.fixture
def started():
    cast, dossier, charge = dossier_with_charge(amount=10_000)
    payment, _url = services.payment_start(dossier=dossier, by=cast.citizen, client_ip="127.0.0.1")
    return cast, dossier, charge, payment


def ipn(client, params) -> dict:
    response = client.get(f"{IPN}?{urlencode(params)}")
    assert response.status_code == 200
    return response.json()


def settled_events(dossier) -> int:
    return dossier.events.filter(kind=EventKind.PAYMENT_SETTLED).count()


def test_success_settles_once_and_moves_the_dossier_on(
    client, started, django_capture_on_commit_callbacks
):
    _cast, dossier, charge, payment = started
    with django_capture_on_commit_callbacks():
        reply = ipn(client, gateway_params(payment))
    assert reply == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    charge.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.provider_transaction_no == "14123456"
    assert payment.settled_via == "ipn"
    assert charge.status == ChargeStatus.SETTLED
    assert dossier.status == DossierStatus.APPRAISING
    assert settled_events(dossier) == 1


def test_replay_answers_02_with_no_second_effect(client, started):
    _cast, dossier, _charge, payment = started
    params = gateway_params(payment)
    assert ipn(client, params)["RspCode"] == "00"
    assert ipn(client, params) == {"RspCode": "02", "Message": "Order already confirmed"}
    assert payment.events.filter(kind=PaymentEventKind.SETTLED).count() == 1
    assert settled_events(dossier) == 1


def test_tampered_parameter_answers_97_and_changes_nothing(client, started):
    payment = started[3]
    params = gateway_params(payment)
    params["vnp_ResponseCode"] = "00"
    params["vnp_Amount"] = "1"
    assert ipn(client, params) == {"RspCode": "97", "Message": "Invalid signature"}
    params = gateway_params(payment)
    del params["vnp_SecureHash"]
    assert ipn(client, params)["RspCode"] == "97"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_duplicated_parameter_answers_97(client, started):
    payment = started[3]
    params = gateway_params(payment)
    query = urlencode(params) + "&vnp_Amount=1"
    assert client.get(f"{IPN}?{query}").json()["RspCode"] == "97"


def test_unknown_order_answers_01(client, started):
    payment = started[3]
    payment.txn_ref = "DOESNOTEXIST01"
    assert ipn(client, gateway_params(payment))["RspCode"] == "01"


def test_amount_off_by_one_dong_answers_04(client, started):
    payment = started[3]
    params = gateway_params(payment, amount_raw=payment.amount_vnd * 100 + 100)
    assert ipn(client, params) == {"RspCode": "04", "Message": "Invalid amount"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_paid_only_when_both_codes_are_00(client, started):
    _cast, dossier, charge, payment = started
    params = gateway_params(payment, response_code="00", transaction_status="02")
    assert ipn(client, params)["RspCode"] == "00"  # recorded: a failure
    payment.refresh_from_db()
    charge.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert charge.status == ChargeStatus.OPEN
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_PAYMENT


def test_success_after_a_failure_is_applied(client, started):
    payment = started[3]
    assert (
        ipn(client, gateway_params(payment, response_code="24", transaction_status="02"))["RspCode"]
        == "00"
    )
    assert ipn(client, gateway_params(payment))["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_failure_after_success_keeps_paid_and_flags(client, started):
    payment = started[3]
    assert ipn(client, gateway_params(payment))["RspCode"] == "00"
    late = gateway_params(payment, response_code="99", transaction_status="02")
    assert ipn(client, late)["RspCode"] == "02"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.needs_attention
    assert payment.events.filter(kind=PaymentEventKind.ANOMALY).exists()


def test_late_success_after_paying_again_is_a_duplicate_never_a_second_settlement(client, started):
    cast, dossier, _charge, first = started
    # The citizen gave up on the first order and paid a second one...
    second, _url = services.payment_start(dossier=dossier, by=cast.citizen, client_ip=None)
    assert ipn(client, gateway_params(second, transaction_no="22222222"))["RspCode"] == "00"
    # ... then the first one's success arrives.
    assert ipn(client, gateway_params(first, transaction_no="11111111"))["RspCode"] == "00"
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == PaymentStatus.PAID
    assert first.status == PaymentStatus.DUPLICATE
    assert first.needs_attention
    assert settled_events(dossier) == 1


def test_unexpected_error_answers_99_and_rolls_back(client, started, monkeypatch):
    payment = started[3]

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_settle", boom)
    assert ipn(client, gateway_params(payment)) == {"RspCode": "99", "Message": "Unknown error"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert not payment.events.filter(kind=PaymentEventKind.IPN).exists()


def test_signed_return_with_00_and_no_ipn_never_marks_paid(citizen_client, started):
    cast, _dossier, charge, payment = started
    citizen_client.force_login(cast.citizen)
    response = citizen_client.get(
        f"/thanh-toan/vnpay/ket-qua/?{urlencode(gateway_params(payment))}"
    )
    assert response.status_code == 200
    assert "Đang chờ kết quả" in response.content.decode()
    payment.refresh_from_db()
    charge.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert charge.status == ChargeStatus.OPEN
    assert payment.events.filter(kind=PaymentEventKind.RETURN).count() == 1


def test_forged_return_is_refused(citizen_client, started):
    payment = started[3]
    params = gateway_params(payment)
    params["vnp_Amount"] = "1"
    response = citizen_client.get(f"/thanh-toan/vnpay/ket-qua/?{urlencode(params)}")
    assert "Không xác thực được" in response.content.decode()


def test_amount_comes_from_the_charge_not_the_request(citizen_client, started):
    cast, dossier, _charge, _payment = started
    citizen_client.force_login(cast.citizen)
    response = citizen_client.post(
        f"/thanh-toan/ho-so/{dossier.code}/", {"amount": "1", "vnp_Amount": "100"}
    )
    assert response.status_code == 302
    assert "vnp_Amount=1000000&" in response["Location"]
    assert Payment.objects.filter(dossier=dossier).latest("created_at").amount_vnd == 10_000
