"""Test data makers shared by the documents tests."""

import io
import socket

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def flip_one_byte(pdf: bytes) -> bytes:
    """Change one byte inside the first page's content stream, which every signature covers."""
    start = pdf.index(b"stream", pdf.index(b"/Length")) + len(b"stream\n") + 20
    changed = bytearray(pdf)
    changed[start] ^= 0x01
    return bytes(changed)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pdf_from_objects(objects: list[bytes], *, padding: int = 0) -> bytes:
    """A PDF of the given objects (numbered from 1; the first is the catalogue) with a correct
    cross-reference table; `padding` bytes of comment before the first object make it bigger."""
    out = bytearray(b"%PDF-1.4\n")
    if padding:
        out += b"%" + b"0" * padding + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def make_pdf(text: str = "Giấy khai sinh — Nguyễn Văn An") -> bytes:
    """A small valid one-page PDF (rendered by WeasyPrint without the PDF/A overhead)."""
    from documents.rendering import html_to_pdf

    return html_to_pdf(f"<p style='font-family: Portal Serif'>{text}</p>", archival=False)


def make_png(with_gps: bool = False) -> bytes:
    from PIL import Image

    image = Image.new("RGB", (40, 30), (200, 30, 30))
    out = io.BytesIO()
    if with_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (10.0, 45.0, 0.0)}  # GPS IFD: latitude
        image.save(out, format="PNG", exif=exif)
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def make_jpeg_with_gps() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (40, 30), (30, 200, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (10.0, 45.0, 0.0), 3: "E", 4: (106.0, 10.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


RECEIPT_CONTEXT = {
    "applicant_name": "Nguyễn Thị Ánh Tuyết",
    "applicant_id": "072190004321",
    "applicant_address": "Ấp Trường Ân, xã Tân Biên, tỉnh Tây Ninh",
    "applicant_phone": "0912345678",
    "applicant_email": "tuyet@example.vn",
    "procedure_name": "Đăng ký khai sinh",
    "components": [
        {"name": "Tờ khai đăng ký khai sinh", "kind": "Bản chính", "quantity": 1},
        {"name": "Giấy chứng sinh", "kind": "Bản sao điện tử", "quantity": 1},
    ],
    "processing_days": 3,
    "return_place": "Bộ phận Một cửa xã Tân Biên",
    "officer_name": "Trần Thị Bích Ngọc",
}


def read(document) -> bytes:
    with document.file.open("rb") as fh:
        return fh.read()


def issue_receipt(citizen, agency, **kwargs):
    from documents.services import document_issue_form

    return document_issue_form(
        form_code="mau_01",
        context=RECEIPT_CONTEXT,
        title="Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        agency=agency,
        owner_user=citizen,
        dossier_reference="H56.10.01-251128-0001",
        **kwargs,
    )
