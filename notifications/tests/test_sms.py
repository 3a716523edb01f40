import pytest

from notifications.sms import gsm7_septets, sms_encoding, sms_segments, strip_diacritics


def test_vietnamese_with_diacritics_is_ucs2():
    text = "Hồ sơ đã được tiếp nhận"
    assert sms_encoding(text) == "UCS-2"
    assert sms_segments(text) == 1
    assert sms_segments("ả" * 70) == 1
    assert sms_segments("ả" * 71) == 2
    assert sms_segments("ả" * 134) == 2
    assert sms_segments("ả" * 135) == 3


def test_plain_ascii_is_gsm7():
    assert sms_encoding("Ho so da duoc tiep nhan") == "GSM-7"
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("a" * 306) == 2
    assert sms_segments("a" * 307) == 3
    assert sms_segments("") == 0


def test_extension_characters_cost_two_septets():
    assert gsm7_septets("[]") == 4
    assert sms_segments("€" * 80) == 1
    assert sms_segments("€" * 81) == 2


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hồ sơ ĐÃ được tiếp nhận", "Ho so DA duoc tiep nhan"),
        ("Đăng ký khai sinh — UBND phường Tân Ninh", "Dang ky khai sinh - UBND phuong Tan Ninh"),
        ("«Ủy ban»", '"Uy ban"'),
    ],
)
def test_strip_diacritics_keeps_case(text, folded):
    assert strip_diacritics(text) == folded
    assert sms_encoding(strip_diacritics(text)) == "GSM-7"


def test_folding_cuts_the_cost_of_a_real_message():
    text = "DVC Tây Ninh: Hồ sơ 000.00.80.H52-260315-0007 đã được tiếp nhận, hẹn trả kết quả 20/03/2026."
    assert sms_segments(text) == 2
    assert sms_segments(strip_diacritics(text)) == 1
