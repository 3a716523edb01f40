"""Demo data: the agency tree, the calendar, and the demo staff attached to their agencies.

The demo users come from `accounts/demo.py` (it runs first: INSTALLED_APPS order); a user that does
not exist is skipped, so this module also works on its own.
"""

from accounts.constants import Role
from accounts.models import User
from agencies.models import Agency
from agencies.seeding import seed_agencies, seed_calendar
from agencies.services import staff_membership_add
from common.demo_types import DemoLogin

SERVICE_CENTRE = "000.01.01.H59"  # Trung tâm Phục vụ hành chính công tỉnh
JUSTICE = "000.00.03.H59"  # Sở Tư pháp
# The demo citizen's ward. A commune procedure (residence registration, the flagship) is received
# and decided by the applicant's commune, so the demo staff also serve this ward's desk: a dossier
# a visitor files as the demo citizen reaches the demo officers' queues.
DEMO_WARD = "000.01.50.H59"  # Phường Tân Ninh (commune code 25459)
DEMO_WARD_COMMUNE_CODE = "25459"

DEMO_MEMBERSHIPS: tuple[tuple[str, Role, str], ...] = (
    ("tiepnhan@demo.tayninh.gov.vn", Role.RECEPTION_OFFICER, SERVICE_CENTRE),
    ("xuly@demo.tayninh.gov.vn", Role.PROCESSING_OFFICER, JUSTICE),
    ("lanhdao@demo.tayninh.gov.vn", Role.AGENCY_HEAD, JUSTICE),
    ("vanthu@demo.tayninh.gov.vn", Role.RECORDS_CLERK, JUSTICE),
    ("giamsat@demo.tayninh.gov.vn", Role.ONESTOP_SUPERVISOR, SERVICE_CENTRE),
    ("tongdai@demo.tayninh.gov.vn", Role.HELPDESK_OFFICER, SERVICE_CENTRE),
    ("tiepnhan@demo.tayninh.gov.vn", Role.RECEPTION_OFFICER, DEMO_WARD),
    ("xuly@demo.tayninh.gov.vn", Role.PROCESSING_OFFICER, DEMO_WARD),
    ("lanhdao@demo.tayninh.gov.vn", Role.AGENCY_HEAD, DEMO_WARD),
    ("vanthu@demo.tayninh.gov.vn", Role.RECORDS_CLERK, DEMO_WARD),
)


def attach_demo_staff() -> int:
    """Give each existing demo staff user a membership; returns how many users were found."""
    agencies = {
        a.code: a for a in Agency.objects.filter(code__in={SERVICE_CENTRE, JUSTICE, DEMO_WARD})
    }
    found = 0
    for email, role, code in DEMO_MEMBERSHIPS:
        user = User.objects.filter(email__iexact=email).first()
        if user is None or code not in agencies:
            continue
        staff_membership_add(user=user, agency=agencies[code], role=role)
        found += 1
    return found


def seed(out) -> list[DemoLogin]:
    agencies = seed_agencies()
    calendar = seed_calendar()
    attached = attach_demo_staff()
    out.write(
        f"agencies: {sum(agencies.created.values())} created, "
        f"{sum(agencies.existing.values())} present; "
        f"calendar: {sum(calendar.created.values())} created, "
        f"{sum(calendar.existing.values())} present; demo staff attached: {attached}"
    )
    return []
