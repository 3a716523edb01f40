"""The renderer fetches only the project's static and media files; citizen text stays text."""

import subprocess
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

import pytest

from documents import rendering


def test_fetcher_allows_static_and_media_only(settings, db):
    site = settings.SITE_URL
    data, mime = rendering.fetch_project_file(f"{site}/static/css/portal.css")
    assert data
    assert mime == "text/css"
    name = default_storage.save("logo-test.png", ContentFile(b"\x89PNG fake"))
    assert rendering.fetch_project_file(f"{site}/media/{name}")[0] == b"\x89PNG fake"
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/static/css/portal.css",
        f"{site}/static/../../../etc/passwd",
        f"{site}/admin/",
    ):
        with pytest.raises(rendering.DisallowedFetch):
            rendering.fetch_project_file(url)


def test_file_and_foreign_urls_are_refused(monkeypatch):
    outcomes = []
    real = rendering.fetch_project_file

    def spy(url):
        try:
            result = real(url)
        except rendering.DisallowedFetch:
            outcomes.append((url, "refused"))
            raise
        outcomes.append((url, "fetched"))
        return result

    monkeypatch.setattr(rendering, "fetch_project_file", spy)
    html = (
        "<p>a</p><img src='file:///etc/passwd'><img src='http://127.0.0.1:1/x.png'>"
        "<link rel='stylesheet' href='file:///etc/hostname'>"
    )
    assert rendering.html_to_pdf(html).startswith(b"%PDF")
    assert sorted(outcomes) == [
        ("file:///etc/hostname", "refused"),
        ("file:///etc/passwd", "refused"),
        ("http://127.0.0.1:1/x.png", "refused"),
    ]


def test_template_syntax_in_citizen_data_is_printed_literally(tmp_path, settings):
    pdf, version = rendering.render_form_pdf(
        form_code="ket_qua",
        document_uuid=uuid.uuid4(),
        context={
            "agency_name": "UBND xã Tân Biên",
            "applicant_name": "{{ settings.SECRET_KEY }}",
            "body_text": "<img src='file:///etc/passwd'> Đơn của ông Phạm Văn Đức",
        },
    )
    assert version == 1
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "{{ settings.SECRET_KEY }}" in text
    assert settings.SECRET_KEY not in text
    assert "<img src='file:///etc/passwd'> Đơn của ông Phạm Văn Đức" in text
