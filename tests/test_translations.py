"""The English catalogue compiles, is complete, and is what the running site uses."""

import subprocess
from pathlib import Path

from django.utils import translation

import pytest

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_english_catalogue_compiles_with_every_message_translated():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "translated message" in result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("vietnamese", "english"),
    [("Thủ tục hành chính", "Administrative procedures"), ("Trang của tôi", "My page")],
)
def test_the_compiled_catalogue_is_loaded(vietnamese, english):
    with translation.override("en"):
        assert translation.gettext(vietnamese) == english
    with translation.override("vi"):
        assert translation.gettext(vietnamese) == vietnamese
