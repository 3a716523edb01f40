"""The PDF renderer fetches nothing outside its allow-list (the site's static and media files,
`data:` URIs).

A listener on 127.0.0.1 stands in for an internal service an attacker would like the server to
call (SSRF). Hostile markup is fed two ways: as citizen data through a real PDF the portal
renders (where autoescaping must keep it text), and straight into the renderer (as if a template
let it through), where the URL fetcher must refuse every outside URL.
"""

from __future__ import annotations

import http.server
import subprocess
import threading

import pytest

from dossiers.models import Dossier
from tests.security.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def listener():
    """A local HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def _hostile(base: str) -> str:
    return (
        f'<img src="{base}/img">'
        f'<link rel="stylesheet" href="{base}/css">'
        f"<style>@import url({base}/import); body {{ background: url({base}/bg) }}</style>"
        f'<iframe src="{base}/frame"></iframe>'
        f'<object data="{base}/object"></object>'
        f'<svg><image href="{base}/svg"/></svg>'
        '<img src="file:///etc/passwd">'
        '<link rel="attachment" href="file:///etc/passwd">'
        '<img src="/media/../../../../etc/passwd">'
        '<img src="/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd">'
    )


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def test_citizen_markup_in_a_rendered_pdf_stays_text(listener, tmp_path, settings):
    base, hits = listener
    world = World()
    dossier = world.dossier
    markup = _hostile(base)
    Dossier.objects.filter(pk=dossier.pk).update(
        applicant_data={**dossier.applicant_data, "full_name": "Nguyễn Văn A" + markup},
        delivery_address=f'<img src="{base}/addr">',
    )
    response = world.client("owner").get(f"/ho-so/{dossier.uuid}/giay-xac-nhan.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert hits == []
    text = _pdf_text(response.content, tmp_path)
    assert "root:x:0:0" not in text
    assert "<img" in text  # shown as the text it is, not interpreted


def test_the_renderer_refuses_every_outside_url(listener, tmp_path):
    from documents.rendering import html_to_pdf

    base, hits = listener
    html = f"<html><body><p>Thử nghiệm</p>{_hostile(base)}</body></html>"
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert hits == []
    text = _pdf_text(pdf, tmp_path)
    assert "root:x:0:0" not in text
    assert "Thử nghiệm" in text


def test_the_fetcher_still_reads_the_sites_own_static_files():
    """The allow-list is not 'nothing': the form layouts need the project's CSS and fonts."""
    from django.conf import settings

    from documents.rendering import DisallowedFetch, fetch_project_file

    data, _mime = fetch_project_file(f"{settings.SITE_URL}{settings.STATIC_URL}css/portal.css")
    assert data
    for url in (
        "http://127.0.0.1:6379/",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        f"{settings.SITE_URL}/admin/",
        f"{settings.SITE_URL}{settings.MEDIA_URL}../settings.py",
    ):
        with pytest.raises(DisallowedFetch):
            fetch_project_file(url)
