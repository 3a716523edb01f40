"""A stored PDF shown inside a page under the strict CSP (ADR 0320): each page drawn as a PNG on
the server by Poppler's `pdftoppm`, and its text read by `pdftotext` for screen readers and for
searching the page with the browser. The browser receives plain images from our own origin; no
frame, no plugin, no script.

The file is one the portal already stores and scanned at upload; Poppler runs as a separate
process with a time limit and a fixed output size, so a broken or hostile PDF costs one refused
preview (`PreviewUnavailable`), never the page around it."""

from __future__ import annotations

import math
import re
import subprocess
from dataclasses import dataclass

from documents.models import StoredDocument

# Enough for a decision or a notice; a longer draft is read whole in the PDF.
PREVIEW_MAX_PAGES = 5
PREVIEW_WIDTH_PX = 900
POPPLER_TIMEOUT_S = 15
# A page's text beyond this is cut (the PDF stays one click away).
PAGE_TEXT_MAX_CHARS = 20_000


class PreviewUnavailable(Exception):
    """Poppler is missing, timed out, or could not read the file."""


@dataclass(frozen=True)
class PreviewPage:
    number: int
    text: str
    # The size in pixels of the page's image (`pdf_page_png`), for the <img>'s width and height:
    # the browser keeps the room before the image arrives, and the text below does not jump.
    # None when pdfinfo did not give the page's size.
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class PdfPreview:
    pages: tuple[PreviewPage, ...]
    # The file has more pages than the preview shows.
    truncated: bool


def _poppler(args: list[str], data: bytes) -> bytes:
    try:
        done = subprocess.run(  # noqa: S603 -- fixed argument list, the PDF on stdin
            args, input=data, capture_output=True, timeout=POPPLER_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PreviewUnavailable(str(error)) from error
    if done.returncode != 0:
        raise PreviewUnavailable(done.stderr.decode(errors="replace")[:200])
    return done.stdout


def _read(document: StoredDocument) -> bytes:
    if not document.is_pdf:
        raise PreviewUnavailable("not a PDF")
    with document.file.open("rb") as fh:
        return bytes(fh.read())


_PAGE_SIZE = re.compile(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts", re.MULTILINE)
_PAGE_ROTATION = re.compile(r"^Page\s+(\d+) rot:\s+(\d+)", re.MULTILINE)


def image_sizes(data: bytes) -> dict[int, tuple[int, int]]:
    """{page: (width, height)} of the images `pdf_page_png` draws, from pdfinfo's page sizes:
    pdftoppm scales the unrotated page to PREVIEW_WIDTH_PX wide (rounding the height up), then
    turns it. Empty when pdfinfo cannot say (the images are then shown without a size)."""
    try:
        info = _poppler(["pdfinfo", "-f", "1", "-l", str(PREVIEW_MAX_PAGES), "-"], data).decode(
            "utf-8", errors="replace"
        )
    except PreviewUnavailable:
        return {}
    rotations = {int(n): int(r) % 360 for n, r in _PAGE_ROTATION.findall(info)}
    sizes = {}
    for n, w, h in _PAGE_SIZE.findall(info):
        width, height = float(w), float(h)
        if width <= 0 or height <= 0:
            continue
        size = (PREVIEW_WIDTH_PX, math.ceil(PREVIEW_WIDTH_PX * height / width))
        sizes[int(n)] = size[::-1] if rotations.get(int(n)) in (90, 270) else size
    return sizes


def pdf_preview(document: StoredDocument) -> PdfPreview:
    """The first pages of `document` with their text (pdftotext separates pages by a form feed,
    which also counts them) and the size of their images."""
    data = _read(document)
    text = _poppler(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], data)
    chunks = text.decode("utf-8", errors="replace").split("\f")
    if chunks and not chunks[-1].strip():
        chunks.pop()  # the form feed after the last page
    if not chunks:
        raise PreviewUnavailable("no pages")
    sizes = image_sizes(data)
    pages = tuple(
        PreviewPage(
            number=n,
            text=chunk.strip("\n")[:PAGE_TEXT_MAX_CHARS],
            width=sizes.get(n, (None, None))[0],
            height=sizes.get(n, (None, None))[1],
        )
        for n, chunk in enumerate(chunks[:PREVIEW_MAX_PAGES], start=1)
    )
    return PdfPreview(pages=pages, truncated=len(chunks) > PREVIEW_MAX_PAGES)


def pdf_page_png(document: StoredDocument, *, page: int) -> bytes:
    """Page `page` (from 1, at most PREVIEW_MAX_PAGES) of `document` as a PNG
    PREVIEW_WIDTH_PX wide (the unrotated page; see `image_sizes`)."""
    return page_png(_read(document), page=page)


def page_png(data: bytes, *, page: int) -> bytes:
    """`pdf_page_png` of a PDF's bytes."""
    if not 1 <= page <= PREVIEW_MAX_PAGES:
        raise PreviewUnavailable("page out of range")
    png = _poppler(
        [
            "pdftoppm",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-scale-to-x",
            str(PREVIEW_WIDTH_PX),
            "-scale-to-y",
            "-1",
            "-singlefile",
            "-",
        ],
        data,
    )
    if not png.startswith(b"\x89PNG"):
        raise PreviewUnavailable("no such page")
    return png
