"""Hooks higher apps register with, so accounts never imports them (ARCHITECTURE: doors).

* `mandate_phone_codes`: the one-time SMS codes a citizen reads out to confirm a mandate a
  helper asked for. The notifications app registers its `phone_codes` mechanism (the project's
  one code mechanism, ADR 0291) in its `AppConfig.ready()`: `send(phone=, reference=, label=,
  asker_name=)` (the SMS tells the citizen to read the code to `asker_name`, the helper)
  writes the code's hash and the SMS outbox row in the caller's transaction; `confirm(reference=,
  code=)` counts the try in its own transaction and raises an `ApplicationError` when wrong,
  expired or tried too often — so it is called outside any transaction.
* `sign_in_phone_codes`: the same mechanism for "Đăng nhập bằng mã gửi qua SMS" (ADR 0300), whose
  codes are single-use: a code that signed someone in never signs in again.
* `mandate_listeners`: called with `(action, mandate, actor)` after every audited change of a
  mandate (`mandate.offered`, `.requested`, `.accepted`, `.refused`, `.confirmed`, `.declined`,
  `.revoked`, `.created`), inside the change's transaction; the notifications app writes the
  other person's notices as outbox rows there (ADR 0301).
* `mandate_field_choices`: the fields (lĩnh vực) a mandate may be scoped to, as (code, name)
  pairs; the procedures app registers its catalogue's fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from common.registry import Registry


class PhoneCodes(Protocol):
    def send(self, *, phone: str, reference: str, label: str, asker_name: str = "") -> None: ...

    def confirm(self, *, reference: str, code: str) -> None: ...


mandate_phone_codes: Registry[PhoneCodes] = Registry("mandate phone codes")
sign_in_phone_codes: Registry[PhoneCodes] = Registry("sign-in phone codes")
mandate_listeners: Registry[Callable[[str, Any, Any], None]] = Registry("mandate listeners")
mandate_field_choices: Registry[Callable[[], list[tuple[str, str]]]] = Registry(
    "mandate field choices"
)


def phone_codes(registry: Registry[PhoneCodes] = mandate_phone_codes) -> PhoneCodes:
    for _key, codes in registry.items():
        return codes
    raise ApplicationError(_("Chưa gửi được mã xác nhận qua SMS."), code="sms_unavailable")


def field_choices() -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for _key, source in mandate_field_choices.items():
        pairs.extend(source())
    return pairs


def mandate_changed(action: str, mandate: Any, actor: Any) -> None:
    for _key, listener in mandate_listeners.items():
        listener(action, mandate, actor)
