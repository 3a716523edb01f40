"""The one fee computation (`procedures.selectors.procedure_fee_lines`), which payments' charges
and the submission fee step both call."""

import datetime as dt

import pytest

from procedures.models import ApplicantType, FeeRule, Procedure, ProcedureChannel, ProcedureField
from procedures.selectors import procedure_fee_lines, procedure_get

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 15)


@pytest.fixture
def procedure():
    field, _ = ProcedureField.objects.get_or_create(code="ho-tich", defaults={"name": "Hộ tịch"})
    procedure = Procedure.objects.create(code="1.000001", name="Đăng ký khai sinh", field=field)
    poor = ApplicantType.objects.create(code="ho-ngheo", name="Hộ nghèo")
    fee = FeeRule.objects.create(
        procedure=procedure,
        name="Lệ phí",
        amount_vnd=8_000,
        online_discount_percent=50,
        valid_from=dt.date(2026, 1, 1),
    )
    fee.exempt_applicant_types.add(poor)
    FeeRule.objects.create(
        procedure=procedure, name="Phí cũ", amount_vnd=99_000, valid_to=dt.date(2025, 12, 31)
    )
    FeeRule.objects.create(
        procedure=procedure, name="Phí gửi bưu điện", amount_vnd=20_000, channel="postal"
    )
    return procedure_get(code=procedure.code)


def _lines(procedure, channel, applicant="", day=DAY):
    return procedure_fee_lines(
        procedure=procedure, channel=channel, applicant_type_code=applicant, day=day
    )


def test_online_discount_applies_on_the_online_channel_only(procedure):
    (online,) = _lines(procedure, "online")
    assert (online.name, online.amount_vnd, online.full_amount_vnd) == ("Lệ phí", 4_000, 8_000)
    assert online.discount_percent == 50
    (counter,) = _lines(procedure, "in_person")
    assert (counter.amount_vnd, counter.discount_percent) == (8_000, 0)


def test_channel_specific_rules_add_to_the_general_ones(procedure):
    assert sorted(line.amount_vnd for line in _lines(procedure, "postal")) == [8_000, 20_000]


def test_exempt_applicant_type_pays_nothing(procedure):
    (line,) = _lines(procedure, "online", applicant="ho-ngheo")
    assert (line.exempt, line.amount_vnd, line.full_amount_vnd) == (True, 0, 8_000)
    (other,) = _lines(procedure, "online", applicant="nguoi-co-cong")
    assert (other.exempt, other.amount_vnd) == (False, 4_000)


def test_only_rules_in_force_on_the_day(procedure):
    before = _lines(procedure, "in_person", day=dt.date(2025, 6, 1))
    assert [(line.name, line.amount_vnd) for line in before] == [("Phí cũ", 99_000)]
    assert [line.name for line in _lines(procedure, "in_person")] == ["Lệ phí"]


def test_published_channel_fee_without_local_rules():
    field, _ = ProcedureField.objects.get_or_create(code="ho-tich", defaults={"name": "Hộ tịch"})
    bare = Procedure.objects.create(code="1.000009", name="Cấp bản sao", field=field)
    ProcedureChannel.objects.create(procedure=bare, channel="online", fee_vnd=5_000)
    ProcedureChannel.objects.create(procedure=bare, channel="in_person", is_free=True)
    bare = procedure_get(code=bare.code)
    assert [line.amount_vnd for line in _lines(bare, "online")] == [5_000]
    assert _lines(bare, "in_person") == []


def test_procedure_page_renders_registered_panels_in_order(client, procedure):
    from django.urls import reverse

    from procedures.hooks import procedure_panels

    procedure_panels.register("test_late", order=990)(
        lambda *, request, procedure: f"<p>late {procedure.code}</p>"
    )
    procedure_panels.register("test_early", order=980)(lambda *, request, procedure: "<p>early</p>")
    procedure_panels.register("test_empty", order=970)(lambda *, request, procedure: None)
    try:
        page = client.get(reverse("procedures:detail", args=[procedure.code])).content.decode()
    finally:
        for key in ("test_late", "test_early", "test_empty"):
            procedure_panels.unregister(key)
    assert page.index("<p>early</p>") < page.index(f"<p>late {procedure.code}</p>")
