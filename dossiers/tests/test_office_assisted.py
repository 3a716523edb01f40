"""Assisted submission (issue #26, ADR 0291): for a procedure that takes no paper (online only,
always or today) the reception officer files the dossier online with the citizen present; the
citizen confirms with a code sent by SMS, and the dossier counts as online."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from common.exceptions import ApplicationError
from dossiers import services as svc
from dossiers.constants import Actor, Channel, ComponentSource, DossierStatus, is_online
from dossiers.models import Dossier
from dossiers.tests.submission_helpers import ID_NUMBER, PHONE, make_citizen, pdf_bytes
from dossiers.tests.test_office_counter import (  # noqa: F401 (fixtures)
    officer_certificate,
    signing_keys,
)
from notifications.constants import Event
from notifications.models import Notification
from notifications.phone_codes import MAX_ATTEMPTS, PhoneCodeError

S = DossierStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def online_only(world):
    world.procedure.online_only = True
    world.procedure.save(update_fields=["online_only"])
    return world.procedure


def sent_code() -> str:
    row = Notification.objects.filter(event=Event.CONFIRMATION_CODE).latest("created_at")
    return row.context["code"]


def _provided(dossier: Dossier) -> None:
    """Test setup: every asked document already attached (the counter scans them)."""
    import uuid

    for component in dossier.components.exclude(source=ComponentSource.STATE_HOLDS):
        component.document_uuid = uuid.uuid4()
        component.source = ComponentSource.SCANNED
        component.save(update_fields=["document_uuid", "source"])


def test_online_only_procedure_is_filed_online_and_confirmed_by_sms(world, online_only):
    officer = world.reception_officer
    citizen = make_citizen()
    dossier = svc.counter_draft_start(procedure=online_only, citizen=citizen, by=officer)
    assert (dossier.channel, dossier.assisted_by) == (Channel.ONLINE, officer)
    assert dossier.result_delivery == "electronic"
    _provided(dossier)
    svc.counter_fields_save(
        dossier=dossier,
        by=officer,
        applicant={
            "full_name": citizen.full_name,
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "address": "12 Cách Mạng Tháng Tám",
        },
        fields={
            "full_name": citizen.full_name,
            "id_number": ID_NUMBER,
            "new_address": "34 Trần Hưng Đạo",
        },
    )

    # Not without the citizen's confirmation.
    with pytest.raises(ApplicationError) as refused:
        svc.counter_submit(dossier=dossier, by=officer, accept_now=True)
    assert refused.value.code == "not_confirmed"

    masked = svc.counter_confirmation_send(dossier=dossier, by=officer)
    assert masked.endswith(PHONE[-3:])
    assert "****" in masked
    sms = Notification.objects.get(event=Event.CONFIRMATION_CODE)
    assert sms.channel == "sms"
    assert dossier.procedure_code in sms.body
    code = sent_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(PhoneCodeError):
        svc.counter_confirmation_check(dossier=dossier, by=officer, code=wrong)
    svc.counter_confirmation_check(dossier=dossier, by=officer, code=code)

    svc.counter_submit(dossier=dossier, by=officer, accept_now=True)
    dossier.refresh_from_db()
    assert dossier.status == S.RECEIVED
    assert is_online(dossier.channel)  # counts as online (QĐ 766 3.3, the online fee)
    submitted = dossier.events.get(to_status=S.SUBMITTED)
    assert submitted.role == Actor.RECEPTION_OFFICER
    assert submitted.data["assisted"]["confirmed_by"] == "sms"
    assert "xác nhận bằng mã" in submitted.note


def test_guessing_the_code_is_bounded(world, online_only):
    officer = world.reception_officer
    dossier = svc.counter_draft_start(procedure=online_only, citizen=make_citizen(), by=officer)
    svc.counter_confirmation_send(dossier=dossier, by=officer)
    code = sent_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(PhoneCodeError):
            svc.counter_confirmation_check(dossier=dossier, by=officer, code=wrong)
    with pytest.raises(PhoneCodeError) as refused:  # even the right code, now
        svc.counter_confirmation_check(dossier=dossier, by=officer, code=code)
    assert refused.value.code == "too_many"
    # A new code starts again; the old one no longer counts.
    Notification.objects.all().delete()
    from notifications.models import PhoneCode

    PhoneCode.objects.update(created_at=PhoneCode.objects.get().created_at.replace(year=2000))
    svc.counter_confirmation_send(dossier=dossier, by=officer)
    with pytest.raises(PhoneCodeError):
        svc.counter_confirmation_check(dossier=dossier, by=officer, code=code)
    svc.counter_confirmation_check(dossier=dossier, by=officer, code=sent_code())


def test_paper_procedure_needs_no_code(world):
    officer = world.reception_officer
    dossier = svc.counter_draft_start(procedure=world.procedure, citizen=make_citizen(), by=officer)
    assert (dossier.channel, dossier.assisted_by) == (Channel.COUNTER, None)
    with pytest.raises(ApplicationError):
        svc.counter_confirmation_send(dossier=dossier, by=officer)


@pytest.mark.usefixtures("officer_certificate")
def test_assisted_filing_through_the_counter_pages(client, world, online_only):
    from accounts.tests.factories import login_with_mfa

    login_with_mfa(client, world.reception_officer)
    officer_client = client
    profile = world.citizen.profile
    profile.id_number = ID_NUMBER
    profile.save()
    response = officer_client.post(
        reverse("office:counter"),
        {"step": "procedure", "id_number": ID_NUMBER, "procedure_code": online_only.code},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get(applicant=world.citizen, assisted_by=world.reception_officer)
    url = reverse("office:counter_draft", kwargs={"uuid": dossier.uuid})
    page = officer_client.get(url).content.decode()
    assert "Thủ tục chỉ tiếp nhận trực tuyến" in page
    assert "Đã kiểm tra hồ sơ: tiếp nhận ngay" in page  # no paper to have checked
    officer_client.post(
        url,
        {
            "step": "fields",
            "a-full_name": world.citizen.full_name,
            "a-id_number": ID_NUMBER,
            "a-phone": PHONE,
            "a-address": "12 Cách Mạng Tháng Tám",
            "full_name": world.citizen.full_name,
            "id_number": ID_NUMBER,
            "new_address": "34 Trần Hưng Đạo",
        },
    )
    for component in dossier.components.exclude(source=ComponentSource.STATE_HOLDS):
        officer_client.post(
            url,
            {
                "step": "scan",
                "component": str(component.uuid),
                f"s{component.pk}-file": SimpleUploadedFile(
                    "scan.pdf", pdf_bytes(component.requirement_name), "application/pdf"
                ),
            },
        )
    officer_client.post(url, {"step": "submit", "accept_now": "on"})
    dossier.refresh_from_db()
    assert dossier.status == S.DRAFT  # not confirmed yet
    assert officer_client.post(url, {"step": "send_code"}).status_code == 302
    response = officer_client.post(url, {"step": "confirm_code", "code": "12345x"})
    assert response.status_code == 400
    response = officer_client.post(url, {"step": "confirm_code", "code": sent_code()})
    assert response.status_code == 302
    assert "Công dân đã xác nhận bằng mã" in officer_client.get(url).content.decode()
    response = officer_client.post(url, {"step": "submit", "accept_now": "on"})
    assert response["Location"] == reverse("office:detail", kwargs={"uuid": dossier.uuid})
    dossier.refresh_from_db()
    assert (dossier.status, dossier.channel) == (S.RECEIVED, Channel.ONLINE)
