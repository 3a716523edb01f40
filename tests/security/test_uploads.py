"""Upload attacks through the real upload page (`/kho-du-lieu/tai-len/`), as a signed-in citizen.

The bytes decide what a file is (documents/uploads.py): these tests send what an attacker would —
polyglots, lying extensions, a decompression bomb, a zip bomb, oversized files, path-traversal
and header-injection names — and check what is stored and how it is served back.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from PIL import Image

from documents.models import StoredDocument
from dossiers.tests.submission_helpers import pdf_bytes

pytestmark = pytest.mark.django_db

UPLOAD = "/kho-du-lieu/tai-len/"


@pytest.fixture(autouse=True)
def _no_virus_scanner(settings):
    settings.VIRUS_SCANNER = "none"


def _png(size=(8, 8), extra_chunks: list[tuple[bytes, bytes]] = ()) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 90, 160)).save(out, format="PNG")
    data = out.getvalue()
    if not extra_chunks:
        return data
    # Insert chunks just before IEND.
    iend = data.rindex(b"IEND") - 4
    chunks = b""
    for kind, body in extra_chunks:
        chunks += struct.pack(">I", len(body)) + kind + body
        chunks += struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return data[:iend] + chunks + data[iend:]


def _post(client, name: str, data: bytes, content_type: str = "application/octet-stream"):
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(UPLOAD, {"file": upload, "title": "Giấy tờ thử"})


def _refused(response) -> bool:
    return response.status_code == 400 and not StoredDocument.objects.exists()


def _stored(citizen) -> StoredDocument:
    return StoredDocument.objects.get(owner_user=citizen)


# --- polyglots --------------------------------------------------------------------------------


def test_html_that_also_holds_a_pdf_is_refused(citizen_client):
    polyglot = b"<html><script>alert(document.cookie)</script>\n" + pdf_bytes()
    assert _refused(_post(citizen_client, "giay-to.pdf", polyglot, "application/pdf"))


def test_svg_with_script_named_png_is_refused(citizen_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert _refused(_post(citizen_client, "anh.png", svg, "image/png"))


def test_gif_javascript_polyglot_is_refused(citizen_client):
    gifjs = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/=1;alert(document.domain);//"
    assert _refused(_post(citizen_client, "anh.gif", gifjs, "image/gif"))


def test_png_carrying_html_in_a_text_chunk_is_reencoded_without_it(citizen, citizen_client):
    payload = b"<script>alert(document.cookie)</script>"
    data = _png(extra_chunks=[(b"tEXt", b"Comment\x00" + payload)])
    response = _post(citizen_client, "anh.png", data, "image/png")
    assert response.status_code == 302
    document = _stored(citizen)
    with document.file.open("rb") as handle:
        stored = handle.read()
    assert payload not in stored
    Image.open(io.BytesIO(stored)).verify()


def test_pdf_with_a_zip_appended_is_stored_as_a_pdf_and_served_as_an_attachment(
    citizen, citizen_client
):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("index.html", "<script>alert(1)</script>")
    response = _post(citizen_client, "ho-so.pdf", pdf_bytes() + archive.getvalue())
    if response.status_code == 400:  # refusing the polyglot outright is also fine
        return
    document = _stored(citizen)
    assert document.content_type == "application/pdf"
    download = citizen_client.get(f"/kho-du-lieu/{document.uuid}/tai-ve/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    b"".join(download.streaming_content)


# --- lying extensions ---------------------------------------------------------------------------


def test_executable_named_pdf_is_refused(citizen_client):
    assert _refused(_post(citizen_client, "to-khai.pdf", b"MZ\x90\x00" + b"\x00" * 200))


def test_html_named_jpg_is_refused(citizen_client):
    assert _refused(_post(citizen_client, "anh.jpg", b"<!doctype html><h1>x</h1>", "image/jpeg"))


def test_png_named_exe_is_stored_and_served_as_png(citizen, citizen_client):
    response = _post(citizen_client, "virus.exe", _png(), "application/x-msdownload")
    assert response.status_code == 302
    document = _stored(citizen)
    assert document.content_type == "image/png"
    assert document.file.name.endswith(".png")
    download = citizen_client.get(f"/kho-du-lieu/{document.uuid}/tai-ve/")
    assert download["Content-Type"] == "image/png"
    assert ".exe" not in download["Content-Disposition"]
    b"".join(download.streaming_content)


# --- bombs and sizes ------------------------------------------------------------------------------


def test_zip_bomb_is_refused(citizen_client):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("bom.txt", b"\x00" * (20 * 1024 * 1024))  # 20 MB of zeros → ~20 KB
    assert len(archive.getvalue()) < 100_000
    assert _refused(_post(citizen_client, "giay-to.pdf", archive.getvalue(), "application/pdf"))


def test_image_decompression_bomb_is_refused(citizen_client):
    # A tiny PNG that claims 30000×30000 pixels (900 megapixels, over Pillow's bomb limit).
    out = io.BytesIO()
    Image.new("1", (30000, 30000)).save(out, format="PNG")
    data = out.getvalue()
    assert len(data) < 2_000_000
    assert _refused(_post(citizen_client, "anh.png", data, "image/png"))


def test_oversized_file_is_refused_before_it_is_read(citizen_client, settings):
    settings.DOCUMENTS_MAX_FILE_BYTES = 50_000
    big = pdf_bytes(pad_to=120_000)
    assert _refused(_post(citizen_client, "lon.pdf", big, "application/pdf"))


def test_empty_file_is_refused(citizen_client):
    response = citizen_client.post(
        UPLOAD, {"file": SimpleUploadedFile("rong.pdf", b""), "title": "Rỗng"}
    )
    assert response.status_code == 400
    assert not StoredDocument.objects.exists()


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../../../../etc/passwd.pdf",
        "..\\..\\..\\windows\\win.ini.pdf",
        "/var/www/media/documents/de-ghi.pdf",
        "a\x00b.pdf",
        "ten\r\nSet-Cookie: x=1.pdf",
    ],
)
def test_path_traversal_and_control_characters_in_names_go_nowhere(citizen, citizen_client, name):
    response = _post(citizen_client, name, pdf_bytes(), "application/pdf")
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert not StoredDocument.objects.exists()
        return
    document = _stored(citizen)
    # The file lives where the portal put it, named by a random hex, whatever was sent.
    assert document.file.name.startswith("documents/")
    assert ".." not in document.file.name
    assert document.file.name.rsplit("/", 1)[-1][:-4].isalnum()
    assert "/" not in document.original_name
    assert "\\" not in document.original_name
    assert not any(ch in document.original_name for ch in "\x00\r\n")
    download = citizen_client.get(f"/kho-du-lieu/{document.uuid}/tai-ve/")
    disposition = download["Content-Disposition"]
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert "Set-Cookie" not in download.headers or "x=1" not in download["Set-Cookie"]
    b"".join(download.streaming_content)
