"""Installable web app: the manifest, the committed icons and the service worker."""

from pathlib import Path

from django.contrib.staticfiles import finders

import pytest
from PIL import Image

pytestmark = pytest.mark.django_db

IMG = Path(__file__).resolve().parent.parent / "static" / "img"


def test_manifest_lists_real_png_icons_of_the_stated_size(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "Cổng Dịch vụ công tỉnh Tây Ninh"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "vi"
    purposes = set()
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]
        purposes.add(icon.get("purpose", "any"))
    assert purposes == {"any", "maskable"}
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes


def test_maskable_icon_is_opaque_full_bleed():
    """Android crops maskable icons to any shape: the corners must be painted, not transparent."""
    with Image.open(IMG / "icon-512-maskable.png") as image:
        corner = image.convert("RGBA").getpixel((0, 0))
    assert corner == (11, 83, 148, 255)


def test_icon_script_draws_what_is_committed(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_icons", IMG / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    drawn = module.draw_icon(192, maskable=False)
    with Image.open(IMG / "icon-192.png") as committed:
        assert committed.size == drawn.size
        assert committed.mode == drawn.mode


def test_service_worker_caches_the_offline_page_and_its_styles(client):
    response = client.get("/sw.js")
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert 'const OFFLINE_URL = "/offline/";' in body
    from common.templatetags.site_css import site_stylesheet_urls

    for url in site_stylesheet_urls():  # css/site.css once `npm run build` has run
        assert f'"{url}",' in body


def test_offline_page_renders(client):
    response = client.get("/offline/")
    assert response.status_code == 200
    assert "Bạn đang ngoại tuyến" in response.content.decode()
