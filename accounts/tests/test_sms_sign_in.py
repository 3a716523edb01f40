"""Đăng nhập bằng mã gửi qua SMS (ADR 0300): the account a helper's SMS mandate opened can be
signed in to; codes are single-use and short-lived; answers never say which accounts exist."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from accounts.constants import Role
from accounts.identity import mandate_consent, sms_sign_in
from accounts.models import User
from accounts.services import role_assign
from accounts.tests.factories import CitizenFactory
from common.exceptions import ApplicationError
from common.models import AuditEvent
from notifications.models import Notification

pytestmark = pytest.mark.django_db

ID_NUMBER = "072150001234"
PHONE = "0912345678"
E164 = "+84912345678"
START = reverse("identity:sms_sign_in")
CODE = reverse("identity:sms_sign_in_code")


def _code(event: str, phone: str = E164) -> str:
    row = Notification.objects.filter(event=event, address=phone).latest("pk")
    return re.search(r"\b(\d{6})\b", row.body).group(1)


@pytest.fixture
def principal() -> User:
    """An elderly citizen whose account the SMS mandate path opened, then confirmed."""
    helper = CitizenFactory(roles=[Role.CITIZEN, Role.COMMUNITY_HELPER])
    mandate = mandate_consent.mandate_request_by_sms(
        agent=helper, id_number=ID_NUMBER, full_name="Nguyễn Thị Lành", phone=PHONE
    )
    mandate_consent.mandate_confirm_by_code(
        mandate=mandate, agent=helper, code=_code("confirmation_code")
    )
    principal = User.objects.get(pk=mandate.principal_id)
    assert not principal.has_usable_password()
    return principal


def _start(client, id_number: str = ID_NUMBER, phone: str = PHONE):
    return client.post(START, {"id_number": id_number, "phone": phone})


def test_the_confirmed_code_verifies_the_phone_on_file(principal):
    assert principal.verified_phone == E164
    assert principal.phone_verified_at is not None


def test_the_principal_signs_in_with_a_code_sent_to_the_verified_phone(client, principal):
    response = _start(client)
    assert response.status_code == 302
    assert response["Location"] == CODE
    sms = Notification.objects.filter(event="sign_in_code").get()
    assert (sms.channel, sms.address) == ("sms", E164)
    assert "Không đưa mã này cho bất kỳ ai" in sms.body
    response = client.post(CODE, {"code": _code("sign_in_code")})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(principal.pk)
    assert AuditEvent.objects.filter(action="account.signed_in_by_sms_code").count() == 1


def test_a_code_signs_in_once(principal):
    reference = sms_sign_in.sms_sign_in_start(id_number=ID_NUMBER, phone=PHONE)
    code = _code("sign_in_code")
    user = sms_sign_in.sms_sign_in_finish(
        reference=reference, id_number=ID_NUMBER, phone=PHONE, code=code
    )
    assert user == principal
    with pytest.raises(ApplicationError, match="không đúng hoặc đã hết hạn"):
        sms_sign_in.sms_sign_in_finish(
            reference=reference, id_number=ID_NUMBER, phone=PHONE, code=code
        )


def test_a_code_expires_after_ten_minutes(principal):
    reference = sms_sign_in.sms_sign_in_start(id_number=ID_NUMBER, phone=PHONE)
    code = _code("sign_in_code")
    with (
        time_machine.travel(timezone.now() + dt.timedelta(minutes=11)),
        pytest.raises(ApplicationError, match="không đúng hoặc đã hết hạn"),
    ):
        sms_sign_in.sms_sign_in_finish(
            reference=reference, id_number=ID_NUMBER, phone=PHONE, code=code
        )


def test_answers_do_not_reveal_which_accounts_exist(client, principal):
    known = _start(client)
    known_page = client.get(CODE).content.decode()
    wrong_known = client.post(CODE, {"code": "000000"}).content.decode()
    other = client.__class__()
    unknown = _start(other, id_number="072150009999")
    unknown_page = other.get(CODE).content.decode()
    wrong_unknown = other.post(CODE, {"code": "000000"}).content.decode()
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])

    def _main(html: str) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.split("<main")[1])

    assert _main(known_page) == _main(unknown_page)
    assert _main(wrong_known) == _main(wrong_unknown)
    assert "Mã đăng nhập không đúng hoặc đã hết hạn." in wrong_unknown
    assert Notification.objects.filter(event="sign_in_code").count() == 1


@pytest.mark.parametrize("who", ["unverified", "national_identity", "staff"])
def test_accounts_the_sms_path_never_opens(who, principal):
    if who == "unverified":
        principal.verified_phone = ""
        principal.save()
    elif who == "national_identity":
        principal.profile.verified_at = timezone.now()
        principal.profile.save()
    else:
        role_assign(user=principal, role=Role.RECEPTION_OFFICER)
    sms_sign_in.sms_sign_in_start(id_number=ID_NUMBER, phone=PHONE)
    assert not Notification.objects.filter(event="sign_in_code").exists()


def test_sending_is_rate_limited_per_phone_with_the_same_answer_for_everyone(client, principal):
    for _attempt in range(3):
        assert _start(client).status_code == 302
    refused = _start(client)
    assert refused.status_code == 200
    assert "Đã gửi quá nhiều mã đăng nhập" in refused.content.decode()
    assert Notification.objects.filter(event="sign_in_code").count() == 3
    # A number with no account is limited the same way (the limit says nothing about accounts).
    other = {"id_number": "072150009999", "phone": "0987654321"}
    for _attempt in range(3):
        assert _start(client, **other).status_code == 302
    assert "Đã gửi quá nhiều mã đăng nhập" in _start(client, **other).content.decode()


def test_five_wrong_tries_end_the_attempt(client, principal):
    _start(client)
    for _try in range(5):
        client.post(CODE, {"code": "000000"})
    response = client.post(CODE, {"code": _code("sign_in_code")})
    assert "_auth_user_id" not in client.session
    assert "quá số lần" in response.content.decode()


def test_an_offsite_next_is_ignored(client, principal):
    client.post(START + "?next=https://evil.example/", {"id_number": ID_NUMBER, "phone": PHONE})
    response = client.post(CODE, {"code": _code("sign_in_code")})
    assert response["Location"] == reverse("portal:my_page")
