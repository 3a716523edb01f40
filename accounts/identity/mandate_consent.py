"""The helper asks, the citizen confirms with a one-time SMS code (ADR 0286).

At a commune office the citizen is often someone without an account. The helper types the
citizen's ID number, name and phone; the portal finds the person by ID number (or opens a
counter-style account for them, as the one-stop counter does), sends a 6-digit code to the
phone on file — the typed one only when the person has no phone on file — and the citizen reads
it out. The code is the project's one mechanism (`notifications.phone_codes`, through
`accounts.identity.hooks.mandate_phone_codes`): only its keyed hash is stored, it expires after
10 minutes and allows 5 tries; a confirmed mandate is no longer pending, so a code works once.
Sending is also limited per helper and per phone here.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import NO_MAILBOX_DOMAIN
from accounts.identity.constants import (
    MANDATE_CODE_PER_AGENT_PER_HOUR,
    MANDATE_CODE_PER_PHONE_PER_HOUR,
    ConsentMethod,
    MandateStatus,
)
from accounts.identity.hooks import phone_codes
from accounts.identity.mandates import _audit, mandate_request
from accounts.identity.sms_sign_in import phone_verified_record
from accounts.models import CitizenProfile, Mandate, User
from common.exceptions import ApplicationError
from common.ratelimit import rate_limit_hit


class ConsentCodeError(ApplicationError):
    pass


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def _limit(key: str, limit: int) -> None:
    if rate_limit_hit(key, limit=limit, window=3600):
        raise ConsentCodeError(
            _("Đã gửi quá nhiều mã xác nhận. Vui lòng thử lại sau ít phút."), code="rate_limited"
        )


def principal_for_code(*, id_number: str, full_name: str, phone: str) -> tuple[User, str]:
    """The person by ID number (an account is opened for someone without one, as at the
    counter) and the phone the code goes to: the one on file when there is one."""
    profile = CitizenProfile.objects.select_related("user").filter(id_number=id_number).first()
    if profile is not None:
        on_file = profile.phone or profile.user.phone
        return profile.user, on_file or phone
    email = f"cccd-{id_number}@{NO_MAILBOX_DOMAIN}"
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, full_name=full_name.strip(), phone=phone.strip())
        user.set_unusable_password()
        user.save()
    CitizenProfile.objects.update_or_create(
        user=user, defaults={"full_name": full_name.strip(), "id_number": id_number, "phone": phone}
    )
    return user, phone


def _send(mandate: Mandate, phone: str) -> None:
    mandate.consent_phone = phone
    mandate.save(update_fields=["consent_phone", "updated_at"])
    label = _("ủy quyền cho %(agent)s nộp hồ sơ thay bạn") % {
        "agent": mandate.agent.get_full_name()
    }
    phone_codes().send(
        phone=phone,
        reference=str(mandate.uuid),
        label=label,
        asker_name=mandate.agent.get_full_name(),
    )


@transaction.atomic
def mandate_request_by_sms(
    *,
    agent: User,
    id_number: str,
    full_name: str,
    phone: str,
    procedure_codes: list[str] | None = None,
    field_codes: list[str] | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Mandate:
    """The helper asks for a mandate; the citizen gets a code by SMS to confirm it."""
    _limit(f"mandate-code:agent:{agent.pk}", MANDATE_CODE_PER_AGENT_PER_HOUR)
    principal, to = principal_for_code(id_number=id_number, full_name=full_name, phone=phone)
    _limit(f"mandate-code:phone:{_digits(to)}", MANDATE_CODE_PER_PHONE_PER_HOUR)
    mandate = mandate_request(
        agent=agent,
        principal=principal,
        procedure_codes=procedure_codes,
        field_codes=field_codes,
        valid_from=valid_from,
        valid_to=valid_to,
        consent_method=ConsentMethod.SMS_CODE,
        request=request,
    )
    _send(mandate, to)
    return mandate


@transaction.atomic
def mandate_code_resend(*, mandate: Mandate, agent: User) -> None:
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if mandate.agent_id != agent.pk or mandate.consent_method != ConsentMethod.SMS_CODE:
        raise PermissionDenied
    if mandate.status != MandateStatus.PENDING_CONSENT:
        raise ConsentCodeError(_("Ủy quyền này không còn chờ xác nhận."), code="not_pending")
    _limit(f"mandate-code:agent:{agent.pk}", MANDATE_CODE_PER_AGENT_PER_HOUR)
    _limit(f"mandate-code:phone:{_digits(mandate.consent_phone)}", MANDATE_CODE_PER_PHONE_PER_HOUR)
    _send(mandate, mandate.consent_phone)


def _pending_sms_mandate(mandate: Mandate, agent: User) -> None:
    if mandate.agent_id != agent.pk or mandate.consent_method != ConsentMethod.SMS_CODE:
        raise PermissionDenied
    if mandate.status != MandateStatus.PENDING_CONSENT:
        raise ConsentCodeError(_("Ủy quyền này không còn chờ xác nhận."), code="not_pending")


def mandate_confirm_by_code(
    *, mandate: Mandate, agent: User, code: str, request: HttpRequest | None = None
) -> Mandate:
    """The code the citizen read out puts the mandate in force. The code check runs first, in
    its own transaction, so a wrong try stays counted; then the mandate, locked, must still be
    pending (a second use of the same code finds it active and is refused)."""
    _pending_sms_mandate(mandate, agent)
    phone_codes().confirm(reference=str(mandate.uuid), code=code)
    with transaction.atomic():
        locked = Mandate.objects.select_for_update().get(pk=mandate.pk)
        _pending_sms_mandate(locked, agent)
        locked.status = MandateStatus.ACTIVE
        locked.consented_at = timezone.now()
        locked.save(update_fields=["status", "consented_at", "updated_at"])
        # The principal read back a code sent to this phone: it may now sign them in (ADR 0300).
        phone_verified_record(user=locked.principal, phone=locked.consent_phone)
        _audit("mandate.confirmed", locked, agent, request)
    return locked
