"""Payments' charges and the submission fee step read one computation (procedures'), so an
exemption the charge honours is honoured on the fee step too."""

import datetime as dt

import pytest

from dossiers.services import procedure_online_fees
from dossiers.tests.factories import make_cast, make_draft
from payments.selectors import fee_lines_for
from procedures.models import ApplicantType, FeeRule, Procedure, ProcedureField
from procedures.selectors import procedure_get

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 15)


def test_submission_and_payments_agree_on_exemption_and_discount():
    field, _ = ProcedureField.objects.get_or_create(code="cu-tru", defaults={"name": "Cư trú"})
    procedure = Procedure.objects.create(code="1.001234", name="Đăng ký thường trú", field=field)
    rule = FeeRule.objects.create(
        procedure=procedure, name="Lệ phí", amount_vnd=20_000, online_discount_percent=50
    )
    rule.exempt_applicant_types.add(ApplicantType.objects.create(code="ho-ngheo", name="Hộ nghèo"))
    procedure = procedure_get(code=procedure.code)
    draft = make_draft(make_cast(), procedure_code=procedure.code)

    paying = procedure_online_fees(procedure, dossier=draft, day=DAY)
    assert [line.amount_vnd for line in paying] == [10_000]
    assert paying == fee_lines_for(procedure_code=procedure.code, channel="online", day=DAY)

    draft.applicant_data = {**(draft.applicant_data or {}), "applicant_type_code": "ho-ngheo"}
    exempt = procedure_online_fees(procedure, dossier=draft, day=DAY)
    assert [(line.amount_vnd, line.exempt) for line in exempt] == [(0, True)]
    assert exempt == fee_lines_for(
        procedure_code=procedure.code,
        channel="online",
        applicant_type_code="ho-ngheo",
        day=DAY,
    )
