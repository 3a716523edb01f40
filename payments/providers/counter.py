"""Payment at the one-stop counter (cash or card terminal), recorded by an officer.

There is no gateway: the officer's record is the settlement (`services.payment_record_counter`)
and a refund is paid back at the counter, so the provider only confirms it."""

from __future__ import annotations

from payments.constants import Provider
from payments.providers.base import BaseProvider, RefundResult
from payments.providers.registry import providers


class CounterProvider(BaseProvider):
    key = Provider.COUNTER
    is_online = False

    def start(self, **kwargs):
        raise NotImplementedError("counter payments are recorded by an officer, not started")

    def query(self, *, payment):
        return None

    def refund(self, *, payment, amount_vnd, request_id, created_by) -> RefundResult:
        # Paid back in cash at the counter against the officer's signature; nothing to call.
        return RefundResult(ok=True, response_code="00", message="counter refund")


providers.register(Provider.COUNTER)(CounterProvider())
