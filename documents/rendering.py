"""HTML → PDF with WeasyPrint, for official forms and results.

Templates are ours and versioned (`documents/official/<form>/v<N>.html`); citizen data only ever
arrives as context, autoescaped. The URL fetcher lets WeasyPrint read the project's static and
media files and `data:` URIs, and nothing else: no network, no other `file://`.
"""

import atexit
import base64
import io
import mimetypes
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.exceptions import ApplicationError
from documents.fonts import FONT_URL_PREFIX, font_face_css, font_file_for_url


@dataclass(frozen=True)
class OfficialForm:
    code: str
    title: Any  # a lazily translated string
    current_version: int
    doc_type_code: str

    @property
    def number(self) -> str:
        """The form's number in TT 03/2025 Phụ lục I ("01" for mau_01); empty for a result."""
        return self.code.removeprefix("mau_") if self.code.startswith("mau_") else ""


# The official forms this app can render (TT 03/2025/TT-VPCP Phụ lục I, plus results).
OFFICIAL_FORMS: dict[str, OfficialForm] = {
    form.code: form
    for form in (
        OfficialForm("mau_01", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), 1, "BM01"),
        OfficialForm("ket_qua", _("Kết quả giải quyết thủ tục hành chính"), 1, "KQ"),
        # forms: the other forms of TT 03/2025/TT-VPCP Phụ lục I (dossiers.official_forms package).
        OfficialForm("mau_02", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"), 1, "BM02"),
        OfficialForm("mau_03", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ"), 1, "BM03"),
        OfficialForm(
            "mau_04", _("Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"), 1, "BM04"
        ),
        OfficialForm("mau_05", _("Thông báo dừng giải quyết hồ sơ"), 1, "BM05"),
        OfficialForm("mau_06", _("Phiếu kiểm soát quá trình giải quyết hồ sơ"), 1, "BM06"),
        OfficialForm("mau_07", _("Sổ theo dõi hồ sơ"), 1, "BM07"),
    )
}


def official_template(*, form_code: str, version: int | None = None) -> tuple[str, int]:
    try:
        form = OFFICIAL_FORMS[form_code]
    except KeyError:
        raise ApplicationError(f"unknown form {form_code!r}", code="unknown_form") from None
    version = version or form.current_version
    return f"documents/official/{form_code}/v{version}.html", version


def verify_url(document_uuid) -> str:
    return settings.SITE_URL + reverse("verify:document", kwargs={"uuid": document_uuid})


def qr_data_uri(text: str) -> str:
    # Local import: qrcode is a heavy library, loaded on first use.
    import qrcode

    image = qrcode.make(text, box_size=4, border=1)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def render_form_pdf(
    *, form_code: str, context: dict, document_uuid, version: int | None = None
) -> tuple[bytes, int]:
    """Render an official form; returns the PDF bytes and the template version used."""
    template, version = official_template(form_code=form_code, version=version)
    url = verify_url(document_uuid)
    full_context = {
        "form": OFFICIAL_FORMS[form_code],
        "template_version": version,
        "verify_url": url,
        "qr_data_uri": qr_data_uri(url),
        "document_uuid": document_uuid,
        "issued_at": timezone.localtime(),
        "province_name": settings.PROVINCE_NAME,
        **context,
    }
    return html_to_pdf(render_to_string(template, full_context)), version


_local = threading.local()
_font_configs: list = []  # every thread's, for the clean-up at exit


@atexit.register
def _remove_font_folders() -> None:
    """WeasyPrint deletes a configuration's temporary font folder in `__del__`, which at
    interpreter shutdown runs after `shutil` is gone and prints a traceback; do it first."""
    import shutil

    for config in _font_configs:
        if config._folder:
            shutil.rmtree(config._folder, ignore_errors=True)
            config._folder = None


def _font_config():
    """One fontconfig set-up and one copy of the project's font faces per thread: building it
    costs ~15 % of a one-page render, and WeasyPrint loads each @font-face once per set-up."""
    # Local import: weasyprint is heavy: loaded only where it is used (house rule, ruff TID253).
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_local, "font_config", None) is None:
        config = FontConfiguration()
        _local.font_faces = CSS(
            string=font_face_css(),
            base_url=settings.SITE_URL + "/",
            url_fetcher=_restricted_fetcher(),
            font_config=config,
        )
        _local.font_config = config
        _font_configs.append(config)
    return _local.font_config, _local.font_faces


def html_to_pdf(html: str, *, archival: bool = True) -> bytes:
    """A PDF of our HTML, in the project's fonts ("Portal Serif", "Portal Sans"; documents.fonts).

    `archival=False` skips the PDF/A variant (a plain PDF, for test fixtures)."""
    # Local import: weasyprint is heavy: loaded only where it is used (house rule, ruff TID253).
    from weasyprint import HTML

    variant = (settings.DOCUMENTS_PDF_VARIANT or None) if archival else None
    font_config, font_faces = _font_config()
    return HTML(
        string=html, base_url=settings.SITE_URL + "/", url_fetcher=_restricted_fetcher()
    ).write_pdf(pdf_variant=variant, font_config=font_config, stylesheets=[font_faces])


def _restricted_fetcher():
    # Local import: weasyprint is heavy: loaded only where it is used (house rule, ruff TID253).
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RestrictedFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            data, mime = fetch_project_file(url)
            return URLFetcherResponse(url, data, {"Content-Type": mime})

    return RestrictedFetcher(allowed_protocols=("data", "http", "https"))


class DisallowedFetch(ValueError):
    pass


def fetch_project_file(url: str) -> tuple[bytes, str]:
    """Bytes of a static or media file named by a URL on this site; refuse anything else."""

    site = urlsplit(settings.SITE_URL)
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
        raise DisallowedFetch(f"not this site: {url}")
    path = unquote(parts.path)
    if ".." in path.split("/"):
        raise DisallowedFetch(f"path traversal: {url}")
    if path.startswith(FONT_URL_PREFIX):
        font = font_file_for_url(path)
        if font is None:
            raise DisallowedFetch(f"not one of the project's fonts: {url}")
        return font.read_bytes(), "font/ttf"
    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path.removeprefix(settings.STATIC_URL))
        if not found:
            raise DisallowedFetch(f"no such static file: {url}")
        with open(found, "rb") as fh:
            return fh.read(), mime
    if path.startswith(settings.MEDIA_URL):
        with default_storage.open(path.removeprefix(settings.MEDIA_URL), "rb") as fh:
            return fh.read(), mime
    raise DisallowedFetch(f"not a static or media file: {url}")
