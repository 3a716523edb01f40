"""Request types for views (django-htmx's and django-stubs' recommended pattern)."""

from django.http import HttpRequest

from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """Every request passes `HtmxMiddleware`, which sets `request.htmx`."""

    htmx: HtmxDetails
