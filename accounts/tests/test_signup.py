from django.core import mail
from django.urls import reverse

import pytest
from allauth.account.models import EmailAddress

from accounts.constants import Role
from accounts.models import CitizenProfile, User
from accounts.selectors import user_has_role
from accounts.tests.helpers import link_in_last_email, post_login, session_user_id
from common.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "Tay-Ninh-2026!"


def signup(client, **overrides):
    data = {
        "full_name": "Nguyễn Thị Hoa",
        "email": "hoa@example.vn",
        "phone": "0912345678",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides
    return client.post(reverse("account_signup"), data)


def test_signup_page_is_vietnamese_with_labels(client):
    response = client.get(reverse("account_signup"))
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Họ và tên", "Số điện thoại", "Mật khẩu", "Nhập lại mật khẩu"):
        assert label in html
    assert '<label class="form-label" for="id_email">' in html
    assert "placeholder" not in html


def test_signup_sends_verification_and_blocks_login_until_verified(client):
    response = signup(client)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="hoa@example.vn")
    assert user.full_name == "Nguyễn Thị Hoa"
    assert user.phone == "0912345678"
    assert user_has_role(user=user, role=Role.CITIZEN)
    assert CitizenProfile.objects.get(user=user).full_name == "Nguyễn Thị Hoa"
    assert AuditEvent.objects.filter(action="account.register", actor=user).exists()
    assert session_user_id(client) is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hoa@example.vn"]
    assert "Xác nhận địa chỉ e-mail" in mail.outbox[0].subject
    assert "/accounts/confirm-email/" in mail.outbox[0].body

    # A fresh browser with the right password is still refused until the address is confirmed.
    client.logout()
    response = post_login(client, "hoa@example.vn", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert session_user_id(client) is None
    assert len(mail.outbox) == 1  # re-sending is throttled (ACCOUNT_RATE_LIMITS confirm_email)


def test_verification_link_confirms_and_logs_in(client):
    signup(client)
    link = link_in_last_email()

    page = client.get(link)
    assert page.status_code == 200
    assert "Xác nhận" in page.content.decode()
    response = client.post(link)

    user = User.objects.get(email="hoa@example.vn")
    assert EmailAddress.objects.get(user=user).verified
    assert response.status_code == 302
    assert session_user_id(client) == str(user.pk)
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_verified_citizen_logs_in_with_password(client):
    signup(client)
    client.post(link_in_last_email())
    client.logout()

    response = post_login(client, "HOA@example.vn", PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("portal:my_page")
    assert session_user_id(client) == str(User.objects.get(email="hoa@example.vn").pk)


def test_signup_errors_keep_typed_values_and_point_to_fields(client):
    response = signup(client, phone="12ab", password2="khac-hoan-toan")
    html = response.content.decode()

    assert response.status_code == 200
    assert not User.objects.filter(email="hoa@example.vn").exists()
    assert 'value="Nguyễn Thị Hoa"' in html
    assert 'value="hoa@example.vn"' in html
    assert 'value="12ab"' in html
    assert "Số điện thoại không hợp lệ" in html
    assert 'href="#id_phone"' in html  # the error summary links to the field
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_phone_helptext id_phone_error"' in html
    assert 'id="id_phone_error"' in html
    assert mail.outbox == []


def test_duplicate_email_does_not_reveal_the_account_but_warns_its_owner(client, citizen):
    response = signup(client, email=citizen.email)

    assert response.status_code == 302  # same answer as a new address: no account enumeration
    assert User.objects.filter(email=citizen.email).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [citizen.email]
    assert "Tài khoản đã tồn tại" in mail.outbox[0].subject
