"""Money reads "20.000 đồng" in Vietnamese and "20,000 VND" in English, wherever it shows."""

from django.template import Context, Template
from django.utils import translation

import pytest

from common.money import format_vnd


@pytest.mark.parametrize(
    ("amount", "language", "expected"),
    [
        (20_000, "vi", "20.000 đồng"),
        (20_000, "en", "20,000 VND"),
        (1_250_000, "vi", "1.250.000 đồng"),
        (1_250_000, "en", "1,250,000 VND"),
        (0, "vi", "0 đồng"),
        (500, "en", "500 VND"),
        (-15_000, "vi", "−15.000 đồng"),
        (None, "vi", ""),
    ],
)
def test_format_vnd(amount, language, expected):
    assert format_vnd(amount, language=language) == expected


def test_format_vnd_follows_the_active_language():
    with translation.override("en"):
        assert format_vnd(20_000) == "20,000 VND"
    with translation.override("vi"):
        assert format_vnd(20_000) == "20.000 đồng"


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (20_000, "20.000 đồng", "20,000 VND"),
        ("50.000 ₫", "50.000 đồng", "50,000 VND"),  # an amount formatted upstream, read again
        ("50,000 đồng", "50.000 đồng", "50,000 VND"),
        ("miễn phí", "miễn phí", "miễn phí"),  # not an amount: left as it is
    ],
)
def test_the_vnd_filter(value, vi, en):
    template = Template("{% load humanize_vnd %}{{ value|vnd }}")
    for language, expected in (("vi", vi), ("en", en)):
        with translation.override(language):
            assert template.render(Context({"value": value})) == expected
