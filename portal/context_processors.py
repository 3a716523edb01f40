from django.conf import settings
from django.http import HttpRequest

from portal.entry_points import entry_points

NAV_KEYS = ("procedures", "lookup", "field_report", "questions")


def site(request: HttpRequest) -> dict:
    """What every page's layout shows: the portal's name, its contacts and the main navigation."""
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "HOTLINE_1022": settings.HOTLINE_1022,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "CONTACT_PHONE": settings.CONTACT_PHONE,
        "CONTACT_ADDRESS": settings.CONTACT_ADDRESS,
        "DEMO_MODE": settings.DEMO_MODE,
        "NAV_ENTRY_POINTS": [item for item in entry_points() if item.entry.key in NAV_KEYS],
    }
