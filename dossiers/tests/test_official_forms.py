"""Official forms 01–06: issued once per event by the after-commit listener (eager Celery in
tests), signed (pdfsig), and their key fields readable with pdftotext; the sweep issues a missing
form once. Real PostgreSQL, real WeasyPrint and pyHanko."""

# ruff: noqa: F811  (the documents app's fixtures are imported, then requested by name)

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

from django.utils import timezone

import pytest
import time_machine

from documents.models import StoredDocument
from documents.signers.base import agency_key_label

# The documents app's signing fixtures (a dev CA made once per session, pdfsig with trust).
from documents.tests.conftest import dev_signing, key_pool, nss_trust_store, pdfsig  # noqa: F401
from dossiers import official_forms
from dossiers.constants import Actor, DossierStatus, EventKind, FormCode
from dossiers.models import DossierEvent
from dossiers.services import dossier_event_record, dossier_submit, dossier_transition
from dossiers.tests.factories import make_cast, make_draft

S = DossierStatus
A = Actor
pytestmark = pytest.mark.django_db

APPLICANT = {
    "full_name": "Nguyễn Thị Ánh Tuyết",
    "id_number": "072190004321",
    "phone": "0912345678",
    "email": "tuyet@example.vn",
    "address": "Ấp Trường Ân, xã Tân Biên, tỉnh Tây Ninh",
}


def _give_key(dev_signing, agency):
    dev_signing.issue(
        path=dev_signing.folder / f"{agency_key_label(agency)}.p12",
        common_name=agency.name,
        organisation=agency.name,
    )


@pytest.fixture
def cast(scanner_off, dev_signing):
    cast = make_cast()
    for agency in (cast.receiving, cast.competent):
        _give_key(dev_signing, agency)
    return cast


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a service call and its after-commit listeners (the form task runs eagerly)."""

    def call(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return call


def move(run, cast, dossier, to, role, **kwargs):
    return run(
        dossier_transition, dossier=dossier, to=to, by=cast.user_for(role), role=role, **kwargs
    )


def submitted(run, cast, **kwargs):
    dossier = make_draft(cast, **kwargs)
    dossier.applicant_data = APPLICANT
    dossier.save(update_fields=["applicant_data"])
    run(dossier_submit, dossier=dossier, by=cast.citizen)
    return dossier


def pdf_text(pdf: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: apt-get install poppler-utils")
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())  # one line: table cells wrap


def issued_for(event: DossierEvent) -> list[DossierEvent]:
    return list(DossierEvent.objects.filter(kind=EventKind.FORM_ISSUED, data__event_id=event.pk))


def document_of(form_event: DossierEvent) -> StoredDocument:
    return StoredDocument.objects.get(uuid=form_event.data["document_uuid"])


def read(document: StoredDocument) -> bytes:
    with document.file.open("rb") as fh:
        return fh.read()


def ddmmyyyy(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y")


def assert_signed(pdf: bytes, pdfsig) -> None:
    report = pdfsig(pdf)
    assert "Signature is Valid" in report, report
    assert "Certificate is Trusted" in report, report


# --- 01 receipt ------------------------------------------------------------------------------


def test_reception_issues_one_signed_receipt_with_its_key_fields(run, cast, pdfsig, tmp_path):
    dossier = submitted(run, cast)
    received = move(run, cast, dossier, S.RECEIVED, A.RECEPTION_OFFICER)
    dossier.refresh_from_db()

    [form_event] = issued_for(received)
    assert form_event.data["form_code"] == FormCode.RECEIPT
    assert form_event.data["template_code"] == "mau_01"
    assert form_event.data["template_version"] == 1
    assert form_event.role == Actor.SYSTEM
    document = document_of(form_event)
    assert document.owner_user == cast.citizen
    assert document.dossier_reference == dossier.code
    assert document.signer_agency == cast.receiving
    pdf = read(document)
    assert_signed(pdf, pdfsig)
    text = pdf_text(pdf, tmp_path)
    for expected in (
        dossier.code,
        "Nguyễn Thị Ánh Tuyết",
        "072190004321",
        "Đăng ký thường trú",
        "Tờ khai thay đổi thông tin cư trú",
        "5 ngày làm việc",
        ddmmyyyy(dossier.received_at),
        ddmmyyyy(dossier.due_at),
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        cast.staff[A.RECEPTION_OFFICER].get_full_name(),
        # Numbered from the receiving unit's books (ADR 0276), never left as "……".
        f"Số: 01/{timezone.localdate().year}",
        f"Quyển số {timezone.localdate().year}, Số thứ tự 01",
    ):
        assert expected in text, expected
    assert "……" not in text

    # Running the task again (a redelivered message) issues nothing new.
    again = official_forms.official_form_issue(event_id=received.pk, form_code=FormCode.RECEIPT)
    assert again.pk == form_event.pk
    assert official_forms.official_form_issue_task(received.pk) == [
        form_event.data["document_uuid"]
    ]
    assert len(issued_for(received)) == 1
    assert StoredDocument.objects.filter(template_code="mau_01").count() == 1


def test_events_without_a_form_get_none(run, cast):
    dossier = submitted(run, cast)
    submission = dossier.events.get(kind=EventKind.TRANSITION, to_status=S.SUBMITTED)
    assert official_forms.required_forms(submission) == []
    assert not DossierEvent.objects.filter(kind=EventKind.FORM_ISSUED).exists()
    # A refusal before the transfer calls for its own form, not a control sheet.
    refused = move(
        run, cast, dossier, S.REJECTED_AT_INTAKE, A.RECEPTION_OFFICER, note="Sai thẩm quyền."
    )
    assert official_forms.required_forms(refused) == [FormCode.REFUSAL]


# --- 02 supplement request, 03 refusal -------------------------------------------------------


def test_intake_supplement_lists_every_missing_item(run, cast, pdfsig, tmp_path):
    dossier = submitted(run, cast)
    event = move(
        run,
        cast,
        dossier,
        S.INTAKE_SUPPLEMENT,
        A.RECEPTION_OFFICER,
        note="- Bản sao Giấy khai sinh của con\n- Ảnh chân dung 4x6 cm (02 ảnh)\n"
        "- Văn bản đồng ý của chủ hộ",
    )
    [form_event] = issued_for(event)
    assert form_event.data["form_code"] == FormCode.SUPPLEMENT_REQUEST
    pdf = read(document_of(form_event))
    assert_signed(pdf, pdfsig)
    text = pdf_text(pdf, tmp_path)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert dossier.code in text
    assert "Nguyễn Thị Ánh Tuyết" in text
    for item in (
        "Bản sao Giấy khai sinh của con",
        "Ảnh chân dung 4x6 cm (02 ảnh)",
        "Văn bản đồng ý của chủ hộ",
    ):
        assert item in text, item
    assert "NGƯỜI HƯỚNG DẪN" in text


def test_missing_items_come_from_the_data_the_office_sends(run, cast):
    dossier = submitted(run, cast)
    event = move(
        run,
        cast,
        dossier,
        S.INTAKE_SUPPLEMENT,
        A.RECEPTION_OFFICER,
        note="Thiếu giấy tờ.",
        data={"missing_items": ["Sổ hộ khẩu", {"name": "Giấy xác nhận", "quantity": 2}]},
    )
    context = official_forms.form_context(event, FormCode.SUPPLEMENT_REQUEST)
    # "Hình thức" is never empty: the usual wording when no component of the dossier matches.
    assert context["items"] == [
        {"name": "Sổ hộ khẩu", "quantity": 1, "kind": "Bản chính hoặc bản sao"},
        {"name": "Giấy xác nhận", "quantity": 2, "kind": "Bản chính hoặc bản sao"},
    ]
    assert context["reason"] == "Thiếu giấy tờ."


def test_a_note_that_is_the_list_is_not_printed_again_as_the_reason(run, cast):
    dossier = submitted(run, cast)
    event = move(
        run,
        cast,
        dossier,
        S.INTAKE_SUPPLEMENT,
        A.RECEPTION_OFFICER,
        note="- Tờ khai thay đổi thông tin cư trú (bản có chữ ký)\n- Ảnh chân dung 4x6 cm",
    )
    context = official_forms.form_context(event, FormCode.SUPPLEMENT_REQUEST)
    assert [item["name"] for item in context["items"]] == [
        "Tờ khai thay đổi thông tin cư trú (bản có chữ ký)",
        "Ảnh chân dung 4x6 cm",
    ]
    assert all(item["kind"] for item in context["items"])
    assert "Ảnh chân dung" not in context["reason"]
    assert context["reason"] == "Các thành phần hồ sơ nêu trên còn thiếu hoặc chưa đúng quy định."


def test_refusal_at_intake_prints_its_reasons(run, cast, pdfsig, tmp_path):
    dossier = submitted(run, cast)
    event = move(
        run,
        cast,
        dossier,
        S.REJECTED_AT_INTAKE,
        A.RECEPTION_OFFICER,
        note="Thủ tục không thuộc thẩm quyền giải quyết của Sở Tư pháp.",
    )
    [form_event] = issued_for(event)
    assert form_event.data["form_code"] == FormCode.REFUSAL
    pdf = read(document_of(form_event))
    assert_signed(pdf, pdfsig)
    text = pdf_text(pdf, tmp_path)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Thủ tục không thuộc thẩm quyền giải quyết của Sở Tư pháp." in text
    assert dossier.code in text


# --- 06 control sheet, 04 apology and extension ------------------------------------------------


def test_control_sheet_grows_with_each_handover_and_apology_has_the_new_date(
    run, cast, pdfsig, tmp_path
):
    from agencies.tests.factories import AgencyFactory

    dossier = submitted(run, cast)
    move(run, cast, dossier, S.RECEIVED, A.RECEPTION_OFFICER)
    transfer = move(run, cast, dossier, S.IN_PROCESS, A.RECEPTION_OFFICER)
    [first] = issued_for(transfer)
    assert first.data["form_code"] == FormCode.CONTROL_SHEET
    assert first.data["sheet_revision"] == 1
    text = pdf_text(read(document_of(first)), tmp_path)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "Giao: Trung tâm Phục vụ hành chính công tỉnh Tây Ninh" in text
    assert "Nhận: Sở Tư pháp tỉnh Tây Ninh" in text
    assert "cập nhật lần thứ 1" in text

    move(run, cast, dossier, S.APPRAISING, A.AGENCY_HEAD)
    police = AgencyFactory(name="Công an xã Tân Biên")
    consulted = run(
        dossier_event_record,
        dossier=dossier,
        kind=EventKind.CONSULTATION_SENT,
        by=cast.staff[A.PROCESSING_OFFICER],
        role=A.PROCESSING_OFFICER,
        note="Xác minh nơi cư trú",
        data={"consulted_agency_id": police.pk, "consulted_agency_name": police.name},
    )
    [second] = issued_for(consulted)
    assert second.data["sheet_revision"] == 2
    pdf = read(document_of(second))
    assert_signed(pdf, pdfsig)
    text = pdf_text(pdf, tmp_path)
    assert "Nhận: Công an xã Tân Biên" in text
    assert "Nhận: Sở Tư pháp tỉnh Tây Ninh" in text  # the earlier row is still there
    assert "Cơ quan phối hợp giải quyết: Công an xã Tân Biên" in text
    assert "cập nhật lần thứ 2" in text
    # The first version is kept as it was (a new document per version).
    assert document_of(first).pk != document_of(second).pk

    dossier.refresh_from_db()
    old_due = dossier.due_at
    new_due = old_due + dt.timedelta(days=7)
    extended = run(
        dossier_event_record,
        dossier=dossier,
        kind=EventKind.EXTENDED,
        by=cast.staff[A.AGENCY_HEAD],
        role=A.AGENCY_HEAD,
        note="Phải chờ kết quả xác minh của Công an xã",
        form_code=FormCode.APOLOGY_EXTENSION,
        data={
            "old_due_at": timezone.localtime(old_due).isoformat(),
            "new_due_at": timezone.localtime(new_due).isoformat(),
        },
    )
    [apology] = issued_for(extended)
    document = document_of(apology)
    assert document.signer_agency == cast.competent  # the agency head's agency signs
    pdf = read(document)
    assert_signed(pdf, pdfsig)
    text = pdf_text(pdf, tmp_path)
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert "Kính gửi: Nguyễn Thị Ánh Tuyết" in text
    assert "Phải chờ kết quả xác minh của Công an xã" in text
    assert "thành thật xin lỗi" in text
    assert ddmmyyyy(new_due) in text
    assert ddmmyyyy(old_due) in text

    # A supplement after appraisal goes back through the one-stop unit: form 02 and a new sheet.
    supplement = move(
        run,
        cast,
        dossier,
        S.SUPPLEMENT_REQUESTED,
        A.PROCESSING_OFFICER,
        note="- Bản sao hợp đồng thuê nhà có công chứng",
    )
    assert official_forms.required_forms(supplement) == [
        FormCode.SUPPLEMENT_REQUEST,
        FormCode.CONTROL_SHEET,
    ]
    request, third = sorted(issued_for(supplement), key=lambda e: e.pk)
    assert request.data["form_code"] == FormCode.SUPPLEMENT_REQUEST
    assert document_of(request).signer_agency == cast.competent
    assert third.data["form_code"] == FormCode.CONTROL_SHEET
    assert third.data["sheet_revision"] == 3
    text = pdf_text(read(document_of(third)), tmp_path)
    assert "Yêu cầu bổ sung hồ sơ" in text
    text = pdf_text(read(document_of(request)), tmp_path)
    assert "Bản sao hợp đồng thuê nhà có công chứng" in text
    dossier.refresh_from_db()
    assert ddmmyyyy(dossier.supplement_deadline_at) in text


def test_extension_by_the_processing_service_gets_form_04(run, cast):
    from dossiers import services as processing

    if not hasattr(processing, "dossier_extend"):
        pytest.skip("dossiers.services.dossier_extend not written yet")
    dossier = submitted(run, cast)
    move(run, cast, dossier, S.RECEIVED, A.RECEPTION_OFFICER)
    move(run, cast, dossier, S.IN_PROCESS, A.RECEPTION_OFFICER)
    dossier.refresh_from_db()
    event = run(
        processing.dossier_extend,
        dossier=dossier,
        by=cast.staff[A.AGENCY_HEAD],
        new_due_at=dossier.due_at + dt.timedelta(days=5),
        reason="Chờ ý kiến cơ quan phối hợp",
    )
    [form_event] = issued_for(event)
    assert form_event.data["form_code"] == FormCode.APOLOGY_EXTENSION


def test_negative_result_is_printed_on_form_03_and_closes_the_sheet_row(run, cast, tmp_path):
    import uuid

    from dossiers.services import dossier_result_attach

    dossier = submitted(run, cast)
    move(run, cast, dossier, S.RECEIVED, A.RECEPTION_OFFICER)
    move(run, cast, dossier, S.IN_PROCESS, A.RECEPTION_OFFICER)
    move(run, cast, dossier, S.APPRAISING, A.AGENCY_HEAD)
    # The reasons are stated with the proposal; the clerk's issuing step adds none of its own.
    move(
        run,
        cast,
        dossier,
        S.AWAITING_APPROVAL,
        A.PROCESSING_OFFICER,
        result_kind="negative",
        note="Nhà ở không thuộc quyền sở hữu hợp pháp của người đề nghị.",
    )
    run(
        dossier_result_attach,
        dossier=dossier,
        document_uuid=uuid.uuid4(),
        by=cast.staff[A.PROCESSING_OFFICER],
        role=A.PROCESSING_OFFICER,
    )
    move(run, cast, dossier, S.SIGNING, A.AGENCY_HEAD)
    move(run, cast, dossier, S.ISSUING, A.AGENCY_HEAD)
    done = move(run, cast, dossier, S.DONE, A.RECORDS_CLERK)
    refusal, sheet = sorted(issued_for(done), key=lambda e: e.pk)
    assert refusal.data["form_code"] == FormCode.REFUSAL
    assert document_of(refusal).signer_agency == cast.competent
    text = pdf_text(read(document_of(refusal)), tmp_path)
    assert "Sau khi thẩm định, hồ sơ không đủ điều kiện giải quyết" in text
    assert "Nhà ở không thuộc quyền sở hữu hợp pháp của người đề nghị." in text
    assert sheet.data["form_code"] == FormCode.CONTROL_SHEET
    text = pdf_text(read(document_of(sheet)), tmp_path)
    assert "Chuyển kết quả về Bộ phận Một cửa" in text
    assert "Trước hạn" in text  # finished the same day, days before the due date


# --- 05 stop notice ----------------------------------------------------------------------------


def test_withdrawal_accepted_issues_the_stop_notice(run, cast, pdfsig, tmp_path):
    dossier = submitted(run, cast)
    move(run, cast, dossier, S.RECEIVED, A.RECEPTION_OFFICER)
    request = move(run, cast, dossier, S.WITHDRAWAL_REQUESTED, A.CITIZEN)
    stopped = move(run, cast, dossier, S.STOPPED, A.RECEPTION_OFFICER, note="Công dân rút hồ sơ.")
    [form_event] = issued_for(stopped)
    assert form_event.data["form_code"] == FormCode.STOP_NOTICE
    pdf = read(document_of(form_event))
    assert_signed(pdf, pdfsig)
    text = pdf_text(pdf, tmp_path)
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert dossier.code in text
    assert "Nguyễn Thị Ánh Tuyết" in text
    assert "gửi trực tuyến ngày " + ddmmyyyy(request.at) in text
    assert "Hồ sơ đang ở bước: Đã tiếp nhận" in text
    assert "dừng giải quyết hồ sơ" in text


# --- crash safety: the sweep -------------------------------------------------------------------


def _without_listeners(cast):
    dossier = make_draft(cast)
    dossier.applicant_data = APPLICANT
    dossier.save(update_fields=["applicant_data"])
    dossier_submit(dossier=dossier, by=cast.citizen)
    received = dossier_transition(
        dossier=dossier, to=S.RECEIVED, by=cast.staff[A.RECEPTION_OFFICER], role=A.RECEPTION_OFFICER
    )
    return dossier, received


def test_sweep_issues_what_the_listener_never_did_exactly_once(cast, pdfsig):
    dossier, received = _without_listeners(cast)  # on_commit never runs in a test transaction
    assert issued_for(received) == []
    # Too recent: left to the listener's task.
    assert official_forms.missing_form_events() == []
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10), tick=False):
        assert official_forms.missing_form_events() == [received.pk]
        assert official_forms.official_forms_sweep() == 1
        assert official_forms.official_forms_sweep() == 0
        assert official_forms.missing_form_events() == []
    [form_event] = issued_for(received)
    assert StoredDocument.objects.filter(dossier_reference=dossier.code).count() == 1
    assert_signed(read(document_of(form_event)), pdfsig)


def test_a_racing_worker_that_records_first_wins_and_our_copy_is_discarded(cast, monkeypatch):
    """The PDF is made with no transaction open (ADR 0201): another worker may record the same
    form meanwhile. Then ours is thrown away, and the event still has exactly one form."""
    from dossiers.official_forms import issuance

    dossier, received = _without_listeners(cast)
    real_issue = issuance.document_issue_form
    other: dict[str, DossierEvent] = {}
    calls = []

    def issue_while_another_worker_finishes(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:  # the other worker renders, signs and records while we render
            other["event"] = official_forms.official_form_issue(
                event_id=received.pk, form_code=FormCode.RECEIPT
            )
        return real_issue(**kwargs)

    # Patched where issuance looks it up (imported at its module level).
    monkeypatch.setattr(issuance, "document_issue_form", issue_while_another_worker_finishes)
    ours = official_forms.official_form_issue(event_id=received.pk, form_code=FormCode.RECEIPT)
    assert len(calls) == 2  # both workers made a PDF
    assert ours.pk == other["event"].pk
    assert issued_for(received) == [ours]
    assert StoredDocument.objects.filter(dossier_reference=dossier.code).count() == 1
    assert document_of(ours).file.storage.exists(document_of(ours).file.name)


def test_no_signing_key_writes_nothing_and_the_sweep_retries_later(scanner_off, dev_signing):
    cast = make_cast()  # no keys yet
    dossier, received = _without_listeners(cast)
    with pytest.raises(official_forms.FormNotIssued):
        official_forms.official_forms_issue(event_id=received.pk)
    assert official_forms.official_form_issue_task(received.pk) == []
    assert issued_for(received) == []
    assert not StoredDocument.objects.filter(dossier_reference=dossier.code).exists()

    _give_key(dev_signing, cast.receiving)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10), tick=False):
        assert official_forms.official_forms_sweep() == 1
    assert len(issued_for(received)) == 1


def test_issued_forms_are_listed_for_the_dossier(run, cast):
    dossier = submitted(run, cast)
    move(run, cast, dossier, S.RECEIVED, A.RECEPTION_OFFICER)
    move(run, cast, dossier, S.IN_PROCESS, A.RECEPTION_OFFICER)
    forms = official_forms.dossier_issued_forms(dossier=dossier)
    assert [f.form_code for f in forms] == [FormCode.RECEIPT, FormCode.CONTROL_SHEET]
    assert forms[0].title == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    assert all(f.template_version == 1 for f in forms)


def test_note_lines_strip_list_markers():
    assert official_forms.note_lines("- a\n• b\n3. c\n\n  d  ") == ["a", "b", "c", "d"]
    assert official_forms.money_vnd(1250000) == "1.250.000 đồng"


def test_listener_queues_the_issuance_on_the_documents_queue(cast, settings):
    import json

    import redis

    from portal.celery import app

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("this test needs REDIS_URL (the broker)")
    dossier, received = _without_listeners(cast)
    note = dossier_event_record(
        dossier=dossier, kind=EventKind.NOTE, by=None, role=A.SYSTEM, note="Ghi chú nội bộ"
    )
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("documents")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        official_forms.on_dossier_event(note.pk)  # a note calls for no form: nothing queued
        assert broker.llen("documents") == 0
        official_forms.on_dossier_event(received.pk)
        [raw] = broker.lrange("documents", 0, -1)
    finally:
        app.conf.task_always_eager = eager
        broker.delete("documents")
    message = json.loads(raw)
    assert message["headers"]["task"] == "dossiers.official_forms.official_form_issue_task"
    assert message["headers"]["argsrepr"] == f"[{received.pk}]"


def test_officer_sees_the_issued_forms_and_opens_them(run, cast, client):
    from accounts.constants import Role
    from accounts.tests.factories import UserFactory, login_with_mfa
    from agencies.tests.factories import AgencyFactory
    from dossiers.tests.factories import add_membership

    dossier = submitted(run, cast)
    move(run, cast, dossier, S.RECEIVED, A.RECEPTION_OFFICER)
    [receipt] = official_forms.dossier_issued_forms(dossier=dossier)
    url = f"/office/bieu-mau/{dossier.uuid}/{receipt.document_uuid}/"

    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    page = client.get(f"/office/ho-so/{dossier.uuid}/").content.decode()
    assert "Biểu mẫu đã phát hành" in page
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # A document that is not one of this dossier's forms is not served through it.
    other = submitted(run, cast)
    assert client.get(f"/office/bieu-mau/{other.uuid}/{receipt.document_uuid}/").status_code == 404

    outsider = UserFactory(roles=[Role.RECEPTION_OFFICER])
    add_membership(outsider, AgencyFactory(name="UBND xã Khác"), Role.RECEPTION_OFFICER)
    login_with_mfa(client, outsider)
    assert client.get(url).status_code == 404
    client.force_login(cast.citizen)
    assert client.get(url).status_code == 403


def test_sweep_completes_an_event_that_calls_for_two_forms(cast):
    dossier = make_draft(cast)
    dossier.applicant_data = APPLICANT
    dossier.save(update_fields=["applicant_data"])
    dossier_submit(dossier=dossier, by=cast.citizen)
    # A postal handover before reception calls for no form (no control sheet yet).
    postal = dossier_event_record(
        dossier=dossier, kind=EventKind.HANDOVER, by=None, role=A.SYSTEM, note="Bưu điện bàn giao"
    )
    officer = cast.staff[A.RECEPTION_OFFICER]
    received = dossier_transition(
        dossier=dossier, to=S.RECEIVED, by=officer, role=A.RECEPTION_OFFICER
    )
    transfer = dossier_transition(
        dossier=dossier, to=S.IN_PROCESS, by=officer, role=A.RECEPTION_OFFICER
    )
    dossier_transition(
        dossier=dossier, to=S.APPRAISING, by=cast.staff[A.AGENCY_HEAD], role=A.AGENCY_HEAD
    )
    supplement = dossier_transition(
        dossier=dossier,
        to=S.SUPPLEMENT_REQUESTED,
        by=cast.staff[A.PROCESSING_OFFICER],
        role=A.PROCESSING_OFFICER,
        note="- Bản sao hợp đồng thuê nhà",
    )
    # The worker issued form 02 and died before the control sheet.
    official_forms.official_form_issue(
        event_id=supplement.pk, form_code=FormCode.SUPPLEMENT_REQUEST
    )
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10), tick=False):
        assert official_forms.missing_form_events() == [received.pk, transfer.pk, supplement.pk]
        assert postal.pk not in official_forms.missing_form_events()
        assert official_forms.official_forms_sweep() == 3
        assert official_forms.missing_form_events() == []
    assert sorted(e.data["form_code"] for e in issued_for(supplement)) == [
        FormCode.SUPPLEMENT_REQUEST,
        FormCode.CONTROL_SHEET,
    ]
    assert issued_for(postal) == []
