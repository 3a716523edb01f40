import re

from django.core import mail
from django.urls import reverse

import pytest

from accounts.tests.factories import DEFAULT_PASSWORD, CitizenFactory
from accounts.tests.helpers import link_in_last_email, post_login, session_user_id, verify_email
from common.models import AuditEvent

pytestmark = pytest.mark.django_db

TOO_MANY = "Đăng nhập sai quá nhiều lần"
# settings.ACCOUNT_RATE_LIMITS["login_failed"] is "20/m/ip,5/5m/key" by default.
PER_ACCOUNT_LIMIT = 5
PER_IP_LIMIT = 20


@pytest.fixture
def verified_citizen(db):
    user = CitizenFactory()
    verify_email(user)
    return user


def test_login_page_is_vietnamese_and_labelled(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "Đăng nhập</h1>" in html
    assert re.search(r'<label class="form-label" for="id_login">\s*E-mail', html)
    assert re.search(r'<label class="form-label" for="id_password">\s*Mật khẩu', html)
    assert 'href="/accounts/password/reset/"' in html
    assert "Forgot your password" not in html


def test_login_ok_is_audited(client, verified_citizen):
    response = post_login(client, verified_citizen.email)

    assert response.status_code == 302
    assert session_user_id(client) == str(verified_citizen.pk)
    assert AuditEvent.objects.filter(action="account.login", actor=verified_citizen).exists()


def test_wrong_password_is_refused_with_a_clear_message(client, verified_citizen):
    response = post_login(client, verified_citizen.email, "sai-mat-khau")
    html = response.content.decode()

    assert response.status_code == 200
    assert session_user_id(client) is None
    assert "E-mail hoặc mật khẩu không đúng." in html
    assert f'value="{verified_citizen.email}"' in html  # what was typed is kept
    assert AuditEvent.objects.filter(
        action="account.login_failed", data__email=verified_citizen.email
    ).exists()


def test_account_locks_after_repeated_failures_even_with_the_right_password(
    client, verified_citizen
):
    for _ in range(PER_ACCOUNT_LIMIT):
        response = post_login(client, verified_citizen.email, "sai-mat-khau")
        assert TOO_MANY not in response.content.decode()

    # From another address too: the lock is on the account, not the connection.
    response = post_login(client, verified_citizen.email, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert session_user_id(client) is None


def test_account_lock_does_not_affect_other_accounts(client, verified_citizen):
    other = CitizenFactory()
    verify_email(other)
    for _ in range(PER_ACCOUNT_LIMIT + 1):
        post_login(client, verified_citizen.email, "sai-mat-khau")

    response = post_login(client, other.email)

    assert response.status_code == 302
    assert session_user_id(client) == str(other.pk)


def test_ip_is_throttled_across_accounts_but_other_ips_are_not(client, verified_citizen):
    attacker_ip = "198.51.100.7"
    for n in range(PER_IP_LIMIT):
        post_login(client, f"doan{n}@example.vn", "sai-mat-khau", REMOTE_ADDR=attacker_ip)

    refused = post_login(client, verified_citizen.email, REMOTE_ADDR=attacker_ip)
    assert TOO_MANY in refused.content.decode()
    assert session_user_id(client) is None

    allowed = post_login(client, verified_citizen.email, REMOTE_ADDR="192.0.2.44")
    assert allowed.status_code == 302
    assert session_user_id(client) == str(verified_citizen.pk)


def test_successful_login_does_not_reset_the_failure_count(client, verified_citizen):
    """An attacker cannot interleave their own good logins to keep guessing (allauth rolls back
    only the successful attempt)."""
    for _ in range(PER_ACCOUNT_LIMIT - 1):
        post_login(client, verified_citizen.email, "sai-mat-khau")
    assert post_login(client, verified_citizen.email).status_code == 302
    client.logout()
    post_login(client, verified_citizen.email, "sai-mat-khau")

    response = post_login(client, verified_citizen.email)
    assert TOO_MANY in response.content.decode()


def test_logout(client, verified_citizen):
    post_login(client, verified_citizen.email)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert session_user_id(client) is None


def test_password_reset_by_email(client, verified_citizen):
    response = client.post(reverse("account_reset_password"), {"email": verified_citizen.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Đặt lại mật khẩu" in mail.outbox[0].subject
    assert mail.outbox[0].to == [verified_citizen.email]

    key_page = client.get(link_in_last_email(), follow=True)
    assert key_page.status_code == 200
    assert "Đặt mật khẩu mới" in key_page.content.decode()
    new_password = "Mat-khau-moi-2026!"
    done = client.post(
        key_page.redirect_chain[-1][0], {"password1": new_password, "password2": new_password}
    )
    assert done.status_code == 302

    assert post_login(client, verified_citizen.email, DEFAULT_PASSWORD).status_code == 200
    assert post_login(client, verified_citizen.email, new_password).status_code == 302


def test_password_reset_for_unknown_address_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "khongco@example.vn"})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert "không tồn tại" in mail.outbox[0].subject
