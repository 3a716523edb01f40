from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation


class LanguageChoiceMiddleware:
    """Vietnamese unless the visitor chose another language with the switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, and many phones in Vietnam
    are set to English: citizens would land on an English portal they did not ask for. Here only
    the language cookie set by the switch (`set_language`) counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NotFoundPageMiddleware:
    """With DEBUG on (`make run`), a page or record that does not exist still gets the portal's
    Vietnamese 404 page, as in production, not Django's technical page listing every URL pattern
    (issue 17). A view's `Http404` (a mistyped procedure or dossier code) reaches
    `process_exception`; a path no pattern matches comes back as a 404 with no `resolver_match`.
    Sits outside CommonMiddleware, whose missing-slash redirect still comes first. With DEBUG off
    Django's own `handler404` does this, and the middleware unloads itself."""

    def __init__(self, get_response):
        if not settings.DEBUG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return self._page(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return self._page(request) if isinstance(exception, Http404) else None

    @staticmethod
    def _page(request: HttpRequest) -> HttpResponse:
        from portal.views import error_404  # the URLconf's handler404, imported when used

        return error_404(request)
