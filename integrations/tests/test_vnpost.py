"""Postal legs through the VNPost simulator: each step on the dossier's history."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from dossiers.constants import Actor, Channel, DossierStatus, EventKind
from dossiers.selectors import dossier_timeline
from dossiers.services import dossier_due_at, dossier_submit, dossier_transition
from dossiers.tests.factories import make_draft, place_in
from dossiers.workflow import TransitionNotAllowed
from integrations.constants import PostalKind, PostalStatus, PostalStep
from integrations.models import PostalOrder, SimulatedPostalOrder
from integrations.vnpost import services as postal
from integrations.vnpost.provider import callback_signature
from integrations.vnpost.simulator import simulator_advance

pytestmark = pytest.mark.django_db(transaction=True)


def postal_draft(cast):
    """A draft whose applicant chose collection by the post at their address."""
    dossier = make_draft(cast, channel=Channel.POSTAL)
    dossier.delivery_address = "5 Lê Lợi"
    dossier.save(update_fields=["delivery_address"])
    return dossier


def postal_steps(dossier) -> list[str]:
    return [
        e.data["postal_step"] for e in dossier.events.filter(kind=EventKind.HANDOVER).order_by("id")
    ]


def test_collection_pickup_and_handover_recorded_with_the_legal_reception_time(vnpost_sim, cast):
    officer = cast.staff[Actor.RECEPTION_OFFICER]
    dossier = make_draft(cast, channel=Channel.POSTAL)
    dossier_submit(dossier=dossier, by=officer, role=Actor.RECEPTION_OFFICER)
    dossier.refresh_from_db()

    order = postal.postal_pickup_order(dossier=dossier, by=officer, role=Actor.RECEPTION_OFFICER)
    assert order.order_number.startswith("EB")
    assert order.status == PostalStatus.REGISTERED
    assert simulator_advance(order_number=order.order_number, status="2").status_code == 200
    assert simulator_advance(order_number=order.order_number, status="3").status_code == 200
    # A repeated callback changes nothing.
    assert simulator_advance(order_number=order.order_number, status="3").status_code == 200

    order.refresh_from_db()
    assert order.status == PostalStatus.HANDED_OVER
    assert order.picked_up_at
    assert order.handed_over_at
    assert postal_steps(dossier) == [
        PostalStep.PICKUP_ORDERED,
        PostalStep.PICKED_UP,
        PostalStep.HANDED_OVER,
    ]
    handover = dossier.events.filter(kind=EventKind.HANDOVER).order_by("id").last()
    assert handover.role == Actor.SYSTEM
    assert dt.datetime.fromisoformat(handover.data["legal_reception_at"]) == order.handed_over_at

    with pytest.raises(postal.PostalError):  # one live collection per dossier
        postal.postal_pickup_order(dossier=dossier, by=officer, role=Actor.RECEPTION_OFFICER)

    # Accepted later, the dossier counts as received when the post handed it over.
    with time_machine.travel(order.handed_over_at + dt.timedelta(hours=3), tick=False):
        dossier_transition(
            dossier=dossier, to=DossierStatus.RECEIVED, by=officer, role=Actor.RECEPTION_OFFICER
        )
    dossier.refresh_from_db()
    assert dossier.received_at == order.handed_over_at
    assert dossier.due_at == dossier_due_at(dossier=dossier, start=order.handed_over_at)


def test_result_dispatch_and_delivery_proof_return_the_dossier(vnpost_sim, cast):
    officer = cast.staff[Actor.RECEPTION_OFFICER]
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen, role=Actor.CITIZEN)
    place_in(dossier, DossierStatus.DONE, result_delivery="post", delivery_address="12 Đường 30/4")

    order = postal.postal_result_dispatch(dossier=dossier, by=officer, role=Actor.RECEPTION_OFFICER)
    assert order.kind == PostalKind.DISPATCH
    simulator_advance(order_number=order.order_number, status="5")
    response = simulator_advance(
        order_number=order.order_number, status="6", proof={"receiver": "Nguyễn Thị Hoa"}
    )
    assert response.json()["orderStatus"] == "6"
    order.refresh_from_db()
    assert order.delivered_at
    assert order.proof == {"receiver": "Nguyễn Thị Hoa"}
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    assert postal_steps(dossier) == [
        PostalStep.RESULT_DISPATCHED,
        PostalStep.OUT_FOR_DELIVERY,
        PostalStep.DELIVERED,
    ]
    # The applicant follows each leg on their own page, with the parcel number.
    titles = [entry.title for entry in dossier_timeline(dossier=dossier)]
    assert f"Bưu chính: {PostalStep.OUT_FOR_DELIVERY.label}" in titles
    notes = [entry.note for entry in dossier_timeline(dossier=dossier)]
    assert f"Số hiệu bưu gửi: {order.order_number} — người nhận: Nguyễn Thị Hoa" in notes


def test_dispatch_refused_before_a_result(vnpost_sim, cast):
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen, role=Actor.CITIZEN)
    with pytest.raises(postal.PostalError):
        postal.postal_result_dispatch(
            dossier=dossier, by=cast.staff[Actor.RECEPTION_OFFICER], role=Actor.RECEPTION_OFFICER
        )
    assert not PostalOrder.objects.exists()


def test_callback_needs_a_valid_signature(vnpost_sim, client, cast):
    body = json.dumps({"orderNumber": "EB000000001VN", "status": "2"}).encode()
    url = "/tich-hop/vnpost/callback/"
    bad = client.post(url, body, content_type="application/json", HTTP_X_VNPOST_SIGNATURE="00" * 32)
    assert bad.status_code == 403
    unknown = client.post(
        url,
        body,
        content_type="application/json",
        HTTP_X_VNPOST_SIGNATURE=callback_signature(body),
    )
    assert unknown.status_code == 400  # signed, but no such order


def test_staff_of_another_agency_cannot_order(vnpost_sim, cast, client):
    from accounts.tests.factories import StaffFactory, login_with_mfa
    from agencies.tests.factories import AgencyFactory
    from dossiers.tests.factories import add_membership

    dossier = make_draft(cast, channel=Channel.POSTAL)
    dossier_submit(
        dossier=dossier, by=cast.staff[Actor.RECEPTION_OFFICER], role=Actor.RECEPTION_OFFICER
    )
    stranger = StaffFactory(roles=["reception_officer"])
    add_membership(stranger, AgencyFactory(), "reception_officer")
    login_with_mfa(client, stranger)
    response = client.post(f"/tich-hop/buu-chinh/{dossier.uuid}/thu-gom/")
    assert response.status_code == 404
    assert not PostalOrder.objects.exists()

    login_with_mfa(client, cast.staff[Actor.RECEPTION_OFFICER])
    response = client.post(f"/tich-hop/buu-chinh/{dossier.uuid}/thu-gom/", {"next": "/office/"})
    assert response.status_code == 302
    assert PostalOrder.objects.filter(dossier=dossier, kind=PostalKind.PICKUP).count() == 1


def test_collection_chosen_by_the_applicant_is_ordered_with_the_submission(vnpost_sim, cast):
    """The applicant chose collection by the post: the order is placed on submission, the
    dossier cannot be received before the post hands it over, and its clock starts then."""
    officer = cast.staff[Actor.RECEPTION_OFFICER]
    dossier = postal_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen, role=Actor.CITIZEN)

    order = PostalOrder.objects.get(dossier=dossier, kind=PostalKind.PICKUP)
    assert order.status == PostalStatus.REGISTERED  # placed with VNPost after the commit
    assert order.requested_by == cast.citizen
    assert postal_steps(dossier) == [PostalStep.PICKUP_ORDERED]
    sent = SimulatedPostalOrder.objects.get(order_number=order.order_number)
    assert sent.body["serviceType"] == "THU_GOM"
    assert sent.body["senderAddress"] == "5 Lê Lợi"

    with pytest.raises(TransitionNotAllowed, match="Bưu điện chưa bàn giao"):
        dossier_transition(
            dossier=dossier, to=DossierStatus.RECEIVED, by=officer, role=Actor.RECEPTION_OFFICER
        )
    simulator_advance(order_number=order.order_number, status="2")
    simulator_advance(order_number=order.order_number, status="3")
    order.refresh_from_db()
    with time_machine.travel(order.handed_over_at + dt.timedelta(hours=1), tick=False):
        dossier_transition(
            dossier=dossier, to=DossierStatus.RECEIVED, by=officer, role=Actor.RECEPTION_OFFICER
        )
    dossier.refresh_from_db()
    assert dossier.received_at == order.handed_over_at
    assert dossier.reception_due_at is None  # not online: no 8-working-hour window
    assert postal_steps(dossier) == [
        PostalStep.PICKUP_ORDERED,
        PostalStep.PICKED_UP,
        PostalStep.HANDED_OVER,
    ]


def test_cancelled_collection_is_on_the_history_and_no_longer_holds_reception(vnpost_sim, cast):
    officer = cast.staff[Actor.RECEPTION_OFFICER]
    dossier = postal_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen, role=Actor.CITIZEN)
    order = PostalOrder.objects.get(dossier=dossier)
    simulator_advance(order_number=order.order_number, status="4")
    assert postal_steps(dossier) == [PostalStep.PICKUP_ORDERED, PostalStep.PICKUP_CANCELLED]
    # The applicant brought the paper in themselves: the officer may receive it.
    dossier_transition(
        dossier=dossier, to=DossierStatus.RECEIVED, by=officer, role=Actor.RECEPTION_OFFICER
    )


def test_no_order_for_an_online_dossier_or_with_vnpost_off(vnpost_sim, cast, settings):
    dossier_submit(dossier=make_draft(cast), by=cast.citizen, role=Actor.CITIZEN)
    settings.VNPOST_ENABLED = False
    dossier_submit(
        dossier=make_draft(cast, channel=Channel.POSTAL), by=cast.citizen, role=Actor.CITIZEN
    )
    assert not PostalOrder.objects.exists()
