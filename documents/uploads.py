"""Checks every uploaded file goes through before it is stored (called by services.document_store).

The bytes decide what a file is; its name and the browser's content type are ignored. PDFs must
parse and must not be encrypted; images are decoded and re-encoded, which drops EXIF (GPS) and
anything smuggled after the image data.
"""

import io
import re
import warnings
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError

from common.exceptions import ApplicationError
from documents.constants import JPEG, PDF, PNG
from documents.scanners import ScannerUnavailable, get_scanner


class UploadRefused(ApplicationError):
    """A file was refused; `message` is the translated reason shown to the user."""


@dataclass(frozen=True)
class CleanFile:
    data: bytes
    content_type: str


def clean_upload(data: bytes) -> CleanFile:
    if not data:
        raise UploadRefused(str(_("Tệp rỗng.")), code="empty")
    check_size(len(data))
    content_type = sniff_content_type(data)
    if content_type == PDF:
        check_pdf(data)
    elif content_type in (JPEG, PNG):
        data = reencode_image(data, content_type)
    scan(data)
    return CleanFile(data=data, content_type=content_type)


def check_size(size: int) -> None:
    limit = settings.DOCUMENTS_MAX_FILE_BYTES
    if size > limit:
        raise UploadRefused(
            str(_("Tệp quá lớn: tối đa %(mb)s MB mỗi tệp.")) % {"mb": limit // (1024 * 1024)},
            code="too_large",
        )


def sniff_content_type(data: bytes) -> str:
    kind = filetype.guess(data)
    allowed = settings.DOCUMENTS_ALLOWED_TYPES
    if kind is None or kind.mime not in allowed:
        raise UploadRefused(
            str(_("Loại tệp không được chấp nhận. Chỉ nhận: %(types)s."))
            % {"types": _labels(allowed)},
            code="type_not_allowed",
        )
    return kind.mime


def _labels(types: list[str]) -> str:
    names = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
    return ", ".join(names.get(t, t) for t in types)


def check_pdf(data: bytes) -> None:
    # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        encrypted = reader.encrypted
        if not encrypted:
            pages = int(reader.root["/Pages"]["/Count"])
    except (PdfError, KeyError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise UploadRefused(
            str(_("Tệp PDF bị hỏng hoặc không đọc được.")), code="pdf_broken"
        ) from exc
    if encrypted:
        raise UploadRefused(
            str(_("Tệp PDF được đặt mật khẩu hoặc mã hóa; hãy tải lên bản không mã hóa.")),
            code="pdf_encrypted",
        )
    if pages < 1:
        raise UploadRefused(str(_("Tệp PDF không có trang nào.")), code="pdf_broken")
    try:
        active = pdf_active_content(reader, data)
    except (PdfError, KeyError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise UploadRefused(
            str(_("Tệp PDF bị hỏng hoặc không đọc được.")), code="pdf_broken"
        ) from exc
    if active:
        raise UploadRefused(
            str(
                _(
                    "Tệp PDF có mã chạy tự động (JavaScript hoặc lệnh mở chương trình) nên không "
                    "được nhận. Hãy in tệp ra PDF (“Print to PDF”) hoặc quét lại rồi tải lên."
                )
            ),
            code="pdf_active_content",
        )


# Names that make a PDF run something when opened or clicked (docs/adr/0211-pdf-active-content.md).
_ACTIVE_KEYS = frozenset({"/JavaScript", "/JS"})
_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch"})
_PASSIVE_OPEN_ACTIONS = frozenset({"/GoTo"})  # "open at page n": harmless and common
_RAW_MARKERS = re.compile(
    rb"/(?:JavaScript|JS|Launch|OpenAction|ObjStm)\b|/[A-Za-z]*#[0-9A-Fa-f]{2}"
)
_WALK_BUDGET = 200_000  # objects and entries visited at most; a file beyond that is refused


def pdf_active_content(reader: Any, data: bytes) -> bool:
    """Whether the PDF carries JavaScript, a Launch action or an active OpenAction.

    The bytes are searched first: without any of these names in clear, and without compressed
    object streams or #-escaped names that could hide them, the file has none. Otherwise the
    object graph is walked from the trailer."""
    if not _RAW_MARKERS.search(data):
        return False
    # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
    from pyhanko.pdf_utils import generic

    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer_view]
    budget = _WALK_BUDGET
    while stack:
        budget -= 1
        if budget < 0:
            return True  # too intricate to be sure: refuse rather than guess
        node = stack.pop()
        if isinstance(node, generic.IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                node = node.get_object()
            except Exception:  # noqa: S112 - a dangling reference hides nothing
                continue
        if isinstance(node, generic.DictionaryObject):
            if _ACTIVE_KEYS & set(node.keys()) or node.get("/S") in _ACTIVE_ACTIONS:
                return True
            opening = node.get("/OpenAction")
            if opening is not None and _is_active_open_action(opening):
                return True
            stack.extend(node.raw_get(k) for k in list(node))
        elif isinstance(node, generic.ArrayObject):
            stack.extend(node.raw_get(i) for i in range(len(node)))
    return False


def _is_active_open_action(value: Any) -> bool:
    # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
    from pyhanko.pdf_utils import generic

    if isinstance(value, generic.DictionaryObject):
        return value.get("/S") not in _PASSIVE_OPEN_ACTIONS
    return False  # a destination array: the page to open at


def check_image_pixels(width: int, height: int) -> None:
    """Refuse, from the header alone, an image too large to decode safely: a 336 KB PNG can
    declare 9,400 × 9,400 pixels and cost seconds and hundreds of MB to decode (a
    decompression bomb). Pillow's own limit (89 MP) is far above any scan or photo we need."""
    limit = settings.DOCUMENTS_MAX_IMAGE_PIXELS
    if width * height > limit:
        raise UploadRefused(
            str(
                _(
                    "Ảnh quá lớn: %(width)s × %(height)s điểm ảnh, tối đa %(mp)s triệu điểm ảnh. "
                    "Hãy chụp hoặc quét lại ở độ phân giải thấp hơn."
                )
            )
            % {"width": width, "height": height, "mp": limit // 1_000_000},
            code="image_too_large",
        )


def _open_header(data: bytes) -> Image.Image:
    """The image with only its header read; Pillow's own bomb warning is left to our limit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            return Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as exc:  # over twice Pillow's limit: say so
            size = re.search(r"\((\d+) pixels\)", str(exc))
            pixels = int(size.group(1)) if size else settings.DOCUMENTS_MAX_IMAGE_PIXELS + 1
            check_image_pixels(pixels, 1)
            raise


def reencode_image(data: bytes, content_type: str) -> bytes:
    try:
        with _open_header(data) as opened:
            check_image_pixels(*opened.size)  # before a single pixel is decoded
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                opened.load()
                # Apply the EXIF rotation before the EXIF block is dropped.
                image: Image.Image = ImageOps.exif_transpose(opened)
                out = io.BytesIO()
                if content_type == JPEG:
                    image.convert("RGB").save(out, format="JPEG", quality=90, optimize=True)
                else:
                    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                        image = image.convert("RGBA")
                    image.save(out, format="PNG", optimize=True)
    except (
        UnidentifiedImageError,
        OSError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise UploadRefused(
            str(_("Ảnh bị hỏng hoặc quá lớn để xử lý.")), code="image_broken"
        ) from exc
    return out.getvalue()


def scan(data: bytes) -> None:
    try:
        result = get_scanner().scan(data)
    except ScannerUnavailable as exc:
        raise UploadRefused(
            str(_("Chưa kiểm tra được mã độc của tệp; vui lòng thử lại sau ít phút.")),
            code="scanner_unavailable",
        ) from exc
    if not result.clean:
        raise UploadRefused(
            str(_("Tệp chứa mã độc (%(name)s) và đã bị từ chối.")) % {"name": result.signature},
            code="infected",
            extra={"signature": result.signature},
        )
