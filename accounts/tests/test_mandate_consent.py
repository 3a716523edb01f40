"""The helper asks, the citizen confirms: in the portal, or by reading out an SMS code (ADR 0286)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied
from django.utils import timezone

import pytest
import time_machine

from accounts.constants import Role
from accounts.identity import mandate_consent, mandates
from accounts.identity.constants import ConsentMethod, MandateStatus
from accounts.models import CitizenProfile, Mandate, User
from accounts.tests.factories import CitizenFactory
from common.exceptions import ApplicationError
from notifications.models import Notification, PhoneCode

pytestmark = pytest.mark.django_db

ID_NUMBER = "072150001234"


@pytest.fixture
def helper():
    return CitizenFactory(full_name="Võ Văn Hỗ Trợ", roles=[Role.CITIZEN, Role.COMMUNITY_HELPER])


def _ask(helper, *, phone="0912345678", id_number=ID_NUMBER, **terms) -> Mandate:
    return mandate_consent.mandate_request_by_sms(
        agent=helper, id_number=id_number, full_name="Nguyễn Thị Lành", phone=phone, **terms
    )


def _sent_code(phone="+84912345678") -> str:
    row = Notification.objects.filter(event="confirmation_code", address=phone).latest("pk")
    return re.search(r"\b(\d{6})\b", row.body).group(1)


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_a_citizen_without_an_account_confirms_with_the_code(helper):
    mandate = _ask(helper)
    principal = mandate.principal
    assert principal.profile.id_number == ID_NUMBER
    assert not principal.has_usable_password()
    assert (mandate.status, mandate.consent_method) == (
        MandateStatus.PENDING_CONSENT,
        ConsentMethod.SMS_CODE,
    )
    row = Notification.objects.get(event="confirmation_code")
    assert (row.channel, row.address, row.recipient) == ("sms", "+84912345678", None)
    assert "Võ Văn Hỗ Trợ" in row.body
    with pytest.raises(mandates.MandateRequired):
        mandates.mandate_require(agent=helper, principal=principal)

    confirmed = mandate_consent.mandate_confirm_by_code(
        mandate=mandate, agent=helper, code=_sent_code()
    )
    assert confirmed.status == MandateStatus.ACTIVE
    assert mandates.mandate_require(agent=helper, principal=principal) == mandate


def test_the_code_is_stored_hashed_and_works_once(helper):
    mandate = _ask(helper)
    code = _sent_code()
    stored = PhoneCode.objects.get(purpose="mandate_consent", reference=str(mandate.uuid))
    assert code not in stored.code_hash
    assert len(stored.code_hash) == 64
    mandate_consent.mandate_confirm_by_code(mandate=mandate, agent=helper, code=code)
    stored.refresh_from_db()
    assert stored.confirmed_at is not None
    with pytest.raises(ApplicationError, match="không còn chờ"):
        mandate_consent.mandate_confirm_by_code(mandate=mandate, agent=helper, code=code)


def test_wrong_tries_are_counted_and_limited(helper):
    mandate = _ask(helper)
    code = _sent_code()
    for _ in range(5):
        with pytest.raises(ApplicationError, match="không đúng"):
            mandate_consent.mandate_confirm_by_code(
                mandate=mandate, agent=helper, code=_wrong(code)
            )
    with pytest.raises(ApplicationError, match="quá số lần"):
        mandate_consent.mandate_confirm_by_code(mandate=mandate, agent=helper, code=code)
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.PENDING_CONSENT


def test_the_code_expires(helper):
    mandate = _ask(helper)
    code = _sent_code()
    later = timezone.now() + dt.timedelta(minutes=11)
    with time_machine.travel(later), pytest.raises(ApplicationError, match="hết hạn"):
        mandate_consent.mandate_confirm_by_code(mandate=mandate, agent=helper, code=code)


def test_only_the_helper_who_asked_may_type_the_code(helper):
    mandate = _ask(helper)
    with pytest.raises(PermissionDenied):
        mandate_consent.mandate_confirm_by_code(
            mandate=mandate, agent=CitizenFactory(), code=_sent_code()
        )


def test_a_resend_voids_the_earlier_code(helper):
    mandate = _ask(helper)
    first = _sent_code()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
        mandate_consent.mandate_code_resend(mandate=mandate, agent=helper)
    second = _sent_code()
    if first != second:
        with pytest.raises(ApplicationError):
            mandate_consent.mandate_confirm_by_code(mandate=mandate, agent=helper, code=first)
    mandate_consent.mandate_confirm_by_code(mandate=mandate, agent=helper, code=second)


def test_sending_is_limited_per_phone_and_per_helper(helper):
    for n in range(3):
        _ask(helper, id_number=f"07215000{n:04d}")
    with pytest.raises(ApplicationError) as limited:
        _ask(helper, id_number="072150009999")
    assert limited.value.code == "rate_limited"
    other_helper = CitizenFactory(roles=[Role.COMMUNITY_HELPER])
    for n in range(5):
        _ask(other_helper, phone=f"09123450{n:02d}", id_number=f"07216000{n:04d}")
    with pytest.raises(ApplicationError) as limited:
        _ask(other_helper, phone="0912345099", id_number="072160009999")
    assert limited.value.code == "rate_limited"


def test_the_code_goes_to_the_phone_on_file_not_the_one_typed(helper):
    citizen = CitizenFactory(full_name="Trần Văn Có Tài Khoản")
    CitizenProfile.objects.update_or_create(
        user=citizen, defaults={"id_number": "072150005555", "phone": "0987654321"}
    )
    mandate = _ask(helper, id_number="072150005555", phone="0911111111")
    assert mandate.principal == citizen
    assert mandate.consent_phone == "0987654321"
    assert Notification.objects.filter(address="+84987654321").exists()
    assert not Notification.objects.filter(address="+84911111111").exists()
    assert User.objects.filter(profile__id_number="072150005555").count() == 1


def test_the_citizen_confirms_a_request_in_their_account(client, helper):
    citizen = CitizenFactory(full_name="Lê Thị Có Mạng")
    client.force_login(helper)
    response = client.post(
        "/dinh-danh/uy-quyen/xin/",
        {"how": "account", "account-principal_email": citizen.email, "account-scope": "all"},
    )
    assert response.status_code == 302
    mandate = Mandate.objects.get(agent=helper, principal=citizen)
    assert mandate.status == MandateStatus.PENDING_CONSENT
    client.force_login(citizen)
    page = client.get("/dinh-danh/uy-quyen/").content.decode()
    assert "Võ Văn Hỗ Trợ" in page
    assert "Đồng ý" in page
    client.post(f"/dinh-danh/uy-quyen/{mandate.uuid}/xac-nhan/", {"decision": "accept"})
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.ACTIVE


def test_the_sms_pages_ask_then_take_the_code(client, helper):
    client.force_login(helper)
    response = client.post(
        "/dinh-danh/uy-quyen/xin/",
        {
            "how": "sms",
            "sms-full_name": "Nguyễn Thị Lành",
            "sms-id_number": ID_NUMBER,
            "sms-phone": "0912 345 678",
            "sms-scope": "all",
        },
    )
    mandate = Mandate.objects.get(agent=helper)
    assert response["Location"] == f"/dinh-danh/uy-quyen/{mandate.uuid}/ma-xac-nhan/"
    wrong = client.post(response["Location"], {"code": _wrong(_sent_code())})
    assert "Mã xác nhận không đúng." in wrong.content.decode()
    done = client.post(response["Location"], {"code": _sent_code()})
    assert done.status_code == 302
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.ACTIVE


def test_a_half_filled_sms_request_keeps_what_was_typed(client, helper):
    client.force_login(helper)
    response = client.post(
        "/dinh-danh/uy-quyen/xin/",
        {
            "how": "sms",
            "sms-full_name": "Nguyễn Thị Lành",
            "sms-id_number": "123",
            "sms-scope": "all",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Nguyễn Thị Lành"' in body
    assert not Mandate.objects.exists()
