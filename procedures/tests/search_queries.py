"""Real catalogue queries and the procedure each one is looking for (issue 22).

What citizens type: with and without tone marks, in capitals, with a one-letter typo (most often
in the last word, still being typed), or a procedure code. `expected` holds every acceptable
answer (several procedures can be the one asked for: the four "Phiếu lý lịch tư pháp" kinds).

Used twice: `test_search_quality.py` checks each query finds its procedure among the first three
in a catalogue of the expected procedures plus the long ones that share their words (loaded from
the shipped national file), and `bench/bench_pages.py` reports the hit rate at 1, 3 and 10 on the
whole national catalogue.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Query:
    q: str
    expected: frozenset[str]
    kind: str  # accents | plain | capitals | typo | code
    # Other procedures answer the words just as well (they come first by the ranking's rules):
    # counted in the bench's hit rates, not required among the first three by the tests.
    ambiguous: bool = False

    @property
    def label(self) -> str:
        return f"{self.kind}: {self.q}"


def _q(q: str, kind: str, *codes: str, ambiguous: bool = False) -> Query:
    return Query(q, frozenset(codes), kind, ambiguous)


LLTP = ("3.000333", "3.000330", "3.000335", "3.000334")

QUERIES: tuple[Query, ...] = (
    # accents, as typed on a Vietnamese keyboard
    _q("đăng ký thường trú", "accents", "1.004222"),
    _q("đăng ký tạm trú", "accents", "1.004194"),
    _q("đăng ký khai sinh", "accents", "1.001193"),
    _q("đăng ký kết hôn", "accents", "1.000894"),
    _q("khai tử", "accents", "1.000656"),
    _q("xóa đăng ký thường trú", "accents", "1.003197"),
    _q("đổi giấy phép lái xe", "accents", "3.000347"),
    _q("lý lịch tư pháp", "accents", *LLTP),
    _q("đăng ký giám hộ", "accents", "1.004837"),
    _q("nhận cha mẹ con", "accents", "1.001022"),
    _q("xác nhận tình trạng hôn nhân", "accents", "1.004873"),
    _q("thành lập hộ kinh doanh", "accents", "1.001612"),
    # no tone marks (phones without a Vietnamese keyboard)
    _q("dang ky thuong tru", "plain", "1.004222"),
    _q("dang ky tam tru", "plain", "1.004194"),
    _q("khai sinh", "plain", "1.001193"),
    _q("ket hon", "plain", "1.000894"),
    _q("giay phep lai xe", "plain", "3.000346"),
    _q("cap lai giay phep lai xe", "plain", "3.000348"),
    _q("trich luc ho tich", "plain", "2.000635"),
    _q("chung thuc ban sao", "plain", "2.000815"),
    _q("the can cuoc", "plain", "1.014061", "1.014062", "1.014063", "1.014064"),
    # "Cấp hộ chiếu phổ thông …" is meant, "Trình báo mất hộ chiếu phổ thông …" (three levels) is
    # shorter and holds the same words.
    _q("ho chieu pho thong", "plain", "1.001456", "1.001471", ambiguous=True),
    _q("thay doi cai chinh ho tich", "plain", "1.004859"),
    _q("dang ky ho kinh doanh", "plain", "1.001612"),
    # capitals and mixed case
    _q("ĐĂNG KÝ THƯỜNG TRÚ", "capitals", "1.004222"),
    _q("Dang Ky Khai Tu", "capitals", "1.000656"),
    _q("KẾT HÔN", "capitals", "1.000894"),
    _q("Giấy Phép Lái Xe", "capitals", "3.000346"),
    # one letter wrong, missing, doubled or swapped in the last word
    _q("dang ky thuong trus", "typo", "1.004222"),
    _q("dang ky thuong tuu", "typo", "1.004222"),
    _q("đăng ký khai sihn", "typo", "1.001193"),
    _q("dang ky khai sin", "typo", "1.001193"),
    _q("dang ky ket hpn", "typo", "1.000894"),
    _q("dang ky tam tru", "typo", "1.004194"),
    _q("dang ky tam trus", "typo", "1.004194"),
    _q("dang ky khai tuf", "typo", "1.000656"),
    _q("doi giay phep lai xr", "typo", "3.000347"),
    _q("chung thuc ban sap", "typo", "2.000815"),
    _q("ly lich tu phapp", "typo", *LLTP),
    _q("dang ky giam hoo", "typo", "1.004837"),
    # codes, as printed on a receipt (with stray spaces)
    _q("1.004222", "code", "1.004222"),
    _q(" 2.000815 ", "code", "2.000815"),
    _q("3.000346", "code", "3.000346"),
)
