"""SMS arithmetic: GSM-7 or UCS-2, how many parts a text costs, and diacritics-free sending.

Vietnamese with diacritics does not fit the GSM-7 alphabet, so the whole message goes as UCS-2:
70 characters in one part, 67 per part when split (GSM-7: 160 and 153). Folding the diacritics
away (keeping upper/lower case) brings most messages back to GSM-7 at about a third of the cost.
"""

import unicodedata

_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Characters from the extension table cost two septets (escape + char).
_GSM7_EXTENSION = set("^{}\\[~]|€\f")


def gsm7_septets(text: str) -> int | None:
    """Septets needed in GSM-7, or None when some character needs UCS-2."""
    total = 0
    for ch in text:
        if ch in _GSM7_BASIC:
            total += 1
        elif ch in _GSM7_EXTENSION:
            total += 2
        else:
            return None
    return total


def sms_encoding(text: str) -> str:
    return "GSM-7" if gsm7_septets(text) is not None else "UCS-2"


def sms_segments(text: str) -> int:
    """How many parts the network bills for `text` (0 for an empty text)."""
    if not text:
        return 0
    septets = gsm7_septets(text)
    if septets is not None:
        return 1 if septets <= 160 else -(-septets // 153)
    # UCS-2 counts UTF-16 code units (characters outside the BMP take two).
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


_TYPOGRAPHY = str.maketrans(
    {"«": '"', "»": '"', "“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "..."}
)


def strip_diacritics(text: str) -> str:
    """`"Hồ sơ ĐÃ tiếp nhận"` → `"Ho so DA tiep nhan"`: tones and marks gone, case kept."""
    text = text.replace("đ", "d").replace("Đ", "D").translate(_TYPOGRAPHY)
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    )
