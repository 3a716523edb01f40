import logging
import re
import sys
import uuid

from django.conf import settings
from django.db import OperationalError
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from common.logging import request_id_var

logger = logging.getLogger(__name__)
_VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Takes the proxy's X-Request-ID (or makes one), puts it in logs and echoes it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class TransientFaultMiddleware:
    """A fault the user can do nothing about but wait gets a Vietnamese page, never a traceback.

    - the database is busy ("database is locked" on the embedded default's SQLite, a lock or
      statement time-out on PostgreSQL);
    - an outside service (or its local simulator) did not answer in time.

    Both answer 503 with Retry-After and log one line with the request id (the logging filter
    adds it). Anything else still goes to Django's 500 handling.

    A fault raised by the view reaches `process_exception`. One raised after the view returns
    (the session's save, a response middleware, a template response's rendering) never reaches
    an outer middleware as an exception: Django turns it into a 500 response at the layer that
    raised it. `note_transient_fault` (a `got_request_exception` receiver) marks the request
    then, and `__call__`, placed outside every middleware that may write to the database,
    replaces that 500 with the same 503 page.
    """

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        fault = getattr(request, _FAULT_ATTRIBUTE, None)
        if fault is not None and response.status_code >= 500:
            return self._busy_response(request, *fault)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        kind = transient_fault_kind(exception)
        if kind is None:
            return None
        return self._busy_response(request, kind, str(exception))

    def _busy_response(self, request: HttpRequest, kind: str, detail: str) -> HttpResponse:
        logger.warning(
            "transient fault on %s %s: %s: %s",
            request.method,
            request.path,
            kind,
            detail,
            extra={"fault": kind},
        )
        if kind == "database_busy":
            message = _(
                "Hệ thống đang bận xử lý yêu cầu khác. Dữ liệu của bạn chưa bị mất; "
                "vui lòng thử lại sau vài giây."
            )
        else:
            message = _(
                "Một dịch vụ liên kết không trả lời kịp. Dữ liệu của bạn chưa bị mất; "
                "vui lòng thử lại sau ít phút."
            )
        body = loader.get_template("503.html").render(
            {
                "PORTAL_NAME": settings.PORTAL_NAME,
                "HOTLINE_1022": settings.HOTLINE_1022,
                "message": message,
            }
        )
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response


_FAULT_ATTRIBUTE = "_transient_fault"


def note_transient_fault(sender, request: HttpRequest | None = None, **kwargs) -> None:
    """`got_request_exception` receiver: marks the request when the exception being handled is
    a passing fault, for `TransientFaultMiddleware` to answer with its page. Django sends the
    signal while the exception is being handled, so `sys.exc_info()` holds it."""
    exception = sys.exc_info()[1]
    if request is None or exception is None:
        return
    kind = transient_fault_kind(exception)
    if kind is not None:
        setattr(request, _FAULT_ATTRIBUTE, (kind, str(exception)))


class TransientFaultLogFilter(logging.Filter):
    """Drops Django's "Internal Server Error" traceback for a passing fault, which
    `TransientFaultMiddleware` answers and logs in one line of its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        if not exc_info or exc_info[1] is None:
            return True
        return transient_fault_kind(exc_info[1]) is None


def transient_fault_kind(exception: BaseException) -> str | None:
    """ "database_busy", "service_timeout", or None for a fault that is not a passing one."""

    if isinstance(exception, OperationalError):
        text = str(exception).lower()
        busy = (
            "database is locked",
            "database table is locked",
            "lock timeout",
            "statement timeout",
        )
        return "database_busy" if any(word in text for word in busy) else None
    try:
        # Local import: optional: the import itself is the check.
        import requests
    except ImportError:  # pragma: no cover - requests is a dependency
        return None
    if isinstance(exception, requests.Timeout | requests.ConnectionError | TimeoutError):
        return "service_timeout"
    return None


# C0 control characters and DEL, except tab, line feed and carriage return (a textarea's lines).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_JSON_CONTROL = re.compile(rb"\\u00(?:0[0-8bcBCeEfF]|1[0-9a-fA-F]|7[fF])")


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value))


def _bad_request(request: HttpRequest) -> HttpResponse:

    message = _("Dữ liệu gửi lên có ký tự điều khiển không hợp lệ (ví dụ ký tự NUL).")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


class ControlCharactersMiddleware:
    """NUL and other control characters in a query parameter or a submitted field get a 400,
    never a 500: PostgreSQL refuses NUL in text, and no field of ours has a use for the others.
    Checked here once, for every route, before any view or form sees the data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._refused(request):
            return _bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _refused(request: HttpRequest) -> bool:
        if has_control_characters(request.path):
            return True
        for query in (request.GET, request.POST if request.method == "POST" else None):
            if query is None:
                continue
            for key, values in query.lists():
                if has_control_characters(key) or any(has_control_characters(v) for v in values):
                    return True
        if request.content_type == "application/json" and request.method in (
            "POST",
            "PUT",
            "PATCH",
        ):
            return bool(_JSON_CONTROL.search(request.body))
        return False


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user and on every file
    response, so no browser, proxy or shared computer keeps a page or file with personal data.
    A public page opts out by saying so itself (`Cache-Control: public`, e.g. `cache_control`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:

        response = self.get_response(request)
        if "public" in response.get("Cache-Control", ""):
            return response
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or _is_file(response):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


_FILE_TYPES = ("application/pdf", "image/", "text/csv", "application/vnd.", "application/zip")


def _is_file(response: HttpResponse) -> bool:

    return (
        isinstance(response, FileResponse)
        or response.has_header("Content-Disposition")
        or response.get("Content-Type", "").startswith(_FILE_TYPES)
    )
