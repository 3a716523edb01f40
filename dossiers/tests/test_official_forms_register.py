"""Mẫu 07 — the dossier register: scoped rows, the XLSX (opened with openpyxl), the signed PDF
(pdfsig, pdftotext) and who may open the staff page."""

# ruff: noqa: F811  (the documents app's fixtures are imported, then requested by name)

from __future__ import annotations

import io
import shutil
import subprocess

from django.utils import timezone

import pytest

from accounts.constants import Role
from accounts.tests.factories import UserFactory, login_with_mfa
from agencies.tests.factories import AgencyFactory
from common.models import AuditEvent
from documents.signers.base import agency_key_label
from documents.tests.conftest import dev_signing, key_pool, nss_trust_store, pdfsig  # noqa: F401
from dossiers import selectors, services
from dossiers.constants import Actor, DossierStatus
from dossiers.services import dossier_submit, dossier_transition
from dossiers.tests.factories import add_membership, make_cast, make_draft

S = DossierStatus
A = Actor
pytestmark = pytest.mark.django_db
URL = "/office/so-theo-doi/"


@pytest.fixture
def cast(scanner_off, dev_signing):
    cast = make_cast()
    dev_signing.issue(
        path=dev_signing.folder / f"{agency_key_label(cast.receiving)}.p12",
        common_name=cast.receiving.name,
        organisation=cast.receiving.name,
    )
    return cast


def received(cast, name: str, **kwargs):
    dossier = make_draft(cast, **kwargs)
    dossier.applicant_data = {
        "full_name": name,
        "phone": "0912345678",
        "address": "Ấp Trường Ân, xã Tân Biên",
    }
    dossier.save(update_fields=["applicant_data"])
    dossier_submit(dossier=dossier, by=cast.citizen)
    officer = cast.staff[A.RECEPTION_OFFICER]
    dossier_transition(dossier=dossier, to=S.RECEIVED, by=officer, role=A.RECEPTION_OFFICER)
    dossier_transition(dossier=dossier, to=S.IN_PROCESS, by=officer, role=A.RECEPTION_OFFICER)
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def dossiers(cast):
    return [received(cast, "Nguyễn Thị Ánh Tuyết"), received(cast, "Trần Văn Đức")]


def query(cast, **extra):
    today = timezone.localdate().isoformat()
    return {"agency": str(cast.receiving.uuid), "tu": today, "den": today, **extra}


def test_rows_hold_the_register_columns(cast, dossiers):
    today = timezone.localdate()
    officer = cast.staff[A.RECEPTION_OFFICER]
    rows = selectors.register_rows(user=officer, agency=cast.receiving, start=today, end=today)
    assert [r.code for r in rows] == [d.code for d in dossiers]
    first = rows[0]
    assert first.applicant_name == "Nguyễn Thị Ánh Tuyết"
    assert first.lead_agency == cast.competent.name
    assert first.received_at == dossiers[0].received_at
    assert first.due_at == dossiers[0].due_at
    assert first.transferred_at is not None
    assert first.returned_at is None
    # The competent agency keeps a register of the same dossiers.
    head = cast.staff[A.AGENCY_HEAD]
    assert (
        len(selectors.register_rows(user=head, agency=cast.competent, start=today, end=today)) == 2
    )
    # Yesterday's register is empty.
    yesterday = today - timezone.timedelta(days=1)
    assert (
        selectors.register_rows(user=officer, agency=cast.receiving, start=yesterday, end=yesterday)
        == []
    )


def test_rows_are_refused_to_staff_of_another_agency(cast, dossiers):
    outsider = UserFactory(roles=[Role.RECEPTION_OFFICER])
    add_membership(outsider, AgencyFactory(name="UBND xã Khác"), Role.RECEPTION_OFFICER)
    today = timezone.localdate()
    with pytest.raises(services.RegisterError):
        selectors.register_rows(user=outsider, agency=cast.receiving, start=today, end=today)


def test_page_shows_the_register_and_exports_xlsx(client, cast, dossiers):
    from openpyxl import load_workbook

    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    page = client.get(URL, query(cast))
    assert page.status_code == 200
    html = page.content.decode()
    assert dossiers[0].code in html
    assert "Trần Văn Đức" in html

    response = client.get(URL, query(cast, dinh_dang="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0].startswith("SỔ THEO DÕI HỒ SƠ")
    assert values[2][:3] == ["TT", "Mã hồ sơ", "Tên thủ tục hành chính"]
    assert values[3][1] == dossiers[0].code
    assert values[3][4] == "Nguyễn Thị Ánh Tuyết"
    received_cell = sheet.cell(row=4, column=9)
    assert received_cell.value.strftime("%d/%m/%Y %H:%M") == timezone.localtime(
        dossiers[0].received_at
    ).strftime("%d/%m/%Y %H:%M")
    assert received_cell.number_format == selectors.DATE_FORMAT
    assert values[4][4] == "Trần Văn Đức"
    assert AuditEvent.objects.filter(action="dossiers.register_exported").count() == 1


def test_pdf_export_is_signed_and_readable(client, cast, dossiers, pdfsig, tmp_path):
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    response = client.get(URL, query(cast, dinh_dang="pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    report = pdfsig(response.content)
    assert "Signature is Valid" in report, report
    assert "Certificate is Trusted" in report, report
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: apt-get install poppler-utils")
    path = tmp_path / "register.pdf"
    path.write_bytes(response.content)
    text = " ".join(
        subprocess.run(
            ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert dossiers[0].code in text
    assert dossiers[1].code in text
    assert "Nguyễn Thị Ánh Tuyết" in text
    assert timezone.localtime(dossiers[0].received_at).strftime("%d/%m/%Y") in text


def test_pdf_without_a_signing_key_says_so(client, scanner_off, dev_signing):
    cast = make_cast()  # no key for the receiving agency
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    response = client.get(URL, query(cast, dinh_dang="pdf"), follow=True)
    assert response.status_code == 200
    assert "chứng thư số" in response.content.decode()


def test_who_may_open_the_page(client, cast, dossiers):
    assert client.get(URL).status_code == 302  # anonymous → sign in

    citizen = UserFactory(roles=[Role.CITIZEN])
    client.force_login(citizen)
    assert client.get(URL, query(cast)).status_code == 403
    client.logout()

    outsider = UserFactory(roles=[Role.RECEPTION_OFFICER])
    add_membership(outsider, AgencyFactory(name="UBND xã Khác"), Role.RECEPTION_OFFICER)
    login_with_mfa(client, outsider)
    for extra in ({}, {"dinh_dang": "xlsx"}):
        response = client.get(URL, query(cast, **extra))
        assert response.status_code == 200  # the agency is not among its choices: a form error
        assert dossiers[0].code.encode() not in response.content
        assert response["Content-Type"].startswith("text/html")
    assert (
        selectors.register_agency_for(user=outsider, agency_uuid=str(cast.receiving.uuid)) is None
    )
    assert selectors.register_agency_for(user=outsider, agency_uuid="not-a-uuid") is None


def test_period_must_be_in_order(client, cast):
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    response = client.get(URL, {**query(cast), "tu": "2026-11-28", "den": "2026-11-01"})
    assert "Ngày kết thúc phải sau ngày bắt đầu." in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_register_page_is_accessible_and_fits_a_phone(browser, live_server, axe, settings):
    from django.test import Client

    settings.VIRUS_SCANNER = "none"
    cast = make_cast()
    dossier = received(cast, "Nguyễn Thị Ánh Tuyết")
    client = Client()
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    today = timezone.localdate().isoformat()
    for width in (1280, 360):
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 800})
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
        violations: list[str] = []
        page.on(
            "console",
            lambda message, seen=violations: (
                seen.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        try:
            page.goto(f"{live_server.url}{URL}")
            page.get_by_label("Từ ngày").fill(today)
            page.get_by_label("Đến ngày").fill(today)
            page.get_by_role("button", name="Xem sổ").click()
            page.wait_for_load_state()
            assert page.get_by_role("cell", name=dossier.code).is_visible()
            assert axe(page) == []
            assert violations == []
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"horizontal scroll of {overflow}px at {width}px"
        finally:
            context.close()
