"""Icons are inline SVG from the npm package (common.icons, ADR 0230), not an icon font."""

import re
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory

import pytest

from common.icons import UnknownIcon, icon_html, icon_shape
from portal.entry_points import ENTRY_POINTS, MY_PAGE_LINKS

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [
    p for p in ROOT.glob("**/templates") if not {".venv", "node_modules"} & set(p.parts)
]
ICON_TAG = re.compile(r'\{%\s*icon\s+"([^"]+)"')


def _templates() -> list[Path]:
    return [f for d in TEMPLATE_DIRS for f in d.rglob("*.html")]


def test_every_icon_a_template_or_an_entry_point_names_exists():
    named = {m for f in _templates() for m in ICON_TAG.findall(f.read_text(encoding="utf-8"))}
    named |= {e.icon for e in (*ENTRY_POINTS, *MY_PAGE_LINKS)}
    assert len(named) > 10
    for name in named:
        assert "<path" in icon_shape(name), name


def test_no_template_uses_the_icon_font_any_more():
    font_class = re.compile(r'class="bi\b')
    offenders = [str(f) for f in _templates() if font_class.search(f.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.parametrize("name", ["no-such-icon", "../etc/passwd", "Search", ""])
def test_an_unknown_or_malformed_name_is_an_error(name):
    with pytest.raises(UnknownIcon):
        icon_html(name, None)


@pytest.mark.django_db
def test_a_full_page_refers_to_one_sprite_that_defines_each_icon_once(client):
    html = client.get("/").content.decode()
    used = re.findall(r'<use href="#bi-([a-z0-9-]+)">', html)
    defined = re.findall(r'<symbol id="bi-([a-z0-9-]+)"', html)
    assert "search" in used
    assert sorted(set(used)) == sorted(defined)  # every reference resolves, nothing unused
    assert html.index('<symbol id="bi-search"') > html.index('<use href="#bi-search">')
    assert "bootstrap-icons" not in html  # the font's stylesheet is gone


def test_without_the_layout_an_icon_is_drawn_inline():
    request = RequestFactory().get("/")
    html = icon_html("bell", request, "fs-2")
    assert html.startswith('<svg class="bi bi-bell fs-2"')
    assert "<path" in html
    assert "<use" not in html
    assert 'aria-hidden="true"' in html


@pytest.mark.django_db
def test_a_partial_rendered_alone_carries_its_icon(citizen):
    html = render_to_string("notifications/_bell.html", {"user": citizen})
    assert '<svg class="bi bi-bell"' in html
    assert "<path" in html
