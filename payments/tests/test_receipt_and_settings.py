"""The signed e-receipt (checked with poppler's pdfsig), the daily XLSX report, QĐ 766 flags,
fees with exemptions and dates, and the boot-time refusal of the simulator in production."""

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

from django.utils import timezone

import pytest

from accounts.constants import Role
from payments import selectors, services
from payments.tests.helpers import dossier_with_charge

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_receipt_is_signed_by_the_agency_and_served_to_its_citizen(client, dev_signing, pdfsig):
    from documents.models import StoredDocument
    from documents.signers.base import agency_key_label

    cast, dossier, _charge = dossier_with_charge(amount=10_000)
    dev_signing.issue(
        path=dev_signing.folder / f"{agency_key_label(cast.receiving)}.p12",
        common_name=cast.receiving.name,
        organisation=cast.receiving.name,
    )
    payment = services.payment_record_counter(
        dossier=dossier,
        by=cast.staff[Role.RECEPTION_OFFICER],
        method="card",
        receipt_number="BL-0042",
    )
    document_uuid = services.payment_receipt_issue(payment=payment)
    assert services.payment_receipt_issue(payment=payment) == document_uuid  # idempotent
    document = StoredDocument.objects.get(uuid=document_uuid)
    assert document.owner_user == cast.citizen
    assert document.dossier_reference == dossier.code
    pdf = document.file.open("rb").read()
    report = pdfsig(pdf)
    assert "Signature is Valid" in report, report
    assert "Certificate is Trusted" in report, report

    client.force_login(cast.citizen)
    response = client.get(f"/thanh-toan/giao-dich/{payment.uuid}/bien-lai.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf


@pytest.mark.django_db
def test_unpaid_payment_has_no_receipt():
    from common.exceptions import ApplicationError

    cast, dossier, _charge = dossier_with_charge()
    payment, _url = services.payment_start(dossier=dossier, by=cast.citizen, client_ip=None)
    with pytest.raises(ApplicationError):
        services.payment_receipt_issue(payment=payment)


@pytest.mark.django_db
def test_daily_report_sums_by_channel(client):
    from openpyxl import load_workbook

    from accounts.tests.factories import login_with_mfa
    from payments.reports import daily_report_xlsx

    cast, dossier, _charge = dossier_with_charge(amount=10_000)
    officer = cast.staff[Role.RECEPTION_OFFICER]
    services.payment_record_counter(dossier=dossier, by=officer, method="cash", receipt_number="1")
    _c, other, _ch = dossier_with_charge(amount=25_000, cast=cast)
    services.payment_record_counter(dossier=other, by=officer, method="card", receipt_number="2")
    today = timezone.localdate()
    sheet = load_workbook(
        io.BytesIO(daily_report_xlsx(agency_id=cast.receiving.pk, day=today))
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][3:5] == (2, 35_000)
    assert rows[-1][4] == 35_000
    login_with_mfa(client, officer)
    response = client.get(
        "/thanh-toan/can-bo/bao-cao-doi-soat/",
        {"agency": str(cast.receiving.uuid), "day": today.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_fee_lines_apply_discount_exemption_and_dates():
    from procedures.models import ApplicantType, FeeRule, Procedure, ProcedureField

    field, _ = ProcedureField.objects.get_or_create(code="ho-tich", defaults={"name": "Hộ tịch"})
    procedure = Procedure.objects.create(code="1.000001", name="Cấp bản sao", field=field)
    poor = ApplicantType.objects.create(code="ho-ngheo", name="Hộ nghèo")
    rule = FeeRule.objects.create(
        procedure=procedure,
        name="Lệ phí",
        amount_vnd=8_000,
        online_discount_percent=50,
        valid_from=dt.date(2026, 1, 1),
    )
    rule.exempt_applicant_types.add(poor)
    FeeRule.objects.create(
        procedure=procedure, name="Phí cũ", amount_vnd=99_000, valid_to=dt.date(2025, 12, 31)
    )
    day = dt.date(2026, 3, 15)

    def total(channel, applicant=""):
        lines = selectors.fee_lines_for(
            procedure_code="1.000001", channel=channel, applicant_type_code=applicant, day=day
        )
        return sum(line.amount_vnd for line in lines)

    assert total("online") == 4_000
    assert total("in_person") == 8_000
    assert total("online", "ho-ngheo") == 0


@pytest.mark.django_db
def test_indicator_35_needs_an_online_fee_and_a_gateway(settings):
    from procedures.models import FeeRule, Procedure, ProcedureField

    field, _ = ProcedureField.objects.get_or_create(code="ho-tich", defaults={"name": "Hộ tịch"})
    paid = Procedure.objects.create(code="1.000002", name="Có phí", field=field)
    FeeRule.objects.create(procedure=paid, name="Lệ phí", amount_vnd=8_000)
    Procedure.objects.create(code="1.000003", name="Miễn phí", field=field)
    assert selectors.procedure_has_online_payment(procedure_code="1.000002")
    assert not selectors.procedure_has_online_payment(procedure_code="1.000003")
    settings.PAYMENT_SIMULATOR_ENABLED = False
    assert not selectors.procedure_has_online_payment(procedure_code="1.000002")


@pytest.mark.django_db
def test_indicator_36_flags_a_dossier_paid_online_only(settings):
    from payments.models import Payment

    cast, dossier, _charge = dossier_with_charge()
    payment, _url = services.payment_start(dossier=dossier, by=cast.citizen, client_ip=None)
    assert selectors.dossier_paid_online(dossier=dossier) == 0
    Payment.objects.filter(pk=payment.pk).update(status="paid")
    assert selectors.dossier_paid_online(dossier=dossier) == settings.PAYMENT_ONLINE_KIND == 2


def _boot(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PAYMENT_")}
    clean.update({"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_DEBUG": "false", **env})
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


REAL = {
    "PAYMENT_VNPAY_ENABLED": "true",
    "PAYMENT_VNPAY_TMN_CODE": "ABCD1234",
    "PAYMENT_VNPAY_HASH_SECRET": "s3cret",
    "PAYMENT_VNPAY_PAY_URL": "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
    "PAYMENT_VNPAY_API_URL": "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction",
    "PAYMENT_VNPAY_RETURN_URL": "https://dichvucong.example.vn/thanh-toan/vnpay/ket-qua/",
}


def test_production_refuses_the_simulator_next_to_the_real_gateway():
    refused = _boot(**REAL, PAYMENT_SIMULATOR_ENABLED="true")
    assert refused.returncode != 0
    assert "PAYMENT_SIMULATOR_ENABLED must be off" in refused.stderr
    assert _boot(**REAL).returncode == 0, _boot(**REAL).stderr[-2000:]


def test_real_gateway_without_its_secret_fails_at_boot():
    missing = {k: v for k, v in REAL.items() if k != "PAYMENT_VNPAY_HASH_SECRET"}
    result = _boot(**missing)
    assert result.returncode != 0
    assert "PAYMENT_VNPAY_HASH_SECRET" in result.stderr
