from django.urls import reverse

import pytest

from accounts.tests.factories import UserFactory, login_with_mfa
from notifications.constants import Event
from notifications.models import MessageTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    login_with_mfa(client, admin)
    return client


def test_admin_refuses_an_unknown_placeholder_and_previews_a_good_template(admin_client):
    url = reverse("admin:notifications_messagetemplate_add")
    data = {"event": Event.PAYMENT_DUE, "channel": "sms", "language": "vi", "is_active": "on"}
    bad = admin_client.post(url, {**data, "body": "Nộp {{ so_tien }} cho hồ sơ {{ dossier_code }}"})
    assert bad.status_code == 200
    assert "so_tien" in bad.content.decode()
    assert not MessageTemplate.objects.exists()

    good = admin_client.post(url, {**data, "body": "Hồ sơ {{ dossier_code }}: nộp {{ amount }}"})
    assert good.status_code == 302
    template = MessageTemplate.objects.get()
    page = admin_client.get(
        reverse("admin:notifications_messagetemplate_change", args=[template.pk])
    )
    html = page.content.decode()
    assert "Hồ sơ 000.00.80.H52-260315-0007: nộp 50.000 đồng" in html
    assert "1 (UCS-2)" in html
    assert "{{ payment_url }}" in html  # the allowed placeholders are listed
