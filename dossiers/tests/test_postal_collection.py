"""The applicant chooses how the paper goes in on the "Nhận kết quả" step: online only, or
collected at their address by the public postal service (channel postal, QĐ 45/2016/QĐ-TTg)."""

import re

from django.urls import reverse

import pytest

from common.exceptions import ApplicationError
from dossiers import services as svc
from dossiers.constants import Channel, DossierStatus, DraftStep
from dossiers.models import Dossier
from dossiers.tests.submission_helpers import PROCEDURE_CODE, fill_draft

pytestmark = pytest.mark.django_db

CHOICE = "Bạn gửi bản giấy của hồ sơ thế nào?"


@pytest.fixture
def vnpost_on(settings):
    settings.VNPOST_ENABLED = True


def step_url(dossier, step=DraftStep.DELIVERY):
    return reverse("dossiers:step", kwargs={"uuid": dossier.uuid, "step": step})


def draft(client, world) -> Dossier:
    client.force_login(world.citizen)
    client.post(reverse("dossiers:start", kwargs={"code": PROCEDURE_CODE}))
    return fill_draft(Dossier.objects.get(status=DossierStatus.DRAFT), world.citizen)


def test_postal_collection_chosen_on_the_delivery_step(client, world, vnpost_on):
    dossier = draft(client, world)
    assert CHOICE in client.get(step_url(dossier)).content.decode()
    posted = {"submission_channel": "postal", "result_delivery": "post", "action": "next"}
    # The post needs an address to come to: refused without one, what was chosen kept.
    response = client.post(step_url(dossier), posted)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nhập địa chỉ" in page
    assert re.search(r'name="submission_channel" value="postal"[^>]*checked', page)
    response = client.post(
        step_url(dossier),
        {
            **posted,
            "delivery_address": "5 Lê Lợi",
            "delivery_commune_code": world.commune.commune_code,
        },
    )
    assert response["Location"] == step_url(dossier, DraftStep.FEES)
    dossier.refresh_from_db()
    assert dossier.channel == Channel.POSTAL
    assert dossier.delivery_address == "5 Lê Lợi"
    review = client.get(step_url(dossier, DraftStep.REVIEW)).content.decode()
    assert "Bưu điện đến thu gom tại 5 Lê Lợi" in review

    svc.dossier_submit_online(dossier=dossier, by=world.citizen, declaration=True)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.reception_due_at is None  # the clock waits for the post's handover
    confirmation = client.get(reverse("dossiers:confirmation", kwargs={"uuid": dossier.uuid}))
    assert "Bưu điện sẽ liên hệ" in confirmation.content.decode()


def test_collection_with_the_result_kept_electronic_needs_the_address_too(world, client, vnpost_on):
    dossier = draft(client, world)
    with pytest.raises(ApplicationError) as refused:
        svc.draft_delivery_save(
            dossier=dossier, by=world.citizen, delivery="electronic", channel=Channel.POSTAL
        )
    assert set(refused.value.extra["errors"]) == {"delivery_address", "delivery_commune_code"}
    svc.draft_delivery_save(
        dossier=dossier,
        by=world.citizen,
        delivery="electronic",
        address="5 Lê Lợi",
        commune_code=world.commune.commune_code,
        channel=Channel.POSTAL,
    )
    dossier.refresh_from_db()
    assert (dossier.channel, dossier.delivery_address) == (Channel.POSTAL, "5 Lê Lợi")
    # Back to online only: the address, needed for nothing now, is not kept.
    svc.draft_delivery_save(
        dossier=dossier, by=world.citizen, delivery="electronic", channel=Channel.ONLINE
    )
    dossier.refresh_from_db()
    assert (dossier.channel, dossier.delivery_address) == (Channel.ONLINE, "")


def test_no_postal_choice_when_vnpost_is_off_or_the_procedure_takes_no_paper(
    client, world, settings
):
    settings.VNPOST_ENABLED = False
    dossier = draft(client, world)
    assert CHOICE not in client.get(step_url(dossier)).content.decode()
    with pytest.raises(ApplicationError):
        svc.draft_delivery_save(
            dossier=dossier,
            by=world.citizen,
            delivery="electronic",
            address="5 Lê Lợi",
            commune_code=world.commune.commune_code,
            channel=Channel.POSTAL,
        )
    settings.VNPOST_ENABLED = True
    world.procedure.online_only = True
    world.procedure.save(update_fields=["online_only"])
    assert CHOICE not in client.get(step_url(dossier)).content.decode()
    # A draft left on postal collection before the procedure went paperless cannot be submitted.
    Dossier.objects.filter(pk=dossier.pk).update(channel=Channel.POSTAL)
    problems = svc.submission_problems(Dossier.objects.get(pk=dossier.pk))
    assert "Thủ tục này không nhận hồ sơ qua bưu chính." in problems[DraftStep.DELIVERY]
