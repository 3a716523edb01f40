"""Paying is part of the citizen's journey (issue #25): the confirmation page right after
submitting says how much, offers "Thanh toán ngay" and what happens next; the gateway's return
page shows the amount, the dossier and the receipt; the applicant is told the money arrived."""

from urllib.parse import urlencode

from django.urls import reverse

import pytest

from dossiers import services as svc
from dossiers.tests.submission_helpers import fill_draft, make_world
from notifications.models import Notification
from payments import services
from payments.tests.helpers import dossier_with_charge, gateway_params

pytestmark = pytest.mark.django_db


def test_the_confirmation_page_offers_to_pay_now_and_says_what_comes_next(client):
    world = make_world()
    draft = fill_draft(
        svc.dossier_start(procedure=world.procedure, user=world.citizen), world.citizen
    )
    svc.dossier_submit_online(dossier=draft, by=world.citizen, declaration=True)
    draft.refresh_from_db()
    client.force_login(world.citizen)
    page = client.get(
        reverse("dossiers:confirmation", kwargs={"uuid": draft.uuid})
    ).content.decode()
    assert 'data-testid="confirmation-fee"' in page
    assert "10.000" in page  # 20,000 less the 50 % online discount
    assert "Thanh toán ngay" in page
    assert f'action="{reverse("payments:dossier", args=[draft.code])}"' in page
    assert "Điều gì xảy ra tiếp theo" in page
    assert world.centre.name in page  # who checks the dossier
    assert draft.reception_due_at.strftime("%d/%m/%Y") in page  # by when
    assert reverse("notifications:preferences") in page  # how the citizen is told


def test_no_fee_no_pay_button():
    from payments.panels import confirmation_payment_panel

    _cast, dossier, charge = dossier_with_charge(amount=10_000)
    charge.status = "settled"
    charge.save(update_fields=["status"])
    assert confirmation_payment_panel(request=None, dossier=dossier) is None


def test_the_return_page_shows_amount_dossier_and_receipt_and_a_notice_is_written(client):
    cast, dossier, _charge = dossier_with_charge(amount=10_000)
    payment, _url = services.payment_start(dossier=dossier, by=cast.citizen, client_ip="127.0.0.1")
    params = gateway_params(payment)
    assert client.get(f"/thanh-toan/vnpay/ipn/?{urlencode(params)}").json()["RspCode"] == "00"
    notices = Notification.objects.filter(recipient=cast.citizen, event="payment_received")
    assert "inbox" in {n.channel for n in notices}
    assert all(n.context["dossier_code"] == dossier.code for n in notices)
    client.force_login(cast.citizen)
    page = client.get(f"/thanh-toan/vnpay/ket-qua/?{urlencode(params)}").content.decode()
    assert "Thanh toán thành công" in page
    assert "10.000" in page
    assert dossier.code in page
    assert reverse("payments:receipt", args=[payment.uuid]) in page
