"""Hash vectors computed here by hand from the spec (integrations-and-data §5.2, §5.4), not by
the code under test, and the payment URL the provider builds."""

import datetime as dt
import hashlib
import hmac
from urllib.parse import parse_qsl, urlsplit

import pytest

from payments.providers import vnpay

# The example of VNPay's docs (§5.1), parameters as sent.
DOCS_PARAMS = {
    "vnp_Amount": "1806000",
    "vnp_Command": "pay",
    "vnp_CreateDate": "20210801153333",
    "vnp_CurrCode": "VND",
    "vnp_IpAddr": "127.0.0.1",
    "vnp_Locale": "vn",
    "vnp_OrderInfo": "Thanh toan don hang :5",
    "vnp_OrderType": "other",
    "vnp_ReturnUrl": "https://domainmerchant.vn/ReturnUrl",
    "vnp_TmnCode": "DEMOV210",
    "vnp_TxnRef": "5",
    "vnp_Version": "2.1.0",
}
# Copied from the docs' example URL: sorted keys, space as "+", ":" and "/" percent-encoded.
DOCS_QUERY = (
    "vnp_Amount=1806000&vnp_Command=pay&vnp_CreateDate=20210801153333&vnp_CurrCode=VND"
    "&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+don+hang+%3A5"
    "&vnp_OrderType=other&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl"
    "&vnp_TmnCode=DEMOV210&vnp_TxnRef=5&vnp_Version=2.1.0"
)
SECRET = "DEMOSECRETKEY2021"


def by_hand(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha512).hexdigest()


def test_canonical_query_matches_the_docs_example_exactly():
    shuffled = dict(reversed(list(DOCS_PARAMS.items())))
    assert vnpay.canonical_query(shuffled) == DOCS_QUERY


def test_signature_is_hmac_sha512_of_the_sent_query():
    expected = by_hand(SECRET, DOCS_QUERY)
    assert len(expected) == 128
    assert vnpay.sign(DOCS_PARAMS, SECRET) == expected


def test_vietnamese_text_and_spaces_encode_as_php_urlencode():
    params = {"vnp_OrderInfo": "Lệ phí hồ sơ 01", "vnp_TxnRef": "A B", "vnp_Empty": ""}
    # UTF-8 bytes percent-encoded, space as "+", empty values dropped, as urlencode() in PHP.
    expected_query = "vnp_OrderInfo=L%E1%BB%87+ph%C3%AD+h%E1%BB%93+s%C6%A1+01&vnp_TxnRef=A+B"
    assert vnpay.canonical_query(params) == expected_query
    assert vnpay.sign(params, SECRET) == by_hand(SECRET, expected_query)


def test_secure_hash_and_type_are_not_signed_and_verification_is_constant_time_compare():
    signed = {**DOCS_PARAMS, "vnp_SecureHash": by_hand(SECRET, DOCS_QUERY)}
    assert vnpay.signature_valid(signed, SECRET)
    assert vnpay.signature_valid({**signed, "vnp_SecureHashType": "HmacSHA512"}, SECRET)
    upper = {**signed, "vnp_SecureHash": signed["vnp_SecureHash"].upper()}
    assert vnpay.signature_valid(upper, SECRET)


@pytest.mark.parametrize(
    ("key", "value"),
    [("vnp_Amount", "1806100"), ("vnp_TxnRef", "6"), ("vnp_OrderInfo", "Thanh toan don hang :6")],
)
def test_any_tampered_parameter_fails(key, value):
    signed = {**DOCS_PARAMS, "vnp_SecureHash": by_hand(SECRET, DOCS_QUERY)}
    assert not vnpay.signature_valid({**signed, key: value}, SECRET)
    assert not vnpay.signature_valid({**DOCS_PARAMS}, SECRET)  # no hash at all
    assert not vnpay.signature_valid(signed, "another-secret")


def test_dates_are_gmt7():
    moment = dt.datetime(2021, 8, 1, 8, 33, 33, tzinfo=dt.UTC)
    assert vnpay.format_date(moment) == "20210801153333"
    assert vnpay.parse_date("20210801153333") == moment


def test_querydr_and_refund_hashes_are_pipe_joined_in_the_fixed_order():
    body = {
        "vnp_RequestId": "R1",
        "vnp_Version": "2.1.0",
        "vnp_Command": "querydr",
        "vnp_TmnCode": "DEMOV210",
        "vnp_TxnRef": "5",
        "vnp_TransactionDate": "20210801153333",
        "vnp_CreateDate": "20210801160000",
        "vnp_IpAddr": "127.0.0.1",
        "vnp_OrderInfo": "Truy van",
    }
    message = "R1|2.1.0|querydr|DEMOV210|5|20210801153333|20210801160000|127.0.0.1|Truy van"
    assert vnpay.pipe_hash(body, vnpay.QUERY_REQUEST_FIELDS, SECRET) == by_hand(SECRET, message)
    refund = {
        **body,
        "vnp_Command": "refund",
        "vnp_TransactionType": "03",
        "vnp_Amount": "500000",
        "vnp_TransactionNo": "14123456",
        "vnp_CreateBy": "ketoan@example.vn",
    }
    refund_message = (
        "R1|2.1.0|refund|DEMOV210|03|5|500000|14123456|20210801153333|ketoan@example.vn"
        "|20210801160000|127.0.0.1|Truy van"
    )
    assert vnpay.pipe_hash(refund, vnpay.REFUND_REQUEST_FIELDS, SECRET) == by_hand(
        SECRET, refund_message
    )


def test_payment_url_carries_amount_times_100_and_a_verifiable_hash(settings):
    from types import SimpleNamespace

    payment = SimpleNamespace(
        amount_vnd=10_000,
        txn_ref="2603150915ABCD1234",
        order_info="Thanh toan phi ho so H52-0007",
        client_ip="203.0.113.5",
        gateway_created_at=dt.datetime(2026, 3, 15, 2, 15, tzinfo=dt.UTC),
    )
    url = vnpay.VnpayProvider().start(payment=payment, locale="vn")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == settings.PAYMENT_VNPAY_PAY_URL
    query, _, secure_hash = parts.query.rpartition("&vnp_SecureHash=")
    assert secure_hash == by_hand(settings.PAYMENT_VNPAY_HASH_SECRET, query)
    params = dict(parse_qsl(parts.query))
    assert params["vnp_Amount"] == "1000000"
    assert params["vnp_Version"] == "2.1.0"
    assert params["vnp_CreateDate"] == "20260315091500"
    assert params["vnp_ExpireDate"] == "20260315093000"
    assert "vnp_SecureHashType" not in params
    keys = [k for k, _v in parse_qsl(query)]
    assert keys == sorted(keys)
