"""Counter payments scoped to the officer's agency, fees assessed after reception, and the
access matrix of the payment, receipt and staff URLs."""

from urllib.parse import urlencode

import pytest

from accounts.constants import Role
from accounts.tests.factories import CitizenFactory, UserFactory, login_with_mfa
from agencies.tests.factories import AgencyFactory
from common.exceptions import ApplicationError
from dossiers.constants import DossierStatus
from dossiers.tests.factories import add_membership
from payments import services
from payments.constants import ChargeStatus, PaymentStatus
from payments.models import Charge
from payments.tests.helpers import dossier_with_charge, gateway_params

pytestmark = pytest.mark.django_db


def test_reception_officer_of_the_receiving_agency_records_a_counter_payment(client):
    cast, dossier, charge = dossier_with_charge(amount=10_000)
    officer = cast.staff[Role.RECEPTION_OFFICER]
    login_with_mfa(client, officer)
    response = client.post(
        f"/thanh-toan/can-bo/ho-so/{dossier.code}/",
        {"action": "counter", "counter-method": "cash", "counter-receipt_number": "BL-0001"},
    )
    assert response.status_code == 302
    payment = dossier.payments.get()
    charge.refresh_from_db()
    dossier.refresh_from_db()
    assert (payment.status, payment.provider, payment.recorded_by) == ("paid", "counter", officer)
    assert payment.settled_via == "counter"
    assert charge.status == ChargeStatus.SETTLED
    assert dossier.status == DossierStatus.APPRAISING


def test_officer_of_another_agency_cannot_record_or_even_see_the_dossier(client):
    cast, dossier, charge = dossier_with_charge()
    outsider = UserFactory(roles=[Role.RECEPTION_OFFICER])
    add_membership(outsider, AgencyFactory(), Role.RECEPTION_OFFICER)
    with pytest.raises(ApplicationError):
        services.payment_record_counter(
            dossier=dossier, by=outsider, method="cash", receipt_number="BL-9"
        )
    login_with_mfa(client, outsider)
    assert client.get(f"/thanh-toan/can-bo/ho-so/{dossier.code}/").status_code == 404
    # A processing officer of the competent agency sees it but may not take money.
    with pytest.raises(ApplicationError):
        services.payment_record_counter(
            dossier=dossier,
            by=cast.staff[Role.PROCESSING_OFFICER],
            method="card",
            receipt_number="BL-9",
        )
    charge.refresh_from_db()
    assert charge.status == ChargeStatus.OPEN


def test_counter_form_errors_are_shown_and_keep_what_was_typed(client):
    cast, dossier, _charge = dossier_with_charge()
    login_with_mfa(client, cast.staff[Role.RECEPTION_OFFICER])
    response = client.post(
        f"/thanh-toan/can-bo/ho-so/{dossier.code}/",
        {"action": "counter", "counter-method": "cash", "counter-receipt_number": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-describedby="id_counter-receipt_number-error"' in html


def test_receipt_number_is_unique_per_agency():
    cast, dossier, _charge = dossier_with_charge()
    officer = cast.staff[Role.RECEPTION_OFFICER]
    services.payment_record_counter(dossier=dossier, by=officer, method="cash", receipt_number="B1")
    _c, other, _ch = dossier_with_charge(cast=cast)
    with pytest.raises(ApplicationError) as refused:
        services.payment_record_counter(
            dossier=other, by=officer, method="cash", receipt_number="B1"
        )
    assert refused.value.code == "receipt_number_used"


def test_fee_assessed_after_reception_waits_and_notifies(django_capture_on_commit_callbacks):
    from notifications.models import Notification

    cast, dossier, charge = dossier_with_charge(status=DossierStatus.APPRAISING)
    charge.status = ChargeStatus.SETTLED
    charge.save()
    officer = cast.staff[Role.PROCESSING_OFFICER]
    assessed = services.charge_assess(
        dossier=dossier,
        amount_vnd=50_000,
        label="Phí thẩm định",
        note="Nộp phí thẩm định",
        by=officer,
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_PAYMENT
    assert assessed.status == ChargeStatus.OPEN
    assert Notification.objects.filter(recipient=cast.citizen, event="payment_due").exists()


def test_submission_creates_the_charge_with_the_online_discount(
    django_capture_on_commit_callbacks,
):
    from dossiers.constants import Actor
    from dossiers.services import dossier_transition
    from dossiers.tests.factories import make_cast, make_draft
    from procedures.models import FeeRule, Procedure, ProcedureField

    field, _ = ProcedureField.objects.get_or_create(code="cu-tru", defaults={"name": "Cư trú"})
    procedure = Procedure.objects.create(code="1.001234", name="Đăng ký thường trú", field=field)
    FeeRule.objects.create(
        procedure=procedure, name="Lệ phí", amount_vnd=20_000, online_discount_percent=50
    )
    cast = make_cast()
    dossier = make_draft(cast, channel="online")
    with django_capture_on_commit_callbacks(execute=True):
        dossier_transition(
            dossier=dossier, to=DossierStatus.SUBMITTED, by=cast.citizen, role=Actor.CITIZEN
        )
    charge = Charge.objects.get(dossier=dossier)
    assert (charge.amount_vnd, charge.full_amount_vnd) == (10_000, 20_000)


@pytest.fixture
def paid():
    cast, dossier, _charge = dossier_with_charge()
    payment = services.payment_record_counter(
        dossier=dossier,
        by=cast.staff[Role.RECEPTION_OFFICER],
        method="cash",
        receipt_number="BL-77",
    )
    return cast, dossier, payment


def test_citizen_sees_own_payment_and_another_citizen_gets_404(client, paid):
    cast, dossier, payment = paid
    client.force_login(cast.citizen)
    assert client.get(f"/thanh-toan/giao-dich/{payment.uuid}/").status_code == 200
    assert client.get(f"/thanh-toan/ho-so/{dossier.code}/").status_code == 200
    client.force_login(CitizenFactory())
    for url in (
        f"/thanh-toan/giao-dich/{payment.uuid}/",
        f"/thanh-toan/giao-dich/{payment.uuid}/bien-lai.pdf",
        f"/thanh-toan/ho-so/{dossier.code}/",
        f"/thanh-toan/can-bo/ho-so/{dossier.code}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/thanh-toan/ho-so/{dossier.code}/").status_code == 404
    assert (
        client.post(
            f"/thanh-toan/giao-dich/{payment.uuid}/hoan-tien/", {"amount_vnd": 1, "reason": "x"}
        ).status_code
        == 404
    )


def test_anonymous_is_sent_to_sign_in(client, paid):
    _cast, dossier, payment = paid
    for url in (f"/thanh-toan/giao-dich/{payment.uuid}/", f"/thanh-toan/ho-so/{dossier.code}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"] or "dang-nhap" in response["Location"]


def test_staff_of_another_agency_gets_404_and_citizen_cannot_refund(client, paid):
    cast, _dossier, payment = paid
    outsider = UserFactory(roles=[Role.AGENCY_HEAD])
    add_membership(outsider, AgencyFactory(), Role.AGENCY_HEAD)
    login_with_mfa(client, outsider)
    assert client.get(f"/thanh-toan/giao-dich/{payment.uuid}/").status_code == 404
    client.force_login(cast.citizen)
    client.post(
        f"/thanh-toan/giao-dich/{payment.uuid}/hoan-tien/", {"amount_vnd": 1, "reason": "x"}
    )
    payment.refresh_from_db()
    assert payment.refunded_vnd == 0


def test_counter_refund_by_the_agency_head_through_the_page(client, paid):
    cast, _dossier, payment = paid
    head = UserFactory(roles=[Role.AGENCY_HEAD])
    add_membership(head, cast.receiving, Role.AGENCY_HEAD)
    login_with_mfa(client, head)
    page = client.get(f"/thanh-toan/giao-dich/{payment.uuid}/")
    assert "Hoàn tiền" in page.content.decode()
    response = client.post(
        f"/thanh-toan/giao-dich/{payment.uuid}/hoan-tien/",
        {"amount_vnd": payment.amount_vnd, "reason": "Từ chối giải quyết"},
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED


def test_ipn_endpoint_is_the_only_csrf_exempt_payment_route():
    from django.urls import get_resolver

    from payments import urls

    exempt = {
        p.name
        for p in urls.urlpatterns
        if getattr(p, "callback", None) and getattr(p.callback, "csrf_exempt", False)
    }
    assert exempt == {"vnpay_ipn"}
    sim = get_resolver().resolve("/thanh-toan/gia-lap/merchant_webapi/api/transaction")
    assert sim.url_name == "simulator_api"


def test_simulator_is_404_when_off(client, settings, paid):
    settings.PAYMENT_SIMULATOR_ENABLED = False
    assert client.get("/thanh-toan/gia-lap/paymentv2/vpcpay.html").status_code == 404
    settings.PAYMENT_SIMULATOR_ENABLED = True
    settings.PAYMENT_VNPAY_ENABLED = True  # production with the real gateway: never answers
    assert client.get("/thanh-toan/gia-lap/paymentv2/vpcpay.html").status_code == 404


def test_ipn_for_a_counter_payment_reference_is_order_not_found(client, paid):
    payment = paid[2]
    response = client.get(f"/thanh-toan/vnpay/ipn/?{urlencode(gateway_params(payment))}")
    assert response.json()["RspCode"] == "01"


def test_my_payments_lists_only_my_own(client, paid):
    cast, dossier, payment = paid
    client.force_login(cast.citizen)
    html = client.get("/thanh-toan/").content.decode()
    assert dossier.code in html
    assert f"/thanh-toan/giao-dich/{payment.uuid}/bien-lai.pdf" in html
    client.force_login(CitizenFactory())
    assert dossier.code not in client.get("/thanh-toan/").content.decode()


def test_withdrawn_dossier_flags_paid_payments_for_refund_and_cancels_open_charges(
    django_capture_on_commit_callbacks,
):
    from dossiers.constants import Actor
    from dossiers.services import dossier_transition

    cast, dossier, _charge = dossier_with_charge(status=DossierStatus.APPRAISING)
    payment = services.payment_record_counter(
        dossier=dossier, by=cast.staff[Role.RECEPTION_OFFICER], method="cash", receipt_number="W1"
    )
    later = Charge.objects.create(
        dossier=dossier, agency=cast.receiving, label="Phí khác", amount_vnd=5, full_amount_vnd=5
    )
    with django_capture_on_commit_callbacks(execute=True):
        dossier_transition(
            dossier=dossier,
            to=DossierStatus.WITHDRAWAL_REQUESTED,
            by=cast.citizen,
            role=Actor.CITIZEN,
        )
        dossier_transition(
            dossier=dossier,
            to=DossierStatus.STOPPED,
            by=cast.staff[Role.RECEPTION_OFFICER],
            role=Actor.RECEPTION_OFFICER,
        )
    payment.refresh_from_db()
    later.refresh_from_db()
    assert payment.needs_attention
    assert payment.status == PaymentStatus.PAID  # refunded only by an authorised officer
    assert later.status == ChargeStatus.CANCELLED


def test_the_staff_fee_page_leads_back_to_the_dossier(client):
    """Issue #20: the officer came from the dossier page and goes back to it in one click."""
    cast, dossier, _charge = dossier_with_charge()
    login_with_mfa(client, cast.staff[Role.RECEPTION_OFFICER])
    html = client.get(f"/thanh-toan/can-bo/ho-so/{dossier.code}/").content.decode()
    assert f'href="/office/ma/{dossier.code}/"' in html
