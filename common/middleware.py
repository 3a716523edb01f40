import logging
import re
import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader
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
    """

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        kind = transient_fault_kind(exception)
        if kind is None:
            return None
        logger.warning(
            "transient fault on %s %s: %s: %s",
            request.method,
            request.path,
            kind,
            exception,
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
        return response


def transient_fault_kind(exception: BaseException) -> str | None:
    """ "database_busy", "service_timeout", or None for a fault that is not a passing one."""
    from django.db import OperationalError

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
        import requests
    except ImportError:  # pragma: no cover - requests is a dependency
        return None
    if isinstance(exception, requests.Timeout | requests.ConnectionError | TimeoutError):
        return "service_timeout"
    return None
