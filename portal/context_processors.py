from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_noop

from accounts.models import User
from accounts.selectors import user_is_staff_member
from dossiers.selectors import office_user
from portal.entry_points import entry_points

NAV_KEYS = ("procedures", "lookup", "field_report", "questions")
# The default contact address (CONTACT_ADDRESS), so the catalogue carries its English; an
# address set by the installation is shown as set (issue #26: the footer stayed Vietnamese).
DEFAULT_CONTACT_ADDRESS = gettext_noop("Trung tâm Phục vụ hành chính công tỉnh Tây Ninh")


def site(request: HttpRequest) -> dict:
    """What every page's layout shows: the portal's name, its contacts and the main navigation."""
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "HOTLINE_1022": settings.HOTLINE_1022,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "CONTACT_PHONE": settings.CONTACT_PHONE,
        "CONTACT_ADDRESS": gettext(settings.CONTACT_ADDRESS),
        "DEMO_MODE": settings.DEMO_MODE,
        "NAV_ENTRY_POINTS": [item for item in entry_points() if item.entry.key in NAV_KEYS],
        # Lazy: most pages are seen by citizens and anonymous visitors, who never need the query.
        "IS_STAFF_MEMBER": lambda: _is_staff_member(request),
        # The back office's own door, for the roles its pages admit (a 1022 operator or an
        # administrator has "Việc của tôi" only; the office would answer them 403).
        "IS_OFFICE_STAFF": lambda: _is_office_staff(request),
    }


def _is_staff_member(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)  # absent on pages rendered before the auth middleware
    return user is not None and user_is_staff_member(user=user)


def _is_office_staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user_is_staff_member(user=user):
        return False
    assert isinstance(user, User)  # a staff member is signed in
    return office_user(user).is_office_staff
