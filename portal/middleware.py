from django.conf import settings
from django.http import HttpRequest, HttpResponse
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
