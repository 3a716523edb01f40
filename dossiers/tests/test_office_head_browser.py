"""Issue #20's journey in a real browser: supplement at intake (confirmed) → resubmission →
acceptance → assignment → consultation (appraisal waits for the answer) → extension proposed by
the officer and approved by the head → refusal proposed → the head sees the proposal and
approves, signs → the records clerk registers the number and issues → the result is returned.
Each standard form is recorded with its number and in the right person's name; axe-core scans
the pages where the new parts appear.

The number the records clerk types on the result is written to the competent agency's outgoing
book (ADR 0321), which refuses a number it already gave."""

import datetime as dt
import subprocess
import uuid

from django.utils import timezone

import pytest

from documents.models import StoredDocument
from documents.signers.base import agency_key_label, officer_key_label
from documents.tests.pki import SIGNERS
from dossiers import services as svc
from dossiers.constants import Actor, DossierStatus, EventKind
from dossiers.models import Dossier, IssuedNumber
from dossiers.numbering_models import RegisterBook, number_text
from dossiers.official_forms.context import form_context
from dossiers.services import dossier_submit, dossier_transition
from dossiers.services.numbering import number_record
from dossiers.tests.factories import make_cast, make_draft
from dossiers.tests.signing_helpers import configure_signing, enrol_signers
from dossiers.tests.submission_helpers import pdf_bytes
from dossiers.tests.test_office_browser import _context, _open_from_queue, _status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = DossierStatus
A = Actor


def _click(page, name: str, **kwargs) -> None:
    page.get_by_role("button", name=name, **kwargs).click()
    page.wait_for_load_state()


def test_supplement_to_return_with_the_head_deciding(
    browser, live_server, axe, settings, tmp_path, test_pki
):
    configure_signing(settings, live_server, test_pki, tmp_path)
    cast = make_cast()
    consulted = make_cast()
    dossier = make_draft(
        cast,
        components=[
            {
                "requirement_code": "TK01",
                "requirement_name": "Tờ khai thay đổi thông tin cư trú",
                "document_uuid": uuid.uuid4(),
                "source": "uploaded",
            }
        ],
    )
    dossier.applicant_data = {"full_name": "Nguyễn Văn An", "id_number": "072090001234"}
    dossier.save(update_fields=["applicant_data"])
    dossier_submit(dossier=dossier, by=cast.citizen)
    dossier.refresh_from_db()
    code, base = dossier.code, live_server.url
    enrol_signers(cast, test_pki, settings)
    reception = cast.staff[A.RECEPTION_OFFICER]
    officer, head = cast.staff[A.PROCESSING_OFFICER], cast.staff[A.AGENCY_HEAD]
    # The forms are issued and signed as they would be: each agency holds its seal, and the
    # reception officer and the head their own keys, each certificate in the person's name.
    keys = settings.SIGNING_KEYS_DIR
    for agency in (cast.receiving, cast.competent, consulted.competent):
        test_pki.write_pkcs12("agency", keys / f"{agency_key_label(agency)}.p12")
    for person, label in ((reception, "officer"), (head, "head")):
        person.full_name = SIGNERS[label][0]
        person.save(update_fields=["full_name"])
        test_pki.write_pkcs12(label, keys / f"{officer_key_label(person)}.p12")

    # 1. Supplement at intake: guidance, then a confirmation listing exactly what is asked.
    context, page = _context(browser, live_server, reception)
    _open_from_queue(page, base, "Chờ tiếp nhận", code, axe, [])
    page.get_by_label("Ghi chú, hướng dẫn hoặc lý do").fill("Nộp bản tờ khai có chữ ký.")
    _click(page, "Yêu cầu bổ sung (Mẫu 02)…")
    confirm = page.locator("#supplement-confirm")
    assert "Tờ khai thay đổi thông tin cư trú" in confirm.inner_text()
    assert "Chỉ được yêu cầu bổ sung một lần" in confirm.inner_text()
    assert page.evaluate("document.activeElement.id") == "supplement-confirm"
    assert axe(page) == []
    assert _status(dossier) == S.SUBMITTED
    _click(page, "Gửi phiếu yêu cầu bổ sung (Mẫu 02)")
    assert _status(dossier) == S.INTAKE_SUPPLEMENT
    context.close()

    # 2. The applicant sends the supplement; reception sees the request is used, and accepts.
    dossier_transition(dossier=dossier, to=S.SUBMITTED, by=cast.citizen, role=A.CITIZEN)
    context, page = _context(browser, live_server, reception)
    _open_from_queue(page, base, "Chờ tiếp nhận", code, axe, [])
    assert "Đã yêu cầu bổ sung khi tiếp nhận lúc" in page.content()
    assert page.get_by_role("button", name="Yêu cầu bổ sung (Mẫu 02)…").count() == 0
    page.get_by_label("Tờ khai thay đổi thông tin cư trú").check()
    _click(page, "Tiếp nhận (Mẫu 01)")
    _click(page, "Chuyển cơ quan giải quyết")
    assert _status(dossier) == S.IN_PROCESS
    context.close()

    # 3. The head assigns; the history names the officer.
    context, page = _context(browser, live_server, head)
    _open_from_queue(page, base, "Chờ phân công", code, axe, [])
    page.get_by_label("Chuyên viên xử lý").select_option(str(officer.uuid))
    _click(page, "Phân công", exact=True)
    assert f"Phân công xử lý: {officer.get_full_name()}" in page.content()
    context.close()

    # 4. The officer consults another agency; appraisal cannot resume before the answer.
    context, page = _context(browser, live_server, officer)
    _open_from_queue(page, base, "Được giao cho tôi", code, axe, [])
    page.get_by_text("Xin ý kiến, xác minh (Điều 19.4)").click()
    page.get_by_label("Cơ quan được xin ý kiến").select_option(str(consulted.competent.uuid))
    page.get_by_label("Nội dung xin ý kiến, xác minh").fill("Xác minh chỗ ở hợp pháp.")
    page.get_by_label("Hạn trả lời").fill((timezone.localdate() + dt.timedelta(days=3)).isoformat())
    _click(page, "Gửi xin ý kiến")
    assert _status(dossier) == S.CONSULTING
    _click(page, "Đã có ý kiến, tiếp tục thẩm định")
    assert _status(dossier) == S.CONSULTING
    error = page.locator(".messages .alert-danger")
    assert "Còn chờ ý kiến của" in error.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('alert-danger')")
    consultation = Dossier.objects.get(pk=dossier.pk).consultations.get()
    svc.consultation_reply(
        consultation=consultation,
        by=consulted.staff[A.PROCESSING_OFFICER],
        answer="Đúng, có hợp đồng thuê nhà.",
    )
    page.reload()
    _click(page, "Đã có ý kiến, tiếp tục thẩm định")
    assert _status(dossier) == S.APPRAISING

    # 5. The officer proposes the extension; the head approves it and signs Mẫu 04.
    page.get_by_text("Đề xuất gia hạn thời gian giải quyết").click()
    new_day = timezone.localtime(Dossier.objects.get(pk=dossier.pk).due_at).date()
    new_day += dt.timedelta(days=7)
    page.get_by_label("Ngày hẹn trả mới").fill(new_day.isoformat())
    page.get_by_label("Lý do chậm, lời xin lỗi gửi người nộp").fill("Chờ kết quả xác minh.")
    _click(page, "Gửi đề xuất gia hạn")
    assert "Đang chờ lãnh đạo cơ quan phê duyệt." in page.content()
    context.close()
    context, page = _context(browser, live_server, head)
    page.goto(base + f"/office/ma/{code}/")
    assert "Chờ kết quả xác minh." in page.locator("#extension-proposal").inner_text()
    assert axe(page) == []
    _click(page, "Đồng ý gia hạn, ký Mẫu 04")
    extended = Dossier.objects.get(pk=dossier.pk).events.get(kind=EventKind.EXTENDED)
    assert extended.actor == head
    assert "Đã gia hạn lúc" in page.content()
    context.close()

    # 6. The officer proposes a refusal with its reasons and the draft result.
    context, page = _context(browser, live_server, officer)
    _open_from_queue(page, base, "Được giao cho tôi", code, axe, [])
    page.get_by_label("Từ chối giải quyết", exact=True).check()
    page.locator("#id_a-awaiting_approval-note").fill("Chỗ ở không hợp pháp theo kết quả xác minh.")
    _click(page, "Trình lãnh đạo phê duyệt")
    assert _status(dossier) == S.AWAITING_APPROVAL
    draft = tmp_path / "du-thao.pdf"
    draft.write_bytes(pdf_bytes("Thong bao tu choi"))
    page.get_by_label("Văn bản kết quả (PDF)").set_input_files(str(draft))
    _click(page, "Đính kèm kết quả")
    context.close()

    # 7. The head sees the proposal (refuse, the reasons, the draft) and approves, then signs.
    context, page = _context(browser, live_server, head)
    _open_from_queue(page, base, "Chờ tôi phê duyệt", code, axe, [])
    proposal = page.locator("#proposal")
    assert proposal.locator("[data-proposal='negative']").inner_text() == "Từ chối giải quyết"
    assert "Chỗ ở không hợp pháp" in proposal.inner_text()
    assert proposal.get_by_role("link", name="Mở dự thảo kết quả").count() == 1
    # The draft itself, inline: its page drawn on the server and loaded under the CSP.
    image = proposal.get_by_role("img", name="Dự thảo kết quả, trang 1/1")
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert "Thong bao tu choi" in proposal.locator("#draft-page-text-1").text_content()
    assert "đề xuất: Từ chối giải quyết" in page.content()
    _click(page, "Phê duyệt", exact=True)
    assert _status(dossier) == S.SIGNING
    _click(page, "Ký số văn bản kết quả")
    otp = page.locator(".alert-info strong").inner_text()
    page.get_by_label("Mã xác thực (OTP)").fill(otp)
    _click(page, "Xác nhận ký số")
    _click(page, "Đã ký số, chuyển ban hành")
    assert _status(dossier) == S.ISSUING
    context.close()

    # 8. The records clerk registers the number and issues the result. A number the agency's
    #    outgoing book already gave is refused beside the field; the one typed is written to it.
    number_record(
        agency=cast.competent,
        book=RegisterBook.OUTGOING,
        reference="elsewhere:20",
        text="20/QĐ-STP",
    )
    context, page = _context(browser, live_server, cast.staff[A.RECORDS_CLERK])
    _open_from_queue(page, base, "Chờ ký, ban hành", code, axe, [])
    page.get_by_label("Số, ký hiệu văn bản kết quả").fill("20/TB-STP")
    _click(page, "Vào số", exact=True)
    register = page.locator("section[aria-labelledby='register-title']")
    assert "Số 20 đã được cấp trong sổ văn bản đi" in register.inner_text()
    page.get_by_label("Số, ký hiệu văn bản kết quả").fill("21/TB-STP")
    _click(page, "Vào số", exact=True)
    held = IssuedNumber.objects.select_related("register").get(dossier=dossier, number=21)
    assert (held.register.agency, held.register.book, held.register.year) == (
        cast.competent,
        RegisterBook.OUTGOING,
        timezone.localdate().year,
    )
    _click(page, "Vào sổ, ban hành kết quả")
    assert _status(dossier) == S.DONE
    context.close()

    # 9. Reception returns it, with the result at hand to view or print.
    context, page = _context(browser, live_server, reception)
    _open_from_queue(page, base, "Chờ trả kết quả", code, axe, [])
    assert page.get_by_role("link", name="Xem, in văn bản kết quả").count() == 1
    _click(page, "Trả kết quả cho người nộp")
    assert _status(dossier) == S.RETURNED
    context.close()

    # Each form with its number, in the right name.
    final = Dossier.objects.get(pk=dossier.pk)
    assert final.result_code == "21/TB-STP"
    forms = {
        (e.form_code, e.to_status or e.kind): e
        for e in final.events.exclude(form_code="").order_by("at", "id")
    }
    supplement = forms[("02", S.INTAKE_SUPPLEMENT)]
    receipt = forms[("01", S.RECEIVED)]
    apology = forms[("04", EventKind.EXTENDED)]
    refusal = forms[("03", S.DONE)]
    assert forms[("06", S.IN_PROCESS)]
    assert form_context(supplement, "02")["officer_name"] == reception.get_full_name()
    assert form_context(receipt, "01")["officer_name"] == reception.get_full_name()
    assert form_context(apology, "04")["head_name"] == head.get_full_name()
    assert "Chỗ ở không hợp pháp" in str(form_context(refusal, "03"))
    # The refusal is the head's decision: the notice names the head, not the records clerk who
    # numbered and issued it.
    assert form_context(refusal, "03")["officer_name"] == head.get_full_name()

    # Every form as issued: its "Số" taken from the issuing agency's outgoing book and printed on
    # the PDF, and signed in the name of the person it names (the signature, and the printed name).
    signed_by = {
        supplement: ("02", reception, f"form:{supplement.pk}:02"),
        receipt: ("01", reception, f"form:{receipt.pk}:01"),
        forms[("06", S.IN_PROCESS)]: ("06", reception, f"sheet:{final.pk}"),
        apology: ("04", head, f"form:{apology.pk}:04"),
        refusal: ("03", head, f"form:{refusal.pk}:03"),
    }
    numbers = set()
    issued_forms = {
        (e.data["event_id"], e.data["form_code"]): e
        for e in final.events.filter(kind=EventKind.FORM_ISSUED)
    }
    for event, (form_code, person, reference) in signed_by.items():
        issued = issued_forms.get((event.pk, form_code))
        assert issued is not None, (form_code, event.pk, sorted(issued_forms))
        document = StoredDocument.objects.get(uuid=issued.data["document_uuid"])
        assert document.signer_name == person.get_full_name(), form_code
        held = IssuedNumber.objects.select_related("register").get(reference=reference)
        assert held.register.book == RegisterBook.OUTGOING
        number = number_text(held.number, held.register.year)
        numbers.add((held.register.agency_id, number))
        text = _pdf_text(document)
        assert f"Số: {number}" in text, (form_code, number)
        assert person.get_full_name() in text, form_code
    assert len(numbers) == len(signed_by)  # no two forms share a number in one agency's book


def _pdf_text(document) -> str:
    with document.file.open("rb") as fh:
        done = subprocess.run(
            ["pdftotext", "-raw", "-", "-"], input=fh.read(), capture_output=True, check=True
        )
    return " ".join(done.stdout.decode().split())
