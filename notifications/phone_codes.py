"""One-time codes by SMS that a person reads back to confirm one thing.

`phone_code_send(phone=, purpose=, reference=, label=)` writes a `PhoneCode` (only the code's
keyed hash) and the SMS as an outbox row in the caller's transaction, so it is sent after commit
with the outbox's retries, and nothing is sent on rollback (ADR 0180). The SMS event is sensitive:
the body is blanked once the row is final and never shown to staff (ADR 0081).
`phone_code_confirm(purpose=, reference=, code=)` checks the newest live code for that purpose
and reference; a wrong try is counted and committed before the refusal.
`phone_code_confirmed(purpose=, reference=)` is the confirmation, if it is still fresh.

Purposes in use: `counter_assisted` (the citizen agrees to an online dossier filed for them at
the counter, dossiers.services.counter); `mandate_consent` (the citizen agrees to a mandate a
helper asked for, accounts.identity.mandate_consent through its hook, `MandateConsentCodes`);
`sign_in` (a person signs in with a code sent to the phone a code proved they hold,
accounts.identity.sms_sign_in through its hook, `SignInCodes`, single-use — ADR 0300).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from notifications.constants import Event
from notifications.models import PhoneCode
from notifications.services import notify_phone

# Whom the person reads a confirmation code to; the SMS says so (a code, not a translated word,
# so the text is in the reader's language: the template chooses the words).
ASKER_OFFICER = "officer"
ASKER_HELPER = "helper"
CODE_MINUTES = 10  # how long a code may be typed in
MAX_ATTEMPTS = 5  # wrong tries before a new code is needed
CONFIRMATION_FRESH_MINUTES = 30  # how long a confirmation counts
RESEND_SECONDS = 30  # one code per purpose and reference in this time


class PhoneCodeError(ApplicationError):
    pass


def _hash(*, purpose: str, reference: str, code: str) -> str:
    message = f"{purpose}:{reference}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


@transaction.atomic
def phone_code_send(
    *,
    phone: str,
    purpose: str,
    reference: str,
    label: str,
    event: str = Event.CONFIRMATION_CODE,
    asker: str = ASKER_OFFICER,
    asker_name: str = "",
) -> PhoneCode:
    """Send a fresh 6-digit code to `phone` for (`purpose`, `reference`); `label` says in the SMS
    what the code confirms (the sign-in code's `event` has no such line), `asker` to whom the
    person reads it: the officer at the counter, or the helper `asker_name` who asked for a
    mandate. Earlier codes for the same thing stop counting."""
    now = timezone.now()
    recent = PhoneCode.objects.filter(
        purpose=purpose,
        reference=reference,
        created_at__gt=now - dt.timedelta(seconds=RESEND_SECONDS),
    )
    if recent.exists():
        raise PhoneCodeError(
            _("Mã vừa được gửi; chờ %(seconds)s giây rồi gửi lại.") % {"seconds": RESEND_SECONDS},
            code="too_soon",
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    PhoneCode.objects.filter(purpose=purpose, reference=reference, confirmed_at=None).update(
        expires_at=now, updated_at=now
    )
    row = PhoneCode.objects.create(
        purpose=purpose,
        reference=reference,
        phone=phone,
        code_hash=_hash(purpose=purpose, reference=reference, code=code),
        expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
    )
    context = {"code": code, "minutes": str(CODE_MINUTES)}
    if event == Event.CONFIRMATION_CODE:
        context.update(purpose=label, asker=asker, asker_name=asker_name)
    sms = notify_phone(
        event=event,
        phone=phone,
        context=context,
        reference=reference,
    )
    if sms is None:  # rolls the code back with the transaction
        raise PhoneCodeError(_("Không gửi được tin nhắn đến số điện thoại này."), code="no_sms")
    return row


def phone_code_confirm(
    *, purpose: str, reference: str, code: str, single_use: bool = False
) -> PhoneCode:
    """The code typed in matches the newest live one: confirmed. Raises `PhoneCodeError`.

    A confirmed code answers "confirmed" again (the step it confirmed decides whether that
    matters), unless `single_use`: then it is spent and refused like an expired one."""
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(purpose=purpose, reference=reference)
            .order_by("-created_at", "-pk")
            .first()
        )
        if row is None or timezone.now() > row.expires_at:
            raise PhoneCodeError(
                _("Mã xác nhận đã hết hạn hoặc chưa được gửi; hãy gửi mã mới."), code="expired"
            )
        if row.confirmed_at is not None:
            if single_use:
                raise PhoneCodeError(
                    _("Mã xác nhận đã hết hạn hoặc chưa được gửi; hãy gửi mã mới."),
                    code="expired",
                )
            return row
        if row.attempts >= MAX_ATTEMPTS:
            raise PhoneCodeError(
                _("Đã nhập sai quá số lần cho phép; hãy gửi mã mới."), code="too_many"
            )
        row.attempts += 1
        typed = _hash(purpose=purpose, reference=reference, code=code.strip())
        correct = hmac.compare_digest(row.code_hash, typed)
        if correct:
            row.confirmed_at = timezone.now()
        row.save(update_fields=["attempts", "confirmed_at", "updated_at"])
    if not correct:  # the counted try is committed
        raise PhoneCodeError(_("Mã xác nhận không đúng."), code="wrong")
    return row


def phone_code_confirmed(*, purpose: str, reference: str) -> PhoneCode | None:
    """The confirmation of (`purpose`, `reference`) given in the last half hour, or None."""
    fresh_after = timezone.now() - dt.timedelta(minutes=CONFIRMATION_FRESH_MINUTES)
    return (
        PhoneCode.objects.filter(
            purpose=purpose, reference=reference, confirmed_at__gte=fresh_after
        )
        .order_by("-confirmed_at")
        .first()
    )


class MandateConsentCodes:
    """The codes of mandate consent, registered with `accounts.identity.hooks` (a lower app)."""

    purpose = "mandate_consent"

    def send(self, *, phone: str, reference: str, label: str, asker_name: str = "") -> None:
        phone_code_send(
            phone=phone,
            purpose=self.purpose,
            reference=reference,
            label=label,
            asker=ASKER_HELPER,
            asker_name=asker_name,
        )

    def confirm(self, *, reference: str, code: str) -> None:
        phone_code_confirm(purpose=self.purpose, reference=reference, code=code)


class SignInCodes:
    """The codes of "Đăng nhập bằng mã gửi qua SMS": a code signs in once (ADR 0300)."""

    purpose = "sign_in"

    def send(self, *, phone: str, reference: str, label: str, asker_name: str = "") -> None:
        phone_code_send(
            phone=phone,
            purpose=self.purpose,
            reference=reference,
            label=label,
            event=Event.SIGN_IN_CODE,
        )

    def confirm(self, *, reference: str, code: str) -> None:
        phone_code_confirm(purpose=self.purpose, reference=reference, code=code, single_use=True)
