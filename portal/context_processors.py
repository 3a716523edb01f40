from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """What every page's layout shows: the portal's name and its contacts."""
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "HOTLINE_1022": settings.HOTLINE_1022,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "CONTACT_PHONE": settings.CONTACT_PHONE,
        "CONTACT_ADDRESS": settings.CONTACT_ADDRESS,
        "DEMO_MODE": settings.DEMO_MODE,
    }
