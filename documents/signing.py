"""PAdES signing with pyHanko: visible stamp (signer, agency, local time), optional RFC 3161
timestamp, and a refusal to sign with the development CA when DEBUG is off."""

import functools
import io
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.exceptions import ApplicationError
from documents.devca import DEV_MARKER
from documents.signers.base import SigningIdentity

STAMP_WIDTH, STAMP_HEIGHT, MARGIN = 230, 62, 36


# Latin, Vietnamese letters and combining tones, and common punctuation.
STAMP_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    *range(0x1A0, 0x1B1),
    *range(0x300, 0x324),
    *range(0x1EA0, 0x1EFA),
    *range(0x2013, 0x2027),
]


@functools.cache
def stamp_font() -> Path:
    """A small subset of Noto Sans for the visible stamp, made once per process.

    pyHanko subsets the stamp font on every signature; doing that from the full 500 KB Noto
    Sans costs ~0.6 s per signature, from this ~40 KB subset a few milliseconds. The source is
    the project's own Noto Sans (documents.fonts), never a system font.
    """
    from fontTools import subset

    from documents.fonts import stamp_font_source

    target = Path(tempfile.gettempdir()) / "portal-stamp-noto-sans-v3.ttf"
    if target.exists():
        return target
    options = subset.Options()
    options.hinting = False
    # Vietnamese text is NFC: every letter has a precomposed glyph, so no shaping tables needed.
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    font = subset.load_font(str(stamp_font_source()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=STAMP_UNICODES)
    subsetter.subset(font)
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    subset.save_font(font, str(partial), options)
    partial.replace(target)  # atomic: parallel workers never read a half-written font
    return target


class DevCertificateRefused(ApplicationError):
    pass


def is_dev_certificate(certificate) -> bool:
    return certificate.subject.native.get("organizational_unit_name") == DEV_MARKER


def refuse_dev_chain_in_production(identity: SigningIdentity) -> None:
    if settings.DEBUG:
        return
    if any(is_dev_certificate(cert) for cert in identity.chain):
        raise DevCertificateRefused(
            str(_("Không được ký bằng chứng thư của CA phát triển khi hệ thống chạy thật.")),
            code="dev_ca_refused",
        )


def sign_pdf(
    *, pdf: bytes, identity: SigningIdentity, reason: str = "", location: str = ""
) -> bytes:
    """Add one visible PAdES signature to `pdf` (incrementally: earlier signatures stay valid)."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko.sign._session_scope import run_and_release  # what sign_pdf() wraps it in
    from pyhanko.stamp import TextStampStyle

    refuse_dev_chain_in_production(identity)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    existing = len(list(fields.enumerate_sig_fields(writer.prev)))
    field_name = f"Signature{existing + 1}"
    page_count = int(writer.root["/Pages"]["/Count"])
    # Stack stamps upwards on the last page's bottom-right corner, one per signature.
    box = _stamp_box(writer, page_count - 1, existing)
    field_spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page_count - 1, box=box)

    signed_at = timezone.localtime()
    lines = [
        str(_("Ký bởi: %(name)s")) % {"name": identity.display_name},
        *([identity.agency_name] if identity.agency_name else []),
        str(_("Thời gian: %(time)s")) % {"time": signed_at.strftime("%d/%m/%Y %H:%M:%S %z")},
    ]
    stamp_style = TextStampStyle(
        stamp_text="\n".join(line.replace("%", "%%") for line in lines),
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(stamp_font())), font_size=8),
        border_width=1,
        background=None,
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=identity.display_name,
    )
    timestamper = (
        timestamps.HTTPTimeStamper(settings.SIGNING_TSA_URL) if settings.SIGNING_TSA_URL else None
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signer=identity.signer,
        timestamper=timestamper,
        stamp_style=stamp_style,
        new_field_spec=field_spec,
    )
    out = io.BytesIO()
    run_coroutine(
        lambda: run_and_release(
            pdf_signer.async_sign_pdf(writer, output=out), metadata.validation_context
        )
    )
    return out.getvalue()


def run_coroutine(make_coroutine):
    """Run one of pyHanko's coroutines from sync code, even when this thread already runs an
    event loop (ASGI, or a test driving a browser), where `asyncio.run` would refuse."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


def _stamp_box(writer, page_index: int, existing: int) -> tuple[int, int, int, int]:
    media_box = _page_media_box(writer, page_index)
    x2 = int(media_box[2]) - MARGIN
    y1 = MARGIN + existing * (STAMP_HEIGHT + 6)
    return (x2 - STAMP_WIDTH, y1, x2, y1 + STAMP_HEIGHT)


def _page_media_box(writer, page_index: int):
    page_ref, *_rest = writer.find_page_for_modification(page_index)
    box = page_ref.get_object().get("/MediaBox") or [0, 0, 595, 842]
    return [float(v) for v in box]
