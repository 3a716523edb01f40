"""The size of a preview page's image is known before it is drawn (documents/previews.py): the
officer's page gives each <img> its width and height, so nothing moves while images arrive."""

import struct

import pytest

from documents.previews import PREVIEW_WIDTH_PX, image_sizes, page_png
from documents.tests.helpers import pdf_from_objects


def _pdf(*pages: str) -> bytes:
    """A PDF whose pages have the given extra dictionary entries (a MediaBox, a Rotate)."""
    count = len(pages)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (3 + i) for i in range(count)), count),
        *(b"<< /Type /Page /Parent 2 0 R %s >>" % page.encode() for page in pages),
    ]
    return pdf_from_objects(objects)


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])  # IHDR
    return width, height


@pytest.mark.parametrize(
    "pages",
    [
        ("/MediaBox [0 0 595 842]",),  # A4
        ("/MediaBox [0 0 595.28 841.89]", "/MediaBox [0 0 842 595]"),  # A4, then landscape
        ("/MediaBox [0 0 612 792] /Rotate 90",),  # Letter, turned
    ],
)
def test_image_sizes_are_the_sizes_pdftoppm_draws(pages):
    data = _pdf(*pages)
    sizes = image_sizes(data)
    assert sorted(sizes) == list(range(1, len(pages) + 1))
    for number, size in sizes.items():
        assert size == _png_size(page_png(data, page=number))
    assert sizes[1][0 if "/Rotate" not in pages[0] else 1] == PREVIEW_WIDTH_PX


def test_no_size_when_pdfinfo_cannot_read_the_file():
    assert image_sizes(b"not a pdf") == {}
