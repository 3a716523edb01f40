"""Fees on the catalogue pages and in payment messages, in the reader's language
(`common.money`)."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from procedures.models import FeeRule, Procedure


@pytest.mark.usefixtures("sample_catalogue")
@pytest.mark.django_db
def test_procedure_page_shows_fees_in_the_readers_language(client):
    procedure = Procedure.objects.get(code="1.004222")
    FeeRule.objects.create(procedure=procedure, name="Lệ phí cư trú", amount_vnd=20_000)
    assertContains(client.get("/thu-tuc/1.004222/"), "20.000 đồng")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/thu-tuc/1.004222/")
    assertContains(response, "20,000 VND")
    assertNotContains(response, "20.000 đồng")


@pytest.mark.django_db
@pytest.mark.parametrize("channel", ["email", "sms", "zalo", "inbox"])
def test_payment_due_messages_format_the_amount_per_language(channel):
    from notifications.rendering import render_message

    context = {
        "dossier_code": "000.00.80.H52-260315-0007",
        "citizen_name": "Nguyễn Văn An",
        "procedure_name": "Đăng ký thường trú",
        "amount": 50_000,
        "payment_url": "https://example.vn/p",
    }
    vi = render_message(event="payment_due", channel=channel, language="vi", context=context)
    en = render_message(event="payment_due", channel=channel, language="en", context=context)
    assert "50.000 đồng" in vi.body
    assert "50,000 VND" in en.body
    # payments formats the amount itself today ("50.000 ₫"): read again per language
    en = render_message(
        event="payment_due",
        channel=channel,
        language="en",
        context={**context, "amount": "50.000 ₫"},
    )
    assert "50,000 VND" in en.body
