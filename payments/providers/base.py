"""The interface every payment provider implements (the Open Forms plugin pattern).

A provider speaks its gateway's protocol and nothing else: it signs, verifies and parses. What
a result *means* for a payment (settle it, refuse it, flag it) is decided in `payments.services`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from common.exceptions import ApplicationError

if TYPE_CHECKING:
    from payments.models import Payment


class InvalidSignature(ApplicationError):
    """The callback or API answer is not signed with our secret (IPN reply 97)."""

    def __init__(self, message: str = "invalid signature") -> None:
        super().__init__(message, code="invalid_signature")


class GatewayError(ApplicationError):
    """The gateway could not be reached or answered something we cannot use."""


@dataclass(frozen=True)
class GatewayResult:
    """A verified statement from the gateway about one order."""

    txn_ref: str
    amount_raw: int  # as on the wire (VNPay: VND × 100)
    transaction_no: str
    response_code: str
    transaction_status: str
    bank_code: str = ""
    card_type: str = ""
    pay_date: dt.datetime | None = None

    @property
    def is_success(self) -> bool:
        # Paid only when both codes say so (integrations-and-data §5.3; the npm library's
        # isSuccess reads only ResponseCode, which is not enough).
        return self.response_code == "00" and self.transaction_status == "00"


@dataclass(frozen=True)
class RefundResult:
    ok: bool
    response_code: str
    message: str = ""


class BaseProvider:
    key: str = ""
    is_online: bool = True

    def is_available(self) -> bool:
        return True

    def start(self, *, payment: Payment, locale: str = "vn") -> str:
        """Return the URL to send the citizen's browser to."""
        raise NotImplementedError

    def handle_return(self, *, params: dict[str, str]) -> GatewayResult:
        """Verify and parse the browser return. Never settles anything by itself."""
        raise NotImplementedError

    def handle_ipn(self, *, params: dict[str, str]) -> GatewayResult:
        """Verify and parse a server-to-server notification."""
        raise NotImplementedError

    def query(self, *, payment: Payment) -> GatewayResult | None:
        """Ask the gateway what became of `payment`; None when it does not know the order."""
        raise NotImplementedError

    def refund(
        self, *, payment: Payment, amount_vnd: int, request_id: str, created_by: str
    ) -> RefundResult:
        raise NotImplementedError
