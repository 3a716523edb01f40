"""The back office in a real browser: a reception officer accepts an online dossier, the agency
head assigns it, the processing officer presents it with the draft result, the head approves,
is refused an unsigned upload and signs the result through the remote-signing flow, the records
clerk registers the number and issues it and the reception officer returns the result; the
delivered PDF is PAdES B-LTA by the head (pyHanko) and valid (pdfsig). axe-core scans every
page."""

import uuid

from django.test import Client

import pytest

from accounts.tests.factories import login_with_mfa
from documents.tests.conftest import key_pool, nss_trust_store, pdfsig  # noqa: F401
from documents.tests.lta_validation import validate_lta
from dossiers.constants import Actor, DossierStatus
from dossiers.models import Dossier
from dossiers.services import dossier_submit
from dossiers.tests.factories import make_cast, make_draft
from dossiers.tests.signing_helpers import configure_signing, enrol_signers
from dossiers.tests.submission_helpers import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = DossierStatus
A = Actor


def _context(browser, live_server, user, width=1280):
    client = Client()
    login_with_mfa(client, user)
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _status(dossier) -> str:
    return Dossier.objects.get(pk=dossier.pk).status


def _open_from_queue(page, base, queue_label, code, axe, csp):
    page.goto(base + "/office/")
    page.get_by_role("link", name=queue_label).click()
    page.wait_for_load_state()
    assert axe(page) == [], f"queue {queue_label}"
    page.get_by_role("link", name=code).click()
    page.wait_for_load_state()
    assert axe(page) == [], f"dossier page ({queue_label})"
    assert csp == []


def test_dossier_from_reception_to_returned(
    browser,
    live_server,
    axe,
    settings,
    tmp_path,
    test_pki,
    pdfsig,  # noqa: F811
):
    configure_signing(settings, live_server, test_pki, tmp_path)
    cast = make_cast()
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
    code = dossier.code
    base = live_server.url
    enrol_signers(cast, test_pki, settings)

    # 1. Reception: the new dossier waits in "Chờ tiếp nhận" with its time left; accept it.
    context, page = _context(browser, live_server, cast.staff[A.RECEPTION_OFFICER])
    csp: list[str] = []
    page.on(
        "console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None
    )
    _open_from_queue(page, base, "Chờ tiếp nhận", code, axe, csp)
    page.get_by_label("Tờ khai thay đổi thông tin cư trú").check()
    page.get_by_role("button", name="Tiếp nhận (Mẫu 01)").click()
    page.wait_for_load_state()
    assert _status(dossier) == S.RECEIVED
    page.get_by_role("button", name="Chuyển cơ quan giải quyết").click()
    page.wait_for_load_state()
    assert _status(dossier) == S.IN_PROCESS
    assert csp == []
    context.close()

    # 2. The agency head assigns the processing officer.
    context, page = _context(browser, live_server, cast.staff[A.AGENCY_HEAD])
    _open_from_queue(page, base, "Chờ phân công", code, axe, [])
    officer = cast.staff[A.PROCESSING_OFFICER]
    page.get_by_label("Chuyên viên xử lý").select_option(str(officer.uuid))
    page.get_by_role("button", name="Phân công", exact=True).click()
    page.wait_for_load_state()
    assert _status(dossier) == S.APPRAISING
    context.close()

    # 3. The processing officer finds it in "Được giao cho tôi", presents it for approval and
    #    attaches the draft result.
    context, page = _context(browser, live_server, officer)
    _open_from_queue(page, base, "Được giao cho tôi", code, axe, [])
    page.get_by_label("Giải quyết", exact=True).check()
    page.get_by_role("button", name="Trình lãnh đạo phê duyệt").click()
    page.wait_for_load_state()
    assert _status(dossier) == S.AWAITING_APPROVAL
    draft = tmp_path / "du-thao.pdf"
    draft.write_bytes(pdf_bytes("Quyet dinh"))
    page.get_by_label("Văn bản kết quả (PDF)").set_input_files(str(draft))
    page.get_by_role("button", name="Đính kèm kết quả").click()
    page.wait_for_load_state()
    assert "Dự thảo: chưa được ký số." in page.content()
    context.close()

    # 4. The head approves; an unsigned upload is refused with the reason; the head signs the
    #    draft with their own remote credential (code from the simulated SMS) and passes it on.
    context, page = _context(browser, live_server, cast.staff[A.AGENCY_HEAD])
    _open_from_queue(page, base, "Chờ tôi phê duyệt", code, axe, [])
    page.get_by_role("button", name="Phê duyệt", exact=True).click()
    page.wait_for_load_state()
    assert _status(dossier) == S.SIGNING
    unsigned = tmp_path / "ket-qua.pdf"
    unsigned.write_bytes(pdf_bytes("Quyet dinh khong ky"))
    page.get_by_label("Văn bản kết quả (PDF)").set_input_files(str(unsigned))
    page.get_by_role("button", name="Đính kèm kết quả").click()
    page.wait_for_load_state()
    assert "Văn bản chưa được ký số" in page.content()
    draft_uuid = Dossier.objects.get(pk=dossier.pk).result_document_uuid
    page.get_by_role("button", name="Ký số văn bản kết quả").click()
    page.wait_for_load_state()
    otp = page.locator(".alert-info strong").inner_text()
    page.get_by_label("Mã xác thực (OTP)").fill(otp)
    page.get_by_role("button", name="Xác nhận ký số").click()
    page.wait_for_load_state()
    assert "Đã ký số văn bản kết quả" in page.content()
    assert Dossier.objects.get(pk=dossier.pk).result_document_uuid != draft_uuid
    assert axe(page) == []
    page.get_by_role("button", name="Đã ký số, chuyển ban hành").click()
    page.wait_for_load_state()
    assert _status(dossier) == S.ISSUING
    context.close()

    # 5. The records clerk registers the number (signed update) and issues it.
    context, page = _context(browser, live_server, cast.staff[A.RECORDS_CLERK])
    _open_from_queue(page, base, "Chờ ký, ban hành", code, axe, [])
    page.get_by_label("Số, ký hiệu văn bản kết quả").fill("15/QĐ-STP")
    page.get_by_role("button", name="Vào số", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Vào sổ, ban hành kết quả").click()
    page.wait_for_load_state()
    assert _status(dossier) == S.DONE
    context.close()

    from documents.models import StoredDocument

    delivered = StoredDocument.objects.get(
        uuid=Dossier.objects.get(pk=dossier.pk).result_document_uuid
    )
    with delivered.file.open("rb") as fh:
        pdf = fh.read()
    results = validate_lta(pdf, test_pki.root_pem)
    assert [(r.signer, r.indication) for r in results] == [
        ("Nguyễn Văn Hùng", "PASSED"),
        ("Trần Thị Bích Ngọc", "PASSED"),
    ]
    report = pdfsig(pdf, online_ocsp=False)
    assert report.count("Signature is Valid") == 2, report
    assert report.count("Certificate is Trusted") == 2, report

    # 6. Reception hands the result over.
    context, page = _context(browser, live_server, cast.staff[A.RECEPTION_OFFICER])
    _open_from_queue(page, base, "Chờ trả kết quả", code, axe, [])
    page.get_by_role("button", name="Trả kết quả cho người nộp").click()
    page.wait_for_load_state()
    assert _status(dossier) == S.RETURNED
    assert "Đã trả kết quả" in page.content()
    context.close()


def test_workspace_on_a_phone_live_search_and_shortcuts(browser, live_server, axe):
    cast = make_cast()
    codes = []
    for name in ("Nguyễn Văn An", "Trần Thị Bình"):
        dossier = make_draft(cast)
        dossier.applicant_data = {"full_name": name}
        dossier.save(update_fields=["applicant_data"])
        dossier_submit(dossier=dossier, by=cast.citizen)
        dossier.refresh_from_db()
        codes.append(dossier.code)
    context, page = _context(browser, live_server, cast.staff[A.RECEPTION_OFFICER], width=360)
    page.goto(live_server.url + "/office/")
    assert axe(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    # "/" focuses the search; typing filters the queue through htmx without a reload.
    page.keyboard.press("/")
    page.keyboard.type("Thị Bình")
    page.wait_for_function(
        "() => document.querySelectorAll('#queue-results tr[data-row]').length === 1"
    )
    assert codes[1] in page.locator("#queue-results").inner_text()
    assert codes[0] not in page.locator("#queue-results").inner_text()
    # j selects the first row, Enter opens it.
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url("**/office/ho-so/**")
    assert codes[1] in page.content()
    context.close()
