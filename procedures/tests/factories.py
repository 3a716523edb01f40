"""Test data in the national catalogue's own format, so tests go through the real importer."""

import gzip
import json
from pathlib import Path

from procedures.services import procedures_import

SAMPLE_FILE = Path(__file__).parent / "data" / "sample.jsonl.gz"


def sample_records() -> list[dict]:
    """Nine real records (see the codes in test_import.py) with every known defect among them."""
    with gzip.open(SAMPLE_FILE, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def national_record(code: str, name: str, **overrides) -> dict:
    """A minimal, well-formed national-catalogue record."""
    record = {
        "ma_thu_tuc": code,
        "ten_thu_tuc": name,
        "nhom_nguon": "bo-tu-phap",
        "co_quan_ban_hanh": "Bộ Tư pháp",
        "so_quyet_dinh_cong_bo": "1/QĐ-BTP",
        "cap_thuc_hien": ["Cấp xã"],
        "loai_thu_tuc": "Loại khác",
        "linh_vuc": "Hộ tịch",
        "doi_tuong_thuc_hien": ["Công dân Việt Nam"],
        "co_quan_co_tham_quyen": None,
        "co_quan_thuc_hien": "Ủy ban nhân dân cấp xã",
        "co_quan_duoc_uy_quyen": None,
        "co_quan_phoi_hop": None,
        "dia_chi_tiep_nhan": None,
        "cach_thuc_thuc_hien": [
            {
                "kenh": "Trực tiếp",
                "thoi_han_so": 3,
                "thoi_han_don_vi": "Ngày làm việc",
                "mien_phi": True,
                "phi_vnd": [],
                "mo_ta": None,
            },
        ],
        "kenh_nop": ["Trực tiếp"],
        "co_nop_truc_tuyen": False,
        "thanh_phan_ho_so": [
            {"ten_giay_to": "Tờ khai theo mẫu", "so_ban_chinh": 1, "so_ban_sao": 0},
        ],
        "thanh_phan_ho_so_text": None,
        "trinh_tu_thuc_hien": "Bước 1: nộp hồ sơ.",
        "yeu_cau_dieu_kien": "Không có thông tin",
        "can_cu_phap_ly_so_hieu": ["60/2014/QH13"],
        "ket_qua": [{"ten": "Giấy xác nhận", "ma": "KQ.G15.000001"}],
        "thu_tuc_lien_quan": None,
        "nguon_url": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/x",
    }
    record.update(overrides)
    return record


def import_records(*records: dict):
    return procedures_import(records=list(records))
