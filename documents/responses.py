"""One way to hand a stored file to a browser (the citizen's store, officers' views of dossier
files and issued forms): never sniffed, never cached, and when shown inline, sandboxed so that
nothing in the file may run or be framed."""

from __future__ import annotations

import re

from django.http import FileResponse
from django.utils.cache import add_never_cache_headers

from common.text import fold
from documents.constants import EXTENSIONS
from documents.models import StoredDocument

_UNSAFE = re.compile(r"[^a-z0-9_-]+")


def clean_filename(name: str, *, content_type: str, fallback: str = "tep") -> str:
    """A file name safe to hand a browser: ASCII letters, digits, "-" and "_" (Vietnamese
    folded), no path, no control or direction characters, and the extension of what the file
    really is — never the uploader's own extension or a name crafted to mislead."""
    stem = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = _UNSAFE.sub("-", fold(stem)).strip("-_")[:80] or fallback
    return stem + EXTENSIONS.get(content_type, "")


def stored_file_response(
    document: StoredDocument, *, filename: str, inline: bool = False
) -> FileResponse:
    """The file of `document`, already read-checked by the caller's scoped selector; its name
    always cleaned (`clean_filename`), whatever the caller passes."""
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=not inline,
        filename=clean_filename(filename, content_type=document.content_type),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if inline:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    add_never_cache_headers(response)
    return response
