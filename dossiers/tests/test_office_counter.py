"""Counter intake: find or create the citizen by ID number, prefill, fill in, scan and sign,
submit as the reception officer (channel counter), optionally receive at once."""

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from accounts.tests.factories import login_with_mfa
from dossiers import services as svc
from dossiers.constants import Actor, Channel, ComponentSource, DossierStatus
from dossiers.models import Dossier
from dossiers.tests.submission_helpers import ID_NUMBER, PHONE, make_citizen, pdf_bytes

S = DossierStatus
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def signing_keys(tmp_path_factory):
    """A development CA and one leaf key (RSA keys are slow: once per module)."""
    from documents import devca

    folder = tmp_path_factory.mktemp("office-signing")
    ca = devca.make_ca()
    devca.write_ca(ca, folder)
    return folder, ca, devca.new_key()


@pytest.fixture
def officer_certificate(settings, signing_keys, world):
    """The reception officer's personal certificate, as the counter signs scans with it."""
    from documents import devca
    from documents.signers.base import officer_key_label

    folder, ca, key = signing_keys
    settings.DEBUG = True  # the development CA is allowed only with DEBUG on
    settings.SIGNING_KEYSTORE = "pkcs12"
    settings.SIGNING_KEYS_DIR = folder
    settings.SIGNING_KEYS_PASSPHRASE = ""
    officer = world.reception_officer
    key, certificate = devca.issue(
        ca, common_name=officer.full_name, organisation=world.centre.name, key=key
    )
    devca.write_pkcs12(
        folder / f"{officer_key_label(officer)}.p12",
        key=key,
        certificate=certificate,
        ca=ca,
        passphrase="",
    )


@pytest.fixture
def officer_client(client, world):
    login_with_mfa(client, world.reception_officer)
    return client


def test_lookup_finds_the_citizen_by_id_number(officer_client, world):
    profile = world.citizen.profile
    profile.id_number = ID_NUMBER
    profile.save()
    response = officer_client.get(reverse("office:counter"), {"id_number": ID_NUMBER})
    assert response.status_code == 200
    html = response.content.decode()
    assert world.citizen.full_name in html
    assert "Bắt đầu hồ sơ" in html


def test_unknown_id_number_offers_to_create_an_account(officer_client, world):
    number = "072190005678"
    response = officer_client.get(reverse("office:counter"), {"id_number": number})
    assert "Chưa có tài khoản" in response.content.decode()
    response = officer_client.post(
        reverse("office:counter"),
        {
            "step": "create",
            "id_number": number,
            "full_name": "Trần Thị Bình",
            "phone": "0987654321",
            "address": "5 Lý Thường Kiệt, phường Tân Ninh",
        },
    )
    assert response.status_code == 302
    citizen = svc.citizen_by_id_number(id_number=number)
    assert citizen is not None
    assert citizen.full_name == "Trần Thị Bình"
    assert not citizen.has_usable_password()
    assert citizen.groups.filter(name="citizen").exists()
    # Looking up again finds the same person; no second account.
    user, created = svc.counter_citizen_get_or_create(
        id_number=number, full_name="Khác", by=world.reception_officer
    )
    assert (user, created) == (citizen, False)


def test_invalid_id_number_is_refused(world):
    from common.exceptions import ApplicationError

    with pytest.raises(ApplicationError):
        svc.counter_citizen_get_or_create(
            id_number="999999999999", full_name="A", by=world.reception_officer
        )


def _start(client, world):
    profile = world.citizen.profile
    profile.id_number = ID_NUMBER
    profile.save()
    response = client.post(
        reverse("office:counter"),
        {"step": "procedure", "id_number": ID_NUMBER, "procedure_code": world.procedure.code},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Dossier.objects.get(applicant=world.citizen, channel=Channel.COUNTER)


def test_full_counter_intake_scanned_signed_and_received(
    officer_client, world, officer_certificate
):
    dossier = _start(officer_client, world)
    assert dossier.status == S.DRAFT
    assert dossier.receiving_agency == world.centre
    assert dossier.competent_agency == world.department
    # Prefilled from the profile.
    assert dossier.applicant_data["id_number"] == ID_NUMBER
    assert dossier.form_data["id_number"] == ID_NUMBER
    url = reverse("office:counter_draft", kwargs={"uuid": dossier.uuid})
    page = officer_client.get(url).content.decode()
    assert world.citizen.full_name in page

    response = officer_client.post(
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
    assert response.status_code == 302, response.content.decode()[:3000]
    for component in dossier.components.exclude(source=ComponentSource.STATE_HOLDS):
        response = officer_client.post(
            url,
            {
                "step": "scan",
                "component": str(component.uuid),
                f"s{component.pk}-file": SimpleUploadedFile(
                    "scan.pdf", pdf_bytes(component.requirement_name), "application/pdf"
                ),
            },
        )
        assert response.status_code == 302
        page = officer_client.get(url).content.decode()
        assert "Đã số hóa và ký số" in page, page[page.find("alert") : page.find("alert") + 600]
    from documents.models import StoredDocument

    for component in dossier.components.exclude(source=ComponentSource.STATE_HOLDS):
        assert component.source == ComponentSource.SCANNED
        document = StoredDocument.objects.get(uuid=component.document_uuid)
        assert document.source == "scanned"
        assert document.signer_kind == "officer"
        assert document.owner_user == world.citizen
        assert document.derived_from is not None  # the unsigned scan is kept too

    response = officer_client.post(url, {"step": "submit", "accept_now": "on"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == S.RECEIVED
    assert dossier.code
    assert dossier.channel == Channel.COUNTER
    submitted = dossier.events.get(to_status=S.SUBMITTED)
    assert submitted.role == Actor.RECEPTION_OFFICER
    assert submitted.actor == world.reception_officer
    assert submitted.agency == world.centre
    assert response["Location"] == reverse("office:detail", kwargs={"uuid": dossier.uuid})
    # The counter dossier has no reception window: that is for online dossiers.
    assert dossier.reception_due_at is None


def test_submit_refuses_while_documents_are_missing(officer_client, world):
    dossier = _start(officer_client, world)
    url = reverse("office:counter_draft", kwargs={"uuid": dossier.uuid})
    response = officer_client.post(url, {"step": "submit"})
    assert response.status_code == 302
    page = officer_client.get(url).content.decode()
    assert "Còn thiếu" in page
    dossier.refresh_from_db()
    assert dossier.status == S.DRAFT


def test_another_agencys_officer_cannot_touch_the_counter_draft(client, world):
    from dossiers.tests.factories import make_cast

    login_with_mfa(client, world.reception_officer)
    dossier = _start(client, world)
    other = make_cast().staff[Actor.RECEPTION_OFFICER]
    client.logout()
    login_with_mfa(client, other)
    url = reverse("office:counter_draft", kwargs={"uuid": dossier.uuid})
    assert client.get(url).status_code == 404
    assert client.post(url, {"step": "submit"}).status_code == 404


def test_a_counter_dossier_of_a_1_5_working_day_procedure_is_received(world):
    """Issue #21, item 1: "1,5 Ngày làm việc" (e.g. 1.013097) made the reception raise and the
    dossier stay submitted. Now the draft takes the catalogue's time, and the due moment is
    1 working day and 4 h 15 (half of the 8.5-hour day) after reception (ADR 0250)."""
    import datetime as dt
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    import time_machine

    from procedures.models import ProcedureChannel

    vn = ZoneInfo("Asia/Ho_Chi_Minh")
    ProcedureChannel.objects.create(
        procedure=world.procedure,
        channel="in_person",
        time_value=Decimal("1.5"),
        time_unit="working_day",
    )
    draft = svc.counter_draft_start(
        procedure=world.procedure, citizen=make_citizen(), by=world.reception_officer
    )
    assert (draft.processing_time, draft.processing_time_unit) == (Decimal("1.5"), "working_day")

    dossier = Dossier.objects.get(pk=draft.pk)
    # Test setup: the scans are attached as the scan step would (tested above).
    for component in dossier.components.filter(is_required=True, document_uuid__isnull=True):
        component.document_uuid = uuid.uuid4()
        component.source = component.source or ComponentSource.SCANNED
        component.save(update_fields=["document_uuid", "source"])
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=vn), tick=False):
        svc.dossier_submit(
            dossier=dossier, by=world.reception_officer, role=Actor.RECEPTION_OFFICER
        )
        svc.dossier_transition(
            dossier=dossier,
            to=S.RECEIVED,
            by=world.reception_officer,
            role=Actor.RECEPTION_OFFICER,
        )
    dossier.refresh_from_db()
    assert dossier.status == S.RECEIVED
    # Received Mon 02/03 10:00: day 1 is Tue 03/03, then 4 h 15 of Wed 04/03 → 11:15.
    assert dossier.due_at == dt.datetime(2026, 3, 4, 11, 15, tzinfo=vn)


def test_the_catalogue_s_15_00_cutoff_reaches_the_dossier(world):
    """Same-day procedures that state the 15:00 rule (1.001193 khai sinh): the cut-off set by the
    import is carried by the dossier, and its time without a unit becomes "same day" (ADR 0252)."""
    import datetime as dt
    from decimal import Decimal

    from procedures.models import ProcedureChannel

    world.procedure.receipt_cutoff = dt.time(15, 0)
    world.procedure.save(update_fields=["receipt_cutoff"])
    ProcedureChannel.objects.create(
        procedure=world.procedure, channel="in_person", time_value=Decimal(1), time_unit="unknown"
    )
    draft = svc.counter_draft_start(
        procedure=world.procedure, citizen=make_citizen(), by=world.reception_officer
    )
    assert draft.processing_cutoff == dt.time(15, 0)
    assert (draft.processing_time, draft.processing_time_unit) == (0, "working_day")
