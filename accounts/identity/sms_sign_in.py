"""Đăng nhập bằng mã gửi qua SMS (ADR 0300).

A citizen whose account the portal opened for them (a helper asked them for a mandate and they
confirmed with an SMS code) has no password and no national identity yet; they sign in with
their ID number, their phone and a one-time code sent to that phone. Only a phone that a code
has already proved the person holds (`User.verified_phone`) receives one, and only for a
citizen account that the national identity has not vouched for (that one signs in with VNeID)
and that no staff member holds (staff sign in with a password and a second factor).

Every answer is the same whether an account matched or not: the start always "sends", a code
for no account is simply wrong. Codes are the project's one mechanism through
`accounts.identity.hooks.sign_in_phone_codes` (6 digits, only a keyed hash stored, 10 minutes,
5 tries, single-use); sending is limited per phone, per ID number and per address.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.identity.constants import (
    SIGN_IN_CODE_PER_ADDRESS_PER_HOUR,
    SIGN_IN_CODE_PER_ID_PER_HOUR,
    SIGN_IN_CODE_PER_PHONE_PER_HOUR,
)
from accounts.identity.hooks import phone_codes, sign_in_phone_codes
from accounts.models import User
from accounts.selectors import user_is_staff_member
from common.audit import audit_record, client_ip
from common.exceptions import ApplicationError
from common.ratelimit import rate_limit_hit


class SignInCodeError(ApplicationError):
    pass


def phone_key(phone: str) -> str:
    """A Vietnamese number as E.164 (`0912 345 678` → `+84912345678`); "" when not one."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("84") and len(digits) >= 11:
        return f"+{digits}"
    if digits.startswith("0") and len(digits) in (10, 11):
        return f"+84{digits[1:]}"
    return ""


def phone_verified_record(*, user: User, phone: str) -> None:
    """A code sent to `phone` was read back: the person holds it. Recorded only for the phone
    on the account (the code may have gone to a number a helper typed, ADR 0286)."""
    key = phone_key(phone)
    on_file = {
        phone_key(user.phone),
        phone_key(getattr(getattr(user, "profile", None), "phone", "")),
    }
    if not key or key not in on_file:
        return
    user.verified_phone = key
    user.phone_verified_at = timezone.now()
    user.save(update_fields=["verified_phone", "phone_verified_at"])


def sms_sign_in_account(*, id_number: str, phone: str) -> User | None:
    """The account these two answers open by SMS code, or None (the caller never says which)."""
    key = phone_key(phone)
    if not key or not id_number:
        return None
    user = (
        User.objects.select_related("profile")
        .filter(
            is_active=True,
            verified_phone=key,
            profile__id_number=id_number,
            profile__verified_at__isnull=True,
        )
        .first()
    )
    if user is None or user_is_staff_member(user=user):
        return None
    return user


def _limit(key: str, limit: int) -> None:
    if rate_limit_hit(f"sms-sign-in:{key}", limit=limit, window=3600):
        raise SignInCodeError(
            _("Đã gửi quá nhiều mã đăng nhập. Vui lòng thử lại sau."), code="rate_limited"
        )


@transaction.atomic
def sms_sign_in_start(*, id_number: str, phone: str, request: HttpRequest | None = None) -> str:
    """Sends a sign-in code when the answers match an account; returns the attempt's reference
    either way (the caller keeps it in the session and says the same thing in both cases)."""
    _limit(f"ip:{client_ip(request) or '-'}", SIGN_IN_CODE_PER_ADDRESS_PER_HOUR)
    _limit(f"phone:{phone_key(phone) or phone}", SIGN_IN_CODE_PER_PHONE_PER_HOUR)
    _limit(f"id:{id_number}", SIGN_IN_CODE_PER_ID_PER_HOUR)
    reference = secrets.token_urlsafe(24)
    user = sms_sign_in_account(id_number=id_number, phone=phone)
    if user is not None:
        phone_codes(sign_in_phone_codes).send(
            phone=user.verified_phone, reference=reference, label=""
        )
        audit_record(
            action="account.sign_in_code_sent", actor=None, obj=user, data={}, request=request
        )
    return reference


def sms_sign_in_finish(
    *, reference: str, id_number: str, phone: str, code: str, request: HttpRequest | None = None
) -> User:
    """The account, when the code is the live one sent for this attempt; else one generic
    refusal. The code check commits its counted try before the refusal (outside a transaction)."""
    user = sms_sign_in_account(id_number=id_number, phone=phone)
    refused = SignInCodeError(
        _("Mã đăng nhập không đúng hoặc đã hết hạn."), code="wrong_or_expired"
    )
    if user is None:
        raise refused
    try:
        phone_codes(sign_in_phone_codes).confirm(reference=reference, code=code)
    except ApplicationError:
        raise refused from None
    audit_record(
        action="account.signed_in_by_sms_code",
        actor=user,
        obj=user,
        data={"phone": user.verified_phone},
        request=request,
    )
    return user
