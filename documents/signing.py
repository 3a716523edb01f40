"""PAdES signing with pyHanko: a visible stamp (signer, role, agency, local time) and the level
of `settings.SIGNING_PADES_LEVEL`:

- B-B: CAdES-style CMS (/ETSI.CAdES.detached) with the signing certificate as a signed attribute;
- B-T: plus an RFC 3161 signature timestamp from SIGNING_TSA_URL;
- B-LT: plus the certificate chains and OCSP responses/CRLs of the signer and of the TSA in the
  document security store (/DSS), fetched while signing: the signature stays verifiable after
  the certificate expires or the CA goes away;
- B-LTA: plus a document timestamp over the DSS (its renewal before the TSA certificate ages is
  not automated yet: `pyhanko sign ltaupdate`).

Signing refuses the development CA when DEBUG is off, and (from B-LT) any certificate that does
not chain to SIGNING_TRUST_ROOTS or is revoked.
"""

import asyncio
import functools
import io
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.exceptions import ApplicationError
from documents import devca
from documents.constants import PadesLevel
from documents.devca import DEV_MARKER
from documents.fonts import stamp_font_source
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
    # Local import: fontTools is a heavy library, loaded on first use.
    from fontTools import subset

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


class SigningFailed(ApplicationError):
    """The signature could not be made at the configured level (TSA/OCSP down, chain untrusted,
    certificate revoked); nothing was issued."""


def trust_roots() -> list:
    """The roots signatures must chain to: SIGNING_TRUST_ROOTS, plus the development CA with
    DEBUG on. Used both to gather validation data when signing and by /verify/."""

    paths = list(settings.SIGNING_TRUST_ROOTS)
    dev_ca = Path(settings.SIGNING_KEYS_DIR) / devca.CA_CERT
    if settings.DEBUG and dev_ca.exists():
        paths.append(str(dev_ca))
    return list(_load_roots(tuple(paths)))


@functools.lru_cache(maxsize=8)
def _load_roots(paths: tuple[str, ...]) -> tuple:
    # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
    from pyhanko.keys import load_cert_from_pemder

    return tuple(load_cert_from_pemder(path) for path in paths)


def configured_level() -> str:
    return str(settings.SIGNING_PADES_LEVEL)


@functools.lru_cache(maxsize=4)
def _timestamper(url: str):
    """One per URL and process: pyHanko asks the TSA for a dummy token once, to size the
    signature container, and reuses it for every later signature."""
    # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
    from pyhanko.sign import timestamps

    return timestamps.HTTPTimeStamper(url, timeout=settings.SIGNING_TSA_TIMEOUT)


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
    *,
    pdf: bytes,
    identity: SigningIdentity,
    reason: str = "",
    location: str = "",
    level: str | None = None,
) -> bytes:
    """Add one visible PAdES signature to `pdf` (incrementally: earlier signatures stay valid),
    at `level` (default: SIGNING_PADES_LEVEL)."""
    # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign._session_scope import run_and_release  # what sign_pdf() wraps it in
    from pyhanko.sign.general import SigningError

    # Local import: pyhanko_certvalidator is heavy: loaded only where it is used
    # (house rule, ruff TID253).
    from pyhanko_certvalidator import ValidationContext

    level = level or configured_level()
    refuse_dev_chain_in_production(identity)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    all_fields = list(fields.enumerate_sig_fields(writer.prev))
    # Document timestamps are signature fields too, but invisible: stack stamps by signatures.
    stamps = sum(1 for _name, value, _ref in all_fields if not _is_doc_timestamp(value))
    field_name = _free_field_name({name for name, _value, _ref in all_fields})
    page_count = int(writer.root["/Pages"]["/Count"])
    # Stack stamps upwards on the last page's bottom-right corner, one per signature.
    box = _stamp_box(writer, page_count - 1, stamps)
    field_spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page_count - 1, box=box)

    long_term = level in (PadesLevel.B_LT, PadesLevel.B_LTA)
    validation_context = (
        ValidationContext(
            trust_roots=trust_roots(),
            other_certs=identity.chain[1:],
            allow_fetching=True,
            revocation_mode="hard-fail",
        )
        if long_term
        else None
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=identity.display_name,
        validation_context=validation_context,
        embed_validation_info=long_term,
        use_pades_lta=level == PadesLevel.B_LTA,
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signer=identity.signer,
        timestamper=_timestamper(settings.SIGNING_TSA_URL) if level != PadesLevel.B_B else None,
        stamp_style=_stamp_style(identity),
        new_field_spec=field_spec,
    )
    out = io.BytesIO()
    try:
        run_coroutine(
            lambda: run_and_release(
                pdf_signer.async_sign_pdf(writer, output=out), metadata.validation_context
            )
        )
    except (SigningError, OSError) as exc:
        # pyHanko wraps TSA/OCSP/CRL failures and untrusted or revoked chains in SigningError.
        raise SigningFailed(
            str(_("Không ký được văn bản ở mức %(level)s: %(reason)s"))
            % {"level": level, "reason": exc},
            code="signing_failed",
        ) from exc
    return out.getvalue()


def _stamp_style(identity: SigningIdentity):
    # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    signed_at = timezone.localtime()
    lines = [
        str(_("Ký bởi: %(name)s")) % {"name": identity.display_name},
        *([identity.role] if identity.role else []),
        *([identity.agency_name] if identity.agency_name else []),
        str(_("Thời gian: %(time)s")) % {"time": signed_at.strftime("%d/%m/%Y %H:%M:%S %z")},
    ]
    return TextStampStyle(
        stamp_text="\n".join(line.replace("%", "%%") for line in lines),
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(stamp_font())), font_size=8),
        border_width=1,
        background=None,
    )


def _is_doc_timestamp(value) -> bool:
    # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
    from pyhanko.pdf_utils import generic

    if isinstance(value, generic.IndirectObject):
        value = value.get_object()
    return isinstance(value, generic.DictionaryObject) and value.get("/Type") == "/DocTimeStamp"


def _free_field_name(taken: set[str]) -> str:
    index = 1
    while f"Signature{index}" in taken:
        index += 1
    return f"Signature{index}"


def run_coroutine(make_coroutine):
    """Run one of pyHanko's coroutines from sync code, even when this thread already runs an
    event loop (ASGI, or a test driving a browser), where `asyncio.run` would refuse."""

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
