"""VNPay payment protocol 2.1.0: the payment URL, the return and IPN checks, querydr and refund.

Followed exactly as in integrations-and-data §5 (VNPay's sandbox docs and Python demo):

* the payment URL carries every `vnp_*` parameter, sorted by key, form-encoded with space as `+`
  (`urllib.parse.quote_plus`); `vnp_SecureHash` = hex HMAC-SHA512(secret, that same string);
  2.1.0 sends no `vnp_SecureHashType`;
* `vnp_Amount` is VND × 100, dates are `yyyyMMddHHmmss` in GMT+7;
* return and IPN are verified the same way over what was received (empty values dropped,
  `vnp_SecureHash`/`vnp_SecureHashType` removed), compared in constant time;
* querydr and refund are JSON POSTs signed over pipe-joined values in a fixed order.

The local simulator (`payments.simulator`) speaks this same protocol with its own code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

import requests

from payments.constants import VNPAY_VERSION, Provider
from payments.providers.base import (
    BaseProvider,
    GatewayError,
    GatewayResult,
    InvalidSignature,
    RefundResult,
)
from payments.providers.registry import providers
from payments.simulator.bank import is_enabled as simulator_enabled

GMT7 = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"
UNSIGNED_KEYS = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})

QUERY_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERY_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
REFUND_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
# VNPay's refund answer is signed like the querydr answer without the promotion fields.
REFUND_RESPONSE_FIELDS = QUERY_RESPONSE_FIELDS[:13]


# --- signing -----------------------------------------------------------------------------------


def canonical_query(params: Mapping[str, object]) -> str:
    """`key=value&…` over the signed `vnp_*` parameters, sorted, space as `+`."""
    items = sorted(
        (key, str(value))
        for key, value in params.items()
        if key.startswith("vnp_") and key not in UNSIGNED_KEYS and value not in (None, "")
    )
    return "&".join(f"{quote_plus(key)}={quote_plus(value)}" for key, value in items)


def hmac_sha512(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha512).hexdigest()


def sign(params: Mapping[str, object], secret: str) -> str:
    return hmac_sha512(secret, canonical_query(params))


def signature_valid(params: dict[str, str], secret: str) -> bool:
    given = params.get("vnp_SecureHash") or ""
    return hmac.compare_digest(sign(params, secret).lower(), given.lower())


def pipe_hash(body: Mapping[str, object], fields: tuple[str, ...], secret: str) -> str:
    return hmac_sha512(secret, "|".join(str(body.get(name) or "") for name in fields))


def format_date(moment: dt.datetime) -> str:
    return moment.astimezone(GMT7).strftime(DATE_FORMAT)


def parse_date(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, DATE_FORMAT).replace(tzinfo=GMT7)
    except (TypeError, ValueError):
        return None


def new_request_id() -> str:
    """vnp_RequestId must be unique per merchant per day."""
    return timezone.now().astimezone(GMT7).strftime("%H%M%S") + secrets.token_hex(8).upper()


# --- configuration -----------------------------------------------------------------------------


@dataclass(frozen=True)
class VnpayConfig:
    tmn_code: str
    hash_secret: str
    pay_url: str
    api_url: str
    return_url: str
    server_ip: str
    timeout: float


def config() -> VnpayConfig:
    """Read at call time: the real merchant when enabled, else the local simulator."""
    return VnpayConfig(
        tmn_code=settings.PAYMENT_VNPAY_TMN_CODE,
        hash_secret=settings.PAYMENT_VNPAY_HASH_SECRET,
        pay_url=settings.PAYMENT_VNPAY_PAY_URL,
        api_url=settings.PAYMENT_VNPAY_API_URL,
        return_url=settings.PAYMENT_VNPAY_RETURN_URL,
        server_ip=settings.PAYMENT_VNPAY_SERVER_IP,
        timeout=settings.PAYMENT_VNPAY_TIMEOUT_SECONDS,
    )


def _result(params: dict[str, str]) -> GatewayResult:
    try:
        amount_raw = int(params.get("vnp_Amount") or "")
    except ValueError:
        amount_raw = -1
    return GatewayResult(
        txn_ref=params.get("vnp_TxnRef") or "",
        amount_raw=amount_raw,
        transaction_no=params.get("vnp_TransactionNo") or "",
        response_code=params.get("vnp_ResponseCode") or "",
        transaction_status=params.get("vnp_TransactionStatus") or "",
        bank_code=params.get("vnp_BankCode") or "",
        card_type=params.get("vnp_CardType") or "",
        pay_date=parse_date(params.get("vnp_PayDate") or ""),
    )


class VnpayProvider(BaseProvider):
    key = Provider.VNPAY

    def is_available(self) -> bool:
        """The real gateway, or the simulator where simulators may run: with neither, nothing
        (IPN, return) is ever verified against the simulator's secret."""

        return bool(settings.PAYMENT_VNPAY_ENABLED or simulator_enabled())

    def payment_params(self, *, payment, locale: str = "vn") -> dict[str, str]:
        conf = config()
        return {
            "vnp_Version": VNPAY_VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": conf.tmn_code,
            "vnp_Amount": str(payment.amount_vnd * 100),
            "vnp_CreateDate": format_date(payment.gateway_created_at),
            "vnp_ExpireDate": format_date(
                payment.gateway_created_at + dt.timedelta(minutes=settings.PAYMENT_EXPIRE_MINUTES)
            ),
            "vnp_CurrCode": "VND",
            "vnp_IpAddr": payment.client_ip or "127.0.0.1",
            "vnp_Locale": locale,
            "vnp_OrderInfo": payment.order_info,
            "vnp_OrderType": "other",
            "vnp_ReturnUrl": conf.return_url,
            "vnp_TxnRef": payment.txn_ref,
        }

    def start(self, *, payment, locale: str = "vn") -> str:
        conf = config()
        params = self.payment_params(payment=payment, locale=locale)
        query = canonical_query(params)
        return f"{conf.pay_url}?{query}&vnp_SecureHash={hmac_sha512(conf.hash_secret, query)}"

    def _verified(self, params: dict[str, str]) -> GatewayResult:
        if not self.is_available():
            raise InvalidSignature()  # no gateway configured: no secret is valid
        if not signature_valid(params, config().hash_secret):
            raise InvalidSignature()
        return _result(params)

    def handle_return(self, *, params: dict[str, str]) -> GatewayResult:
        return self._verified(params)

    def handle_ipn(self, *, params: dict[str, str]) -> GatewayResult:
        return self._verified(params)

    def _post(self, body: dict[str, Any]) -> dict[str, str]:

        try:
            response = requests.post(config().api_url, json=body, timeout=config().timeout)
            response.raise_for_status()
            return {key: str(value) for key, value in response.json().items()}
        except (requests.RequestException, ValueError) as exc:
            raise GatewayError(f"VNPay API unreachable: {exc}", code="gateway_unreachable") from exc

    def query(self, *, payment) -> GatewayResult | None:
        conf = config()
        body: dict[str, object] = {
            "vnp_RequestId": new_request_id(),
            "vnp_Version": VNPAY_VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": conf.tmn_code,
            "vnp_TxnRef": payment.txn_ref,
            "vnp_OrderInfo": f"Truy van giao dich {payment.txn_ref}",
            "vnp_TransactionDate": format_date(payment.gateway_created_at),
            "vnp_CreateDate": format_date(timezone.now()),
            "vnp_IpAddr": conf.server_ip,
        }
        body["vnp_SecureHash"] = pipe_hash(body, QUERY_REQUEST_FIELDS, conf.hash_secret)
        answer = self._post(body)
        code = answer.get("vnp_ResponseCode", "")
        if code == "91":
            return None
        if code != "00":
            raise GatewayError(f"querydr refused: {code}", code=f"querydr_{code}")
        expected = pipe_hash(answer, QUERY_RESPONSE_FIELDS, conf.hash_secret)
        if not hmac.compare_digest(expected, answer.get("vnp_SecureHash", "").lower()):
            raise InvalidSignature("querydr answer not signed by the gateway")
        return _result(answer)

    def refund(self, *, payment, amount_vnd, request_id, created_by) -> RefundResult:
        conf = config()
        full = amount_vnd == payment.amount_vnd and payment.refunded_vnd == 0
        body: dict[str, object] = {
            "vnp_RequestId": request_id,
            "vnp_Version": VNPAY_VERSION,
            "vnp_Command": "refund",
            "vnp_TmnCode": conf.tmn_code,
            "vnp_TransactionType": "02" if full else "03",
            "vnp_TxnRef": payment.txn_ref,
            "vnp_Amount": str(amount_vnd * 100),
            "vnp_TransactionNo": payment.provider_transaction_no,
            "vnp_TransactionDate": format_date(payment.gateway_created_at),
            "vnp_CreateBy": created_by,
            "vnp_CreateDate": format_date(timezone.now()),
            "vnp_IpAddr": conf.server_ip,
            "vnp_OrderInfo": f"Hoan tien giao dich {payment.txn_ref}",
        }
        body["vnp_SecureHash"] = pipe_hash(body, REFUND_REQUEST_FIELDS, conf.hash_secret)
        answer = self._post(body)
        expected = pipe_hash(answer, REFUND_RESPONSE_FIELDS, conf.hash_secret)
        if not hmac.compare_digest(expected, answer.get("vnp_SecureHash", "").lower()):
            raise InvalidSignature("refund answer not signed by the gateway")
        code = answer.get("vnp_ResponseCode", "")
        return RefundResult(
            ok=code == "00", response_code=code, message=answer.get("vnp_Message", "")
        )


providers.register(Provider.VNPAY)(VnpayProvider())
