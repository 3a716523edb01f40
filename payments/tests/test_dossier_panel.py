"""The payments panel on the applicant's dossier page (registered in dossiers.hooks)."""

from django.urls import reverse

import pytest

from dossiers.constants import DossierStatus
from dossiers.tests.factories import make_cast, make_draft, place_in
from payments.constants import ChargeStatus
from payments.tests.helpers import dossier_with_charge

pytestmark = pytest.mark.django_db


def _page(client, cast, dossier) -> str:
    client.force_login(cast.citizen)
    response = client.get(reverse("dossiers:detail", kwargs={"uuid": dossier.uuid}))
    assert response.status_code == 200
    return response.content.decode()


def test_open_charge_shows_amount_and_pay_link(client):
    cast, dossier, _charge = dossier_with_charge(amount=12_000)
    page = _page(client, cast, dossier)
    assert 'id="payment-panel-title"' in page
    assert "12.000" in page or "12,000" in page
    assert reverse("payments:dossier", args=[dossier.code]) in page


def test_settled_charge_shows_no_pay_link(client):
    cast, dossier, charge = dossier_with_charge(status=DossierStatus.DONE)
    charge.status = ChargeStatus.SETTLED
    charge.save(update_fields=["status"])
    page = _page(client, cast, dossier)
    assert 'id="payment-panel-title"' in page
    assert reverse("payments:dossier", args=[dossier.code]) not in page


def test_no_panel_for_a_dossier_without_a_charge(client):
    cast = make_cast()
    dossier = place_in(make_draft(cast), DossierStatus.APPRAISING)
    page = _page(client, cast, dossier)
    assert 'id="payment-panel-title"' not in page
