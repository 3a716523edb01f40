"""PDFs and stamps use only the project's fonts (documents.fonts, ADR 0200), on any machine."""

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

from django.conf import settings

import pytest

from documents.fonts import FACES, FONT_URL_PREFIX, font_file_for_url, stamp_font_source
from documents.rendering import DisallowedFetch, fetch_project_file, render_form_pdf
from documents.signing import stamp_font

ROOT = Path(settings.BASE_DIR)
VIETNAMESE = "Nguyễn Thị Ánh Tuyết — Ủy ban nhân dân xã Tân Biên, tỉnh Tây Ninh"


def embedded_fonts(pdf_path: Path) -> list[tuple[str, str]]:
    """(name without the subset tag, "emb" column) of every font pdffonts lists."""
    out = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True)
    rows = []
    for line in out.stdout.splitlines()[2:]:
        name = line.split()[0]
        embedded = re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line)
        assert embedded, line
        rows.append((name.split("+", 1)[-1], embedded.group(1)))
    return rows


def test_a_rendered_form_embeds_only_the_project_fonts(tmp_path):
    pdf, _version = render_form_pdf(
        form_code="mau_01",
        context={"applicant_name": VIETNAMESE},
        document_uuid=uuid.uuid4(),
    )
    path = tmp_path / "mau_01.pdf"
    path.write_bytes(pdf)
    fonts = embedded_fonts(path)
    assert fonts, "the form embeds no font at all"
    assert all(name.startswith(("Portal-Serif", "Portal-Sans")) for name, _ in fonts), fonts
    assert all(emb == "yes" for _, emb in fonts), fonts


def test_without_any_system_font_a_pdf_keeps_its_vietnamese_text(tmp_path):
    """fontconfig pointed at a configuration with no font folder: only the project's fonts exist,
    so a template that relied on an installed font would lose its letters."""
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
        f"<fontconfig><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    out = tmp_path / "plain.pdf"
    script = (
        "import django, sys; django.setup()\n"
        "from documents.rendering import html_to_pdf\n"
        "html = '<p style=\"font-family: Portal Sans\">' + sys.argv[1] + ' <b>đậm</b></p>'\n"
        "open(sys.argv[2], 'wb').write(html_to_pdf(html, archival=False))\n"
    )
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(config),
        "DJANGO_SETTINGS_MODULE": "portal.settings_test",
    }
    subprocess.run(
        [sys.executable, "-c", script, VIETNAMESE, str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert " ".join(text.split()) == f"{VIETNAMESE} đậm"
    assert {name for name, _ in embedded_fonts(out)} == {"Portal-Sans", "Portal-Sans-Bold"}


def test_the_stamp_font_is_a_subset_of_the_project_noto_sans():
    from fontTools.ttLib import TTFont

    assert stamp_font_source().is_relative_to(ROOT / "node_modules")
    cmap = TTFont(stamp_font()).getBestCmap()
    assert all(ord(letter) in cmap for letter in "ẢẤỰỹđĐ")


def test_the_font_fetcher_serves_only_the_listed_faces():
    data, mime = fetch_project_file(settings.SITE_URL + FONT_URL_PREFIX + "NotoSerif_700Bold.ttf")
    assert data[:4] == b"\x00\x01\x00\x00"  # a TrueType file
    assert mime == "font/ttf"
    assert font_file_for_url(FONT_URL_PREFIX + "NotoSerif_100Thin.ttf") is None  # not a listed face
    with pytest.raises(DisallowedFetch):
        fetch_project_file(settings.SITE_URL + FONT_URL_PREFIX + "DejaVuSans.ttf")
    assert len(FACES) == 8


def test_no_source_names_a_system_font_folder():
    folders = ("/usr/share/fonts", "/usr/share/fonts-", "/usr/local/share/fonts")
    offenders = []
    for path in ROOT.rglob("*"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", "node_modules", ".git", "staticfiles", "media", "var", "docs"}:
            continue
        if path.suffix not in {
            ".py",
            ".html",
            ".css",
            ".js",
            ".toml",
            ".txt",
            ".sh",
        } and path.name not in {
            "Makefile",
            "Dockerfile",
        }:
            continue
        if path == Path(__file__):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [str(path.relative_to(ROOT)) for folder in folders if folder in text]
    assert not offenders, offenders
