"""The citizen's personal-data PDF (right of access) for a citizen with 20 dossiers: median and
p95, and the ratio to a trivial one-page render of the same template measured alternately in the
same run (issue #25 target: under 2 s for 20 dossiers).

The sections are shaped as `accounts.personal_data.collect` returns them for the citizen of
`tests/test_personal_data_export.py` (account, profile, 42 log lines, 20 dossiers with their
applicant, answers and documents, a payment, a field report, a question), built here so the bench
needs no database; the HTML and the PDF are made by the portal's own code
(`accounts.identity.privacy.personal_data_html`, `documents.rendering.html_to_pdf`, PDF/A-2b).

Run: `.venv/bin/python bench/bench_personal_data_pdf.py [runs]` (or `make bench`).
"""

import datetime as dt
import io
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

RUNS = 10
DOSSIERS = 20
TARGET_MEDIAN_MS = 2000.0


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def citizen_sections(dossiers: int = DOSSIERS) -> dict:
    """What `personal_data.collect` returns for a citizen with `dossiers` submitted dossiers."""
    now = dt.datetime(2026, 12, 8, 9, 30, tzinfo=dt.UTC)
    user_id = str(uuid.uuid4())
    events = [
        {
            "at": now,
            "action": "document.stored",
            "object_type": "documents.storeddocument",
            "object_id": str(uuid.uuid4()),
            "data": {"size": 602, "sha256": "f16ded5a" * 8, "source": "uploaded"},
            "ip_address": None,
            "by_self": True,
        }
        for _ in range(2 * dossiers)
    ] + [
        {
            "at": now,
            "action": "auth.sessions_ended",
            "object_type": "accounts.user",
            "object_id": user_id,
            "data": {"is_active": True},
            "ip_address": None,
            "by_self": False,
        }
    ] * 2
    answers = [
        ("Lý do", ""),
        ("Họ, chữ đệm và tên", "Nguyễn Văn An"),
        ("Số định danh cá nhân", "072090001234"),
        ("Địa chỉ đăng ký thường trú", "34 Trần Hưng Đạo"),
    ]
    documents = [
        ("Tờ khai thay đổi thông tin cư trú", "Tải lên", "giay-to.pdf"),
        ("Giấy tờ chứng minh chỗ ở hợp pháp", "Tải lên", "giay-to.pdf"),
        ("Thẻ căn cước", "Không phải nộp: Nhà nước đã có", ""),
    ]
    return {
        "account": {
            "uuid": user_id,
            "email": "nguoidung0@example.vn",
            "full_name": "Nguyễn Văn An",
            "phone": "",
            "date_joined": now,
            "last_login": None,
            "roles": ["citizen"],
        },
        "profile": {
            "uuid": str(uuid.uuid4()),
            "full_name": "Nguyễn Văn An",
            "date_of_birth": None,
            "permanent_address": "12 Cách Mạng Tháng Tám, phường Tân Ninh",
            "phone": "0912345678",
            "email": "nguoidung0@example.vn",
            "assurance_level": 0,
            "created_at": now,
            "updated_at": now,
        },
        "organisations": [],
        "audit_events": events,
        "national_identities": [],
        "mandates": [],
        "privacy_requests": [],
        "dossiers": [
            {
                "code": f"000.00.01.T00-261208-{n:04d}",
                "procedure_code": "1.004222",
                "procedure_name": "Đăng ký thường trú",
                "status": "Mới nộp, chờ tiếp nhận",
                "channel": "Trực tuyến",
                "created_at": now,
                "submitted_at": now,
                "received_at": None,
                "due_at": None,
                "returned_at": None,
                "applicant": {
                    "full_name": "Nguyễn Văn An",
                    "id_number": "072090001234",
                    "date_of_birth": "",
                    "phone": "0912345678",
                    "email": "an@example.vn",
                    "address": "12 Cách Mạng Tháng Tám",
                },
                "answers": [{"question": q, "answer": a} for q, a in answers],
                "documents": [
                    {"requirement": r, "source": s, "file_name": f} for r, s, f in documents
                ],
                "result_delivery": "Bản điện tử trong kho dữ liệu của tôi",
                "delivery_address": "",
                "fee_vnd": 10000,
            }
            for n in range(dossiers, 0, -1)
        ],
        "payments": [
            {
                "dossier_code": "000.00.01.T00-261208-0001",
                "amount_vnd": 10000,
                "provider": "Nộp tại Bộ phận Một cửa",
                "status": "Đã thanh toán",
                "txn_ref": "TN-TEST-0001",
                "paid_at": None,
                "receipt_number": "",
            }
        ],
        "reports": [
            {
                "code": "PA-2026-000001",
                "title": "Đèn đường hỏng trên đường Cách Mạng Tháng Tám",
                "category": "Chiếu sáng công cộng",
                "description": "Ba cột đèn liền nhau không sáng từ tối thứ Hai, đoạn gần chợ.",
                "address": "Đường Cách Mạng Tháng Tám, khu phố 2",
                "status": "Mới tiếp nhận",
                "received_at": now,
                "answer_text": "",
                "answered_at": None,
            }
        ],
        "questions": [
            {
                "code": "HD-2026-000001",
                "title": "Hỏi về lệ phí",
                "body": "Lệ phí đăng ký thường trú là bao nhiêu?",
                "status": "Mới gửi",
                "created_at": now,
                "answer_text": "",
                "answered_at": None,
            }
        ],
        "ratings": [],
    }


def page_count(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])


def main(runs: int = RUNS) -> int:
    setup_django()
    from accounts.identity.privacy import personal_data_html
    from bench.harness import Figure, report
    from documents.rendering import html_to_pdf

    full = personal_data_html(person_name="Nguyễn Văn An", collected=citizen_sections())
    trivial = personal_data_html(
        person_name="Nguyễn Văn An", collected={"account": {"email": "an@example.vn"}}
    )
    pages = page_count(html_to_pdf(full))  # also the warm-up: imports, fonts
    html_to_pdf(trivial)
    samples: dict[str, list[float]] = {"trivial": [], "full": []}
    for _ in range(runs):  # alternately, so a busy neighbour slows both alike (fair ratio)
        for name, html in (("trivial", trivial), ("full", full)):
            started = time.perf_counter()
            html_to_pdf(html)
            samples[name].append((time.perf_counter() - started) * 1000)
    base = statistics.median(samples["trivial"])
    median = statistics.median(samples["full"])
    figures = [
        Figure("personal-data PDF, one page: median", "", base, "ms", base, source="accounts"),
        Figure(
            f"personal-data PDF, {DOSSIERS} dossiers ({pages} pages): median",
            f"< {TARGET_MEDIAN_MS:.0f} ms",
            median,
            "ms",
            base,
            ok=median < TARGET_MEDIAN_MS,
            source="accounts",
        ),
        Figure(
            f"personal-data PDF, {DOSSIERS} dossiers: p95",
            "",
            percentile(samples["full"], 0.95),
            "ms",
            base,
            source="accounts",
        ),
    ]
    print(f"personal-data PDF: one page / {DOSSIERS} dossiers, {runs} runs each, alternately")
    print(f"{'figure':<52} {'measured':>10} {'× 1 page':>9} {'pass':>5}")
    for figure in figures:
        report(figure)
        ratio = f"{figure.ratio:.1f}" if figure.ratio is not None else ""
        verdict = "-" if figure.ok is None else ("yes" if figure.ok else "NO")
        print(f"{figure.figure:<52} {figure.measured:>10.1f} {ratio:>9} {verdict:>5}")
    return 0 if all(f.ok is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else RUNS))
