"""Building blocks for payments tests: a dossier awaiting payment, signed gateway messages."""

from __future__ import annotations

import urllib.parse
from typing import Any

from dossiers.constants import DossierStatus
from dossiers.tests.factories import Cast, make_cast, make_draft, place_in
from payments.models import Charge
from payments.simulator import bank
from payments.tests.constants import SECRET, TMN_CODE


def dossier_with_charge(
    *,
    amount: int = 10_000,
    status: DossierStatus = DossierStatus.AWAITING_PAYMENT,
    cast: Cast | None = None,
) -> tuple[Cast, Any, Charge]:
    cast = cast or make_cast()
    dossier = place_in(make_draft(cast), status)
    charge = Charge.objects.create(
        dossier=dossier,
        agency=cast.receiving,
        label="Lệ phí đăng ký cư trú",
        amount_vnd=amount,
        full_amount_vnd=amount * 2,
    )
    return cast, dossier, charge


def gateway_params(
    payment,
    *,
    response_code: str = "00",
    transaction_status: str = "00",
    amount_raw: int | None = None,
    transaction_no: str = "14123456",
    **extra: str,
) -> dict[str, str]:
    """What VNPay sends to the return URL and the IPN, signed the way its PHP demo signs
    (the simulator's code, written apart from the provider's)."""
    params = {
        "vnp_Amount": str(payment.amount_vnd * 100 if amount_raw is None else amount_raw),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP14123456",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": payment.order_info,
        "vnp_PayDate": "20260315091500",
        "vnp_ResponseCode": response_code,
        "vnp_TmnCode": TMN_CODE,
        "vnp_TransactionNo": transaction_no,
        "vnp_TransactionStatus": transaction_status,
        "vnp_TxnRef": payment.txn_ref,
        **extra,
    }
    params["vnp_SecureHash"] = bank.secure_hash(SECRET, bank.hash_data(params))
    return params


def as_query(params: dict[str, str]) -> str:
    return urllib.parse.urlencode(params)
