"""Vietnamese text folding for accent-insensitive search: tones stripped, đ → d, lower case."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """`"Đăng ký HỘ CHIẾU"` → `"dang ky ho chieu"`. Works on NFC and NFD input alike."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()
