"""Issue #19: production refuses everything that is not production; personal data never leaks.

One test (or a few) per finding of the production review, each reproducing the attack that was
confirmed with a request and seeing it refused. The dossier-result and helpdesk findings live
beside their apps (`dossiers/tests/test_result_visibility.py`, `helpdesk/tests/test_publish.py`),
the forged IPN in `payments/tests/test_not_configured.py`, the identity failures in
`accounts/tests/test_identity_failures.py`. The list is in docs/security-tests.md.
"""

from __future__ import annotations

import base64
import io
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import NoReverseMatch, reverse

import pytest
from PIL import Image

from accounts.constants import Role
from accounts.tests.factories import CitizenFactory, StaffFactory, UserFactory, login_with_mfa
from documents.models import StoredDocument
from documents.tests.helpers import pdf_from_objects
from dossiers.tests.submission_helpers import pdf_bytes
from notifications.models import SimulatedMessage
from tests.security.routes import all_routes

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PUBLISHED_TWILIO_TOKEN = "simulator-auth-token"


def _production(settings) -> None:
    """DEBUG off and no DEMO_MODE: what a production instance runs with."""
    settings.DEBUG = False
    settings.DEMO_MODE = False


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _superuser_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True, roles=[Role.SYSTEM_ADMIN])
    login_with_mfa(client, admin)
    return client


# --- 1. SMS and Zalo simulators -----------------------------------------------------------------


def test_sms_simulator_message_list_is_gone_in_production(client, settings):
    """The review listed every SMS (one-time codes included) through Messages.json."""
    SimulatedMessage.objects.create(
        provider="twilio", message_id="SM1", to="+84912345678", body="Ma xac thuc: 123456"
    )
    settings.TWILIO_SIMULATOR_ENABLED = True  # even switched on by mistake
    _production(settings)
    url = reverse("notifications:sim_twilio_messages", args=[settings.TWILIO_ACCOUNT_SID])
    auth = _basic(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)
    assert client.get(url, HTTP_AUTHORIZATION=auth).status_code == 404
    zalo = client.post(reverse("notifications:sim_zalo_token"), {"grant_type": "refresh_token"})
    assert zalo.status_code == 404


def test_sms_simulator_secret_is_per_installation_not_the_published_constant(client, settings):
    SimulatedMessage.objects.create(
        provider="twilio", message_id="SM1", to="+84912345678", body="Ma xac thuc: 123456"
    )
    url = reverse("notifications:sim_twilio_messages", args=[settings.TWILIO_ACCOUNT_SID])
    published = client.get(
        url, HTTP_AUTHORIZATION=_basic(settings.TWILIO_ACCOUNT_SID, PUBLISHED_TWILIO_TOKEN)
    )
    assert published.status_code == 401
    assert b"123456" not in published.content
    # The token in use is the one generated for this installation, in its secrets file.
    stored = Path(os.environ["SIMULATOR_SECRETS_FILE"]).read_text()
    assert settings.TWILIO_AUTH_TOKEN in stored
    assert len(settings.TWILIO_AUTH_TOKEN) >= 40
    sources = "".join(f.read_text() for f in (ROOT / "portal" / "settings").glob("*.py"))
    assert settings.TWILIO_AUTH_TOKEN not in sources
    for published in (PUBLISHED_TWILIO_TOKEN, "simulator-hash-secret", "simulator-only-secret"):
        assert published not in sources


def test_installation_secrets_differ_between_installations_and_persist(tmp_path):
    from common.installation_secrets import installation_secret

    first = installation_secret(tmp_path / "a" / "secrets.json", "twilio_auth_token")
    other = installation_secret(tmp_path / "b" / "secrets.json", "twilio_auth_token")
    assert first != other
    assert installation_secret(tmp_path / "a" / "secrets.json", "twilio_auth_token") == first
    assert oct((tmp_path / "a" / "secrets.json").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    "who", ["anonymous", "citizen", "agency_staff", "system_admin_role", "superuser_no_mfa"]
)
def test_simulator_log_is_for_the_system_administrator_only(client, who):
    """Staff of any agency could read the message log (and its one-time codes)."""
    SimulatedMessage.objects.create(
        provider="twilio", message_id="SM1", to="+84912345678", body="Ma xac thuc: 123456"
    )
    if who == "citizen":
        client.force_login(CitizenFactory())
    elif who == "agency_staff":
        login_with_mfa(client, StaffFactory(roles=[Role.ONESTOP_SUPERVISOR]))
    elif who == "system_admin_role":  # the role without being a superuser
        login_with_mfa(client, StaffFactory(roles=[Role.SYSTEM_ADMIN]))
    elif who == "superuser_no_mfa":
        admin = UserFactory(is_staff=True, is_superuser=True)
        client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("notifications:simulator_log"))
    assert response.status_code != 200
    assert b"123456" not in response.content
    forged = client.post(reverse("notifications:simulator_report", args=["SM1"]))
    assert forged.status_code != 302 or "mo-phong" not in forged.get("Location", "")


def test_simulator_log_opens_to_a_superuser_with_mfa(client):
    SimulatedMessage.objects.create(
        provider="twilio", message_id="SM1", to="+84912345678", body="Ma xac thuc: 123456"
    )
    response = _superuser_client(client).get(reverse("notifications:simulator_log"))
    assert response.status_code == 200
    assert b"123456" in response.content


def test_sms_simulator_calls_back_only_the_portal(client, settings, monkeypatch):
    """The simulator POSTed a signed report to whatever StatusCallback it was sent."""
    import requests

    from notifications.simulators import twilio_send_status_callback

    posted: list[str] = []
    monkeypatch.setattr(requests, "post", lambda url, **kw: posted.append(url))
    message = SimulatedMessage.objects.create(
        provider="twilio",
        message_id="SM2",
        to="+84912345678",
        body="x",
        payload={"StatusCallback": "http://169.254.169.254/latest/meta-data/"},
    )
    assert twilio_send_status_callback(message, "delivered") == 0
    settings.SITE_URL = "https://dichvucong.tayninh.gov.vn"
    for url in (
        "https://dichvucong.tayninh.gov.vn.evil.example/x",
        "https://evil@dichvucong.tayninh.gov.vn/x",
        "http://dichvucong.tayninh.gov.vn/x",
    ):
        message.payload = {"StatusCallback": url}
        assert twilio_send_status_callback(message, "delivered") == 0
    assert posted == []


def test_forged_delivery_report_is_refused_when_sms_is_not_configured(client, settings):
    """With Twilio and its simulator off, the status webhook verifies nothing: "not configured"."""
    from twilio.request_validator import RequestValidator

    from notifications.tests.factories import sample_context  # noqa: F401 - app fixtures load

    _production(settings)
    settings.TWILIO_SIMULATOR_ENABLED = True
    path = reverse("notifications:twilio_status", args=["5f0c6f4e-2a1d-4d7a-9a53-3b1f0f5b2c11"])
    params = {"MessageSid": "SM0", "MessageStatus": "delivered"}
    signature = RequestValidator(PUBLISHED_TWILIO_TOKEN).compute_signature(
        f"http://testserver{path}", params
    )
    response = client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 503
    assert response.content == b"not configured"


def test_sms_is_not_sent_anywhere_when_not_configured(settings):
    from notifications.channels.base import PermanentError
    from notifications.channels.sms_twilio import TwilioSmsChannel

    _production(settings)
    with pytest.raises(PermanentError, match="not configured"):
        TwilioSmsChannel().send(None)


def test_without_sms_a_legal_notice_goes_by_e_mail_and_inbox(settings):
    """Production without Twilio: the applicant is still told, by the channels that work."""
    from notifications.channels.base import recipients_for
    from notifications.constants import Channel, Event
    from notifications.services import _choose_channels

    citizen = CitizenFactory(email="an@example.vn", phone="0912345678")
    (recipient,) = recipients_for([citizen])

    def chosen_now() -> set[str]:
        pairs = _choose_channels(event=Event.DOSSIER_SUBMITTED, recipient=recipient, requested=None)
        return {channel for channel, _address in pairs}

    chosen_before = chosen_now()
    assert Channel.SMS in chosen_before  # in demo mode the simulator takes it
    _production(settings)
    chosen = chosen_now()
    assert Channel.SMS not in chosen
    assert chosen & {Channel.EMAIL, Channel.INBOX}
    assert chosen_before - {Channel.SMS} <= chosen


# --- the one rule: check --deploy, the start-up check, every simulator's views ------------------


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, "DJANGO_SECRET_KEY": "k" * 64, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_check_deploy_fails_with_a_named_error_while_a_simulator_is_on(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy"],
        DJANGO_ALLOWED_HOSTS="dichvucong.tayninh.gov.vn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        SIMULATOR_SECRETS_FILE=str(tmp_path / "secrets.json"),
        DEMO_MODE="true",
    )
    assert result.returncode != 0
    for name in ("TWILIO_SIMULATOR_ENABLED", "PAYMENT_SIMULATOR_ENABLED", "VNEID_SIMULATOR"):
        assert "(common.E002) " in result.stderr
        assert name in result.stderr
    assert "(common.E003) DEMO_MODE is on" in result.stderr


def test_each_simulator_is_named_by_the_deploy_check(settings):
    from common.checks import no_simulator_in_production
    from common.simulators import SIMULATOR_SETTINGS

    _production(settings)
    for name in SIMULATOR_SETTINGS:
        setattr(settings, name, False)
    assert no_simulator_in_production() == []
    for name in SIMULATOR_SETTINGS:
        setattr(settings, name, True)
        errors = no_simulator_in_production()
        assert [e.id for e in errors] == ["common.E002"]
        assert name in errors[0].msg
        setattr(settings, name, False)


def test_a_simulator_without_demo_mode_is_a_start_up_error(settings):
    from django.core.checks import run_checks

    _production(settings)
    settings.PAYMENT_SIMULATOR_ENABLED = True
    errors = [e.msg for e in run_checks() if e.id == "common.E001"]
    assert any("(PAYMENT_SIMULATOR_ENABLED)" in message for message in errors)
    settings.DEMO_MODE = True
    assert not [e for e in run_checks() if e.id == "common.E001"]


SIMULATOR_URLS = [
    (
        "TWILIO_SIMULATOR_ENABLED",
        "get",
        "/thong-bao/mo-phong/twilio/2010-04-01/Accounts/AC0/Messages.json",
    ),
    ("ZALO_SIMULATOR_ENABLED", "post", "/thong-bao/mo-phong/zalo/api/message/template"),
    ("PAYMENT_SIMULATOR_ENABLED", "get", "/thanh-toan/gia-lap/paymentv2/vpcpay.html"),
    ("VNEID_SIMULATOR", "get", "/dinh-danh/gia-lap-vneid/.well-known/openid-configuration"),
    ("CSC_SIMULATOR_ENABLED", "post", "/kho-du-lieu/csc/v2/info"),
    ("DVCQG_SIMULATOR_ENABLED", "post", "/tich-hop/mo-phong/dvcqg/auth"),
    ("VNPOST_SIMULATOR_ENABLED", "post", "/tich-hop/mo-phong/vnpost/api/orders"),
]


@pytest.mark.parametrize(("setting", "method", "path"), SIMULATOR_URLS)
def test_every_simulator_is_404_with_debug_off_without_demo_mode(
    client, settings, setting, method, path
):
    """The VNeID simulator (and every other) was accepted with DEBUG off."""
    setattr(settings, setting, True)
    _production(settings)
    superuser = _superuser_client(client)
    assert getattr(superuser, method)(path).status_code == 404


@pytest.mark.parametrize("name", ["integrations:dvcqg_console", "integrations:vnpost_console"])
def test_simulator_consoles_are_for_the_system_administrator_only(client, settings, name):
    settings.DVCQG_SIMULATOR_ENABLED = True
    settings.VNPOST_SIMULATOR_ENABLED = True
    login_with_mfa(client, StaffFactory(roles=[Role.ONESTOP_SUPERVISOR]))
    assert client.get(reverse(name)).status_code == 404
    client.logout()
    assert _superuser_client(client).get(reverse(name)).status_code == 200


def test_payment_simulator_sends_its_ipn_only_to_the_portal(settings, monkeypatch):
    import requests

    from payments.simulator import bank

    called: list[str] = []
    monkeypatch.setattr(requests, "get", lambda url, **kw: called.append(url))
    settings.PAYMENT_SIMULATOR_IPN_URL = "http://10.0.0.5/internal"
    assert bank.send_ipn(None) == ""  # refused before the row is even read
    assert called == []


def test_vnpost_simulator_calls_back_only_the_portal(settings, monkeypatch):
    import requests

    from integrations.models import SimulatedPostalOrder
    from integrations.vnpost import simulator

    monkeypatch.setattr(requests, "post", lambda url, **kw: pytest.fail(f"posted to {url}"))
    SimulatedPostalOrder.objects.create(
        order_number="EB000000001VN",
        request_key="k1",
        body={"callbackUrl": "http://127.0.0.1:6379/"},
    )
    with pytest.raises(ValueError, match="outside SITE_URL"):
        simulator.simulator_advance(order_number="EB000000001VN", status="2")


# --- 5. seed_demo ---------------------------------------------------------------------------------


def test_seed_demo_refuses_with_debug_and_demo_mode_off(settings):
    from accounts.models import User

    _production(settings)
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("seed_demo")
    assert not User.objects.filter(is_superuser=True).exists()


@pytest.mark.slow
def test_seed_demo_exits_non_zero_in_production(tmp_path):
    result = _run(["manage.py", "seed_demo"], DATABASE_URL=f"sqlite:///{tmp_path / 'seed.sqlite3'}")
    assert result.returncode != 0
    assert "seed_demo refuses to run with DJANGO_DEBUG and DEMO_MODE off" in result.stderr


# --- 3. exports never execute ---------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","Bấm")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("value", FORMULAS)
def test_neutralise_makes_every_formula_text(value):
    from common.exports import neutralise, restore

    assert neutralise(value) == "'" + value
    assert restore(neutralise(value)) == value
    assert neutralise("Nguyễn Văn A") == "Nguyễn Văn A"
    assert neutralise(-5) == -5


def _xlsx_cells(data: bytes) -> list:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_metrics_exports_neutralise_formulas():
    from metrics.exports import as_csv, as_xlsx

    rows = [{"name": FORMULAS[0], "value": 3}]
    assert "'=HYPERLINK" in as_csv(rows).decode("utf-8-sig")
    cells = _xlsx_cells(as_xlsx(rows, title="chi so"))
    assert all(cell.data_type != "f" for cell in cells)
    assert "'" + FORMULAS[0] in [cell.value for cell in cells]


def test_payments_daily_report_neutralises_agency_names():
    import datetime as dt

    from agencies.constants import AgencyKind, AgencyLevel
    from agencies.models import Agency
    from payments.reports import daily_report_xlsx

    agency = Agency.objects.create(
        code="H56.99", name=FORMULAS[0], kind=AgencyKind.DEPARTMENT, level=AgencyLevel.PROVINCE
    )
    cells = _xlsx_cells(daily_report_xlsx(agency_id=agency.pk, day=dt.date(2026, 3, 2)))
    assert all(cell.data_type != "f" for cell in cells)


def test_procedure_export_neutralises_and_reads_back():
    from procedures.exchange import export_csv, export_xlsx, read_table
    from procedures.models import Procedure
    from procedures.tests.factories import import_records, national_record

    import_records(national_record("1.000001", FORMULAS[0]))
    procedures = list(Procedure.objects.filter(code="1.000001"))
    assert "'=HYPERLINK" in export_csv(procedures).decode("utf-8-sig")
    cells = _xlsx_cells(export_xlsx(procedures))
    assert all(cell.data_type != "f" for cell in cells)
    for name, data in (("t.csv", export_csv(procedures)), ("t.xlsx", export_xlsx(procedures))):
        assert read_table(name, data)[0]["name"] == FORMULAS[0]


# --- 4. images bounded before decoding -------------------------------------------------------------


def _png_claiming(width: int, height: int) -> bytes:
    """A valid 1×1 PNG whose header claims `width` × `height` (a decompression bomb's header)."""
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    ihdr = 8 + 8  # signature, then length and type of IHDR
    data[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12 : ihdr + 13])) & 0xFFFFFFFF
    data[ihdr + 13 : ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)


def test_image_bomb_under_pillows_limit_is_refused_from_its_header(monkeypatch, settings):
    """A 9,400 × 9,400 PNG (88 MP, under Pillow's 89 MP) took 11.8 s and 700 MB to decode."""
    from PIL import ImageFile

    from documents.uploads import UploadRefused, clean_upload

    settings.VIRUS_SCANNER = "none"
    monkeypatch.setattr(
        ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded before the check")
    )
    with pytest.raises(UploadRefused) as refused:
        clean_upload(_png_claiming(9400, 9400))
    assert refused.value.code == "image_too_large"
    assert "40 triệu điểm ảnh" in refused.value.message


def test_real_9400_square_png_is_refused_through_the_upload_page(citizen_client, settings):
    settings.VIRUS_SCANNER = "none"
    out = io.BytesIO()
    Image.new("1", (9400, 9400)).save(out, format="PNG")
    assert len(out.getvalue()) < 400_000
    response = citizen_client.post(
        "/kho-du-lieu/tai-len/",
        {"file": SimpleUploadedFile("anh.png", out.getvalue(), "image/png"), "title": "Ảnh"},
    )
    assert response.status_code == 400
    assert "triệu điểm ảnh" in response.content.decode()
    assert not StoredDocument.objects.exists()


def test_1022_report_with_bomb_photos_is_refused_without_decoding(monkeypatch, settings):
    """Three such photos in an anonymous 1022 report held a worker for 19 s (the photos take
    the same path whoever reports; a signed-in reporter spares the SMS verification here)."""
    from PIL import ImageFile

    from agencies.tests.factories import CommuneFactory
    from documents.uploads import UploadRefused
    from helpdesk.constants import IntakeChannel, ReportCategory
    from helpdesk.models import FieldReport
    from helpdesk.services import Photo, report_submit

    settings.VIRUS_SCANNER = "none"
    monkeypatch.setattr(
        ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded before the check")
    )
    with pytest.raises(UploadRefused) as refused:
        report_submit(
            channel=IntakeChannel.WEB,
            category=ReportCategory.LIGHTING,
            title="Đèn đường hỏng",
            description="Ba cột đèn không sáng.",
            commune=CommuneFactory(),
            address="Khu phố 2",
            reporter=CitizenFactory(),
            photos=[Photo(f"anh-{i}.png", _png_claiming(9400, 9400)) for i in range(3)],
        )
    assert refused.value.code == "image_too_large"
    assert not FieldReport.objects.exists()


def test_image_within_the_limit_is_kept(settings):
    from documents.uploads import clean_upload

    settings.VIRUS_SCANNER = "none"
    settings.DOCUMENTS_MAX_IMAGE_PIXELS = 10_000
    out = io.BytesIO()
    Image.new("RGB", (100, 100), (10, 20, 30)).save(out, format="PNG")
    assert clean_upload(out.getvalue()).content_type == "image/png"


# --- 8. NUL and control characters, Cache-Control, inline names, PDF JavaScript -------------------


def _parameterless_get_paths() -> list[str]:
    paths = []
    for route in all_routes():
        if route.params or route.name.startswith("<unnamed>"):
            continue
        try:
            paths.append(reverse(route.name))
        except NoReverseMatch:
            continue
    return sorted(set(paths))


def test_nul_in_q_is_a_400_on_every_route(client):
    """`?q=%00` gave a 500 on the helpdesk search; no route may answer a 5xx to it."""
    login_with_mfa(client, StaffFactory(roles=[Role.HELPDESK_OFFICER]))
    answered = {}
    for path in _parameterless_get_paths():
        answered[path] = client.get(path, {"q": "\x00"}).status_code
    assert answered
    assert {p: s for p, s in answered.items() if s != 400} == {}


@pytest.mark.parametrize("value", ["\x00", "a\x01b", "\x1b[31m", "x\x7f"])
def test_control_characters_in_a_form_field_are_a_400(citizen_client, value):
    response = citizen_client.post(
        "/kho-du-lieu/tai-len/",
        {"file": SimpleUploadedFile("a.pdf", pdf_bytes(), "application/pdf"), "title": value},
    )
    assert response.status_code == 400
    assert "ký tự điều khiển" in response.content.decode()
    assert not StoredDocument.objects.exists()


def test_line_breaks_and_tabs_stay_allowed(citizen_client, settings):
    settings.VIRUS_SCANNER = "none"
    response = citizen_client.post(
        "/kho-du-lieu/tai-len/",
        {"file": SimpleUploadedFile("a.pdf", pdf_bytes(), "application/pdf"), "title": "a\tb"},
    )
    assert response.status_code in (200, 302)


def test_nul_in_a_json_body_is_a_400(citizen_client):
    response = citizen_client.post(
        "/api/v1/dossiers/", '{"note": "a\\u0000b"}', content_type="application/json"
    )
    assert response.status_code == 400


def test_every_page_for_a_signed_in_user_is_no_store(client):
    """Pages with personal data (Trang của tôi, inbox, payments…) carried no Cache-Control."""
    client.force_login(CitizenFactory())
    checked = 0
    for path in _parameterless_get_paths():
        response = client.get(path)
        if "public" in response.get("Cache-Control", ""):
            continue  # a public page that says so (manifest, service worker)
        assert "no-store" in response.get("Cache-Control", ""), path
        checked += 1
    assert checked > 20


def test_file_responses_are_no_store_even_signed_out(client):
    from django.http import FileResponse, HttpResponse

    from common.middleware import NoStoreMiddleware

    def pdf(request):
        return FileResponse(io.BytesIO(b"%PDF"), content_type="application/pdf")

    request = type("R", (), {"user": None})()
    assert "no-store" in NoStoreMiddleware(pdf)(request)["Cache-Control"]
    page = NoStoreMiddleware(lambda r: HttpResponse("home"))(request)
    assert "no-store" not in page.get("Cache-Control", "")


def test_inline_file_names_are_cleaned():
    from documents.responses import clean_filename

    assert clean_filename(
        "../../Ông Phạm Văn Hỏi 0977111222.pdf", content_type="application/pdf"
    ) == ("ong-pham-van-hoi-0977111222.pdf")
    assert clean_filename("kết quả\u202egnp.exe", content_type="image/png") == "ket-qua-gnp.png"
    assert clean_filename("C:\\x\\a\r\n.html", content_type="application/pdf") == "a.pdf"
    assert clean_filename("...", content_type="application/pdf") == "tep.pdf"


def _pdf_with(extra_catalog: bytes = b"", extra_objects: tuple[bytes, ...] = ()) -> bytes:
    """pdf_bytes' one-page PDF with more entries in its catalogue and more objects."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + extra_catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *extra_objects,
    ]
    return pdf_from_objects(objects)


ACTIVE_PDFS = {
    "open_action_js": _pdf_with(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
    "names_javascript": _pdf_with(b"/Names << /JavaScript 4 0 R >>", (b"<< /Names [] >>",)),
    "launch": _pdf_with(b"/OpenAction 4 0 R", (b"<< /S /Launch /F (cmd.exe) >>",)),
    "hex_escaped_name": _pdf_with(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"),
    "uri_open_action": _pdf_with(b"/OpenAction << /S /URI /URI (http://evil.example/) >>"),
}


@pytest.mark.parametrize("kind", sorted(ACTIVE_PDFS))
def test_pdf_with_active_content_is_refused(kind, settings):
    from documents.uploads import UploadRefused, clean_upload

    settings.VIRUS_SCANNER = "none"
    with pytest.raises(UploadRefused) as refused:
        clean_upload(ACTIVE_PDFS[kind])
    assert refused.value.code == "pdf_active_content"


def test_pdf_opening_at_a_page_is_kept(settings):
    from documents.uploads import clean_upload

    settings.VIRUS_SCANNER = "none"
    plain = _pdf_with(b"/OpenAction [3 0 R /Fit]")
    assert clean_upload(plain).content_type == "application/pdf"
    assert clean_upload(pdf_bytes()).content_type == "application/pdf"


def test_pdf_with_javascript_is_refused_through_the_upload_page(citizen_client, settings):
    settings.VIRUS_SCANNER = "none"
    response = citizen_client.post(
        "/kho-du-lieu/tai-len/",
        {
            "file": SimpleUploadedFile("don.pdf", ACTIVE_PDFS["open_action_js"], "application/pdf"),
            "title": "Đơn",
        },
    )
    assert response.status_code == 400
    assert "JavaScript" in response.content.decode()
    assert not StoredDocument.objects.exists()
