"""How alike two field reports are: distance on the map, folded text, and the street and place
names in their addresses. Pure functions over strings and numbers; the duplicate-suggestion read
in `helpdesk.selectors` combines them.

Why place names: reports typed at the hotline often have no coordinates, and two callers describe
one pothole in different words ("ổ gà", "hố sâu") but name the same street. Street names also repeat
from commune to commune ("Đường 30 Tháng 4"), so a shared name counts only within one commune or
near on the map (the caller decides).
"""

from __future__ import annotations

import difflib
import math
import re
from decimal import Decimal

from common.text import fold

# Words that say what kind of place follows, or where near it, not which one.
_GENERIC_WORDS = frozenset(
    [
        "so",
        "duong",
        "pho",
        "hem",
        "ngo",
        "ngach",
        "kiet",
        "tuyen",
        "ap",
        "khu",
        "to",
        "thon",
        "xom",
        "phuong",
        "xa",
        "thi",
        "tran",
        "thanh",
        "tp",
        "tinh",
        "tay",
        "ninh",
        "gan",
        "truoc",
        "sau",
        "canh",
        "doi",
        "dien",
        "ngang",
        "cho",
        "cong",
        "nga",
        "ba",
        "tu",
        "giao",
        "voi",
        "va",
        "tai",
        "o",
        "khuc",
        "doan",
        "cua",
    ]
)
# Numbered roads keep their number, under one spelling: "Quốc lộ 22" and "QL22" are "ql22".
_NUMBERED_ROAD = re.compile(r"\b(quoc lo|ql|tinh lo|dt|tl|huong lo)\s*(\d+[a-z]?)\b")
_ROAD_KIND = {
    "quoc lo": "ql",
    "ql": "ql",
    "tinh lo": "dt",
    "dt": "dt",
    "tl": "dt",
    "huong lo": "hl",
}
# A number inside a name ("Cách Mạng Tháng 8", "30 Tháng 4"), unlike a house number.
_NAME_NUMBER = re.compile(r"(?<=thang )\d+|\d+(?= thang)")
_TOKEN = re.compile(r"[a-z0-9]+")


def distance_m(
    lat_a: Decimal | None, lon_a: Decimal | None, lat_b: Decimal | None, lon_b: Decimal | None
) -> float | None:
    """Great-circle distance in metres, or None when either point is missing."""
    if lat_a is None or lon_a is None or lat_b is None or lon_b is None:
        return None
    lat1, lon1, lat2, lon2 = (math.radians(float(v)) for v in (lat_a, lon_a, lat_b, lon_b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def text_similarity(a: str, b: str) -> float:
    """0..1 over folded text: the better of word overlap and character sequence similarity."""
    words_a, words_b = set(a.split()), set(b.split())
    if not words_a or not words_b:
        return 0.0
    jaccard = len(words_a & words_b) / len(words_a | words_b)
    return max(jaccard, difflib.SequenceMatcher(None, a[:400], b[:400]).ratio())


def place_words(address: str) -> frozenset[str]:
    """The naming words of an address: "Số 12 đường Cách Mạng Tháng 8, khu phố 3" →
    {"cach", "mang", "thang", "8"}; "Quốc lộ 22, ấp Trường Lưu" → {"ql22", "truong", "luu"}."""
    folded = fold(address)
    roads = {f"{_ROAD_KIND[kind]}{number}" for kind, number in _NUMBERED_ROAD.findall(folded)}
    names = _NUMBERED_ROAD.sub(" ", folded)
    words = {w for w in _TOKEN.findall(names) if w not in _GENERIC_WORDS and not w[0].isdigit()}
    return frozenset(words | roads | set(_NAME_NUMBER.findall(names)))


def place_similarity(
    address_a: str,
    text_a: str,
    address_b: str,
    text_b: str,
    *,
    ignore: frozenset[str] = frozenset(),
) -> float:
    """0..1: how surely two reports name the same street or place.

    1.0 when the naming words of one address (two at least) all appear in the other's address or
    text: a caller may name the street only in the description. Otherwise the overlap of the two
    addresses' words. `ignore`: words every address around there carries (the commune's name).
    """
    words_a, words_b = place_words(address_a) - ignore, place_words(address_b) - ignore
    everything_a = words_a | place_words(text_a)
    everything_b = words_b | place_words(text_b)
    if (len(words_a) >= 2 and words_a <= everything_b) or (
        len(words_b) >= 2 and words_b <= everything_a
    ):
        return 1.0
    if not words_a or not words_b:
        return 0.0
    return len(words_a & words_b) / len(words_a | words_b)
