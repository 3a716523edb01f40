"""The simulator's side of the protocol: its own signing, its ledger, the IPN it sends."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import urllib.parse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

import requests

from common.simulators import is_own_url, simulator_on
from payments.models import SimulatedTransaction

logger = logging.getLogger(__name__)

GMT7 = ZoneInfo("Asia/Ho_Chi_Minh")
PAY = "pay"
CANCEL = "cancel"
INSUFFICIENT = "insufficient"
OUTCOMES = {PAY: ("00", "00"), CANCEL: ("24", "02"), INSUFFICIENT: ("51", "02")}


def is_enabled() -> bool:

    return simulator_on("PAYMENT_SIMULATOR_ENABLED") and (
        settings.DEBUG or not settings.PAYMENT_VNPAY_ENABLED
    )


def merchant_secret(tmn_code: str) -> str | None:
    """The simulator knows one merchant: ours, with the configured secret."""
    if tmn_code == settings.PAYMENT_VNPAY_TMN_CODE:
        return settings.PAYMENT_VNPAY_HASH_SECRET
    return None


def hash_data(params: dict[str, str]) -> str:
    # As VNPay's PHP demo: ksort, urlencode(key) . "=" . urlencode(value), joined by "&".
    keys = sorted(
        k
        for k, v in params.items()
        if k.startswith("vnp_") and k not in ("vnp_SecureHash", "vnp_SecureHashType") and v != ""
    )
    return "&".join(urllib.parse.urlencode({k: params[k]}) for k in keys)


def secure_hash(secret: str, data: str) -> str:
    return hmac.new(secret.encode("utf-8"), data.encode("utf-8"), hashlib.sha512).hexdigest()


def check(params: dict[str, str], secret: str) -> bool:
    return hmac.compare_digest(
        secure_hash(secret, hash_data(params)), (params.get("vnp_SecureHash") or "").lower()
    )


def now_text() -> str:
    return timezone.now().astimezone(GMT7).strftime("%Y%m%d%H%M%S")


def open_order(params: dict[str, str]) -> SimulatedTransaction | str:
    """Validate a payment request; returns the ledger row, or a VNPay error code."""
    secret = merchant_secret(params.get("vnp_TmnCode", ""))
    if secret is None:
        return "02"
    if not check(params, secret):
        return "97"
    required = ("vnp_Amount", "vnp_CreateDate", "vnp_TxnRef", "vnp_ReturnUrl", "vnp_OrderInfo")
    if (
        params.get("vnp_Version") != "2.1.0"
        or params.get("vnp_Command") != "pay"
        or params.get("vnp_CurrCode") != "VND"
        or any(not params.get(k) for k in required)
        or not params["vnp_Amount"].isdigit()
    ):
        return "03"
    try:
        dt.datetime.strptime(params["vnp_CreateDate"], "%Y%m%d%H%M%S").replace(tzinfo=GMT7)
    except ValueError:
        return "03"
    row, created = SimulatedTransaction.objects.get_or_create(
        tmn_code=params["vnp_TmnCode"],
        txn_ref=params["vnp_TxnRef"],
        defaults={
            "amount": int(params["vnp_Amount"]),
            "order_info": params["vnp_OrderInfo"],
            "create_date": params["vnp_CreateDate"],
            "return_url": params["vnp_ReturnUrl"],
            "ip_addr": params.get("vnp_IpAddr", ""),
            "transaction_no": str(10_000_000 + secrets.randbelow(89_999_999)),
            "bank_code": params.get("vnp_BankCode") or "NCB",
        },
    )
    if not created and row.response_code:
        return "01"  # transaction already exists
    return row


def result_params(row: SimulatedTransaction) -> dict[str, str]:
    """What VNPay sends on the return URL and the IPN, signed."""
    params = {
        "vnp_Amount": str(row.amount),
        "vnp_BankCode": row.bank_code,
        "vnp_BankTranNo": f"VNP{row.transaction_no}" if row.response_code == "00" else "",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": row.order_info,
        "vnp_PayDate": row.pay_date,
        "vnp_ResponseCode": row.response_code,
        "vnp_TmnCode": row.tmn_code,
        "vnp_TransactionNo": row.transaction_no,
        "vnp_TransactionStatus": row.transaction_status,
        "vnp_TxnRef": row.txn_ref,
    }
    params = {k: v for k, v in params.items() if v != ""}
    params["vnp_SecureHash"] = secure_hash(merchant_secret(row.tmn_code) or "", hash_data(params))
    return params


@transaction.atomic
def complete(*, transaction_no: str, outcome: str) -> SimulatedTransaction | None:
    row = (
        SimulatedTransaction.objects.select_for_update()
        .filter(transaction_no=transaction_no)
        .first()
    )
    if row is None or row.response_code or outcome not in OUTCOMES:
        return None
    row.response_code, row.transaction_status = OUTCOMES[outcome]
    row.pay_date = now_text()
    row.save()
    return row


def send_ipn(row: SimulatedTransaction) -> str:
    """Call the merchant's IPN URL server to server (GET), as VNPay does; returns its RspCode."""

    if not is_own_url(settings.PAYMENT_SIMULATOR_IPN_URL):  # it calls back the portal only
        logger.warning("payment simulator: IPN URL outside SITE_URL refused")
        return ""
    try:
        response = requests.get(
            settings.PAYMENT_SIMULATOR_IPN_URL, params=result_params(row), timeout=10
        )
        return str(response.json().get("RspCode", ""))
    except (requests.RequestException, ValueError) as exc:
        logger.warning("payment simulator: IPN for %s not delivered: %s", row.txn_ref, exc)
        return ""


def return_url(row: SimulatedTransaction) -> str:
    query = urllib.parse.urlencode(result_params(row))
    separator = "&" if "?" in row.return_url else "?"
    return f"{row.return_url}{separator}{query}"


# --- merchant API (querydr, refund) ------------------------------------------------------------

QUERY_IN = (
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
QUERY_OUT = (
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
REFUND_IN = (
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
REFUND_OUT = QUERY_OUT[:13]


def _pipe(body: dict, fields: tuple[str, ...], secret: str) -> str:
    return secure_hash(secret, "|".join(str(body.get(f) or "") for f in fields))


def _answer(body: dict, fields: tuple[str, ...], secret: str) -> dict[str, str]:
    body = {k: str(v) for k, v in body.items()}
    body["vnp_SecureHash"] = _pipe(body, fields, secret)
    return body


def api(body: dict) -> dict[str, str]:
    command = str(body.get("vnp_Command", ""))
    secret = merchant_secret(str(body.get("vnp_TmnCode", "")))
    base = {
        "vnp_ResponseId": secrets.token_hex(16),
        "vnp_Command": command,
        "vnp_TmnCode": body.get("vnp_TmnCode", ""),
        "vnp_TxnRef": body.get("vnp_TxnRef", ""),
    }
    if secret is None:
        return {**base, "vnp_ResponseCode": "02", "vnp_Message": "Invalid TmnCode"}
    fields_in = {"querydr": QUERY_IN, "refund": REFUND_IN}.get(command)
    if fields_in is None:
        return _answer(
            {**base, "vnp_ResponseCode": "03", "vnp_Message": "Invalid command"}, QUERY_OUT, secret
        )
    if not hmac.compare_digest(
        _pipe(body, fields_in, secret), str(body.get("vnp_SecureHash", "")).lower()
    ):
        return _answer(
            {**base, "vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}, QUERY_OUT, secret
        )
    with transaction.atomic():
        row = (
            SimulatedTransaction.objects.select_for_update()
            .filter(tmn_code=body["vnp_TmnCode"], txn_ref=body.get("vnp_TxnRef", ""))
            .first()
        )
        if row is None:
            return _answer(
                {**base, "vnp_ResponseCode": "91", "vnp_Message": "Not found"}, QUERY_OUT, secret
            )
        if command == "querydr":
            return _answer(_facts(base, row, "00", "QueryDR Success"), QUERY_OUT, secret)
        return _refund(base, row, body, secret)


def _facts(base: dict, row: SimulatedTransaction, code: str, message: str) -> dict[str, str]:
    return {
        **base,
        "vnp_ResponseCode": code,
        "vnp_Message": message,
        "vnp_Amount": str(row.amount),
        "vnp_BankCode": row.bank_code,
        "vnp_PayDate": row.pay_date,
        "vnp_TransactionNo": row.transaction_no,
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": row.transaction_status,
        "vnp_OrderInfo": row.order_info,
        "vnp_PromotionCode": "",
        "vnp_PromotionAmount": "",
    }


def _refund(base: dict, row: SimulatedTransaction, body: dict, secret: str) -> dict[str, str]:
    amount = str(body.get("vnp_Amount", ""))
    if row.transaction_status != "00":
        return _answer(_facts(base, row, "95", "Transaction not successful"), REFUND_OUT, secret)
    if not amount.isdigit() or int(amount) <= 0 or int(amount) > row.amount - row.refunded:
        return _answer(_facts(base, row, "03", "Invalid amount"), REFUND_OUT, secret)
    row.refunded += int(amount)
    row.save(update_fields=["refunded"])
    answer = _facts(base, row, "00", "Refund success")
    answer["vnp_TransactionType"] = str(body.get("vnp_TransactionType", ""))
    answer["vnp_TransactionStatus"] = "05"
    answer["vnp_Amount"] = amount
    return _answer(answer, REFUND_OUT, secret)
