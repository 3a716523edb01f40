from django.conf import settings
from django.urls import reverse


def site_url(view_name: str, *args: object, **kwargs: object) -> str:
    """Absolute URL of a named view, for messages, PDFs and QR codes read outside the site."""
    return settings.SITE_URL + reverse(view_name, args=args or None, kwargs=kwargs or None)
