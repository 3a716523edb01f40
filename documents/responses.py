"""One way to hand a stored file to a browser (the citizen's store, officers' views of dossier
files and issued forms): never sniffed, never cached, and when shown inline, sandboxed so that
nothing in the file may run or be framed."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.cache import add_never_cache_headers

from documents.models import StoredDocument


def stored_file_response(
    document: StoredDocument, *, filename: str, inline: bool = False
) -> FileResponse:
    """The file of `document`, already read-checked by the caller's scoped selector."""
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=not inline,
        filename=filename,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if inline:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    add_never_cache_headers(response)
    return response
