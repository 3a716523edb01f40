from typing import TYPE_CHECKING

if (
    TYPE_CHECKING
):  # django-stubs' name for "a str or a lazy translation" (not installed at run time)
    from django_stubs_ext import StrOrPromise


class ApplicationError(Exception):
    """A domain rule refused the request; views turn it into a translated message or form error.

    The message may be a lazy translation: it is rendered in the language of the response."""

    def __init__(
        self, message: "StrOrPromise", *, code: str = "invalid", extra: dict | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}
