"""Checks every uploaded file goes through before it is stored (called by services.document_store).

The bytes decide what a file is; its name and the browser's content type are ignored. PDFs must
parse and must not be encrypted; images are decoded and re-encoded, which drops EXIF (GPS) and
anything smuggled after the image data.
"""

import io
import warnings
from dataclasses import dataclass

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


def reencode_image(data: bytes, content_type: str) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
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
