from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups named by these values; agency membership carries one too."""

    CITIZEN = "citizen", _("Công dân")
    COMMUNITY_HELPER = "community_helper", _("Tổ công nghệ số cộng đồng")
    RECEPTION_OFFICER = "reception_officer", _("Cán bộ tiếp nhận")
    PROCESSING_OFFICER = "processing_officer", _("Chuyên viên xử lý")
    AGENCY_HEAD = "agency_head", _("Lãnh đạo cơ quan")
    RECORDS_CLERK = "records_clerk", _("Văn thư")
    ONESTOP_SUPERVISOR = "onestop_supervisor", _("Giám sát một cửa")
    HELPDESK_OFFICER = "helpdesk_officer", _("Cán bộ tổng đài 1022")
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")


# The e-mail of an account the portal opened for someone without one (at the counter, by the SMS
# mandate path): `cccd-<ID>@` this domain, which has no mailboxes, so nothing is ever sent there.
NO_MAILBOX_DOMAIN = "khong-co-thu.tayninh.gov.vn"


# Staff roles must pass MFA before any back-office or admin page opens.
STAFF_ROLES = frozenset(
    {
        Role.RECEPTION_OFFICER,
        Role.PROCESSING_OFFICER,
        Role.AGENCY_HEAD,
        Role.RECORDS_CLERK,
        Role.ONESTOP_SUPERVISOR,
        Role.HELPDESK_OFFICER,
        Role.SYSTEM_ADMIN,
    }
)


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")
    OTHER = "other", _("Khác")


class AssuranceLevel(models.IntegerChoices):
    NONE = 0, _("Chưa xác thực")
    LEVEL_1 = 1, _("Mức 1")
    LEVEL_2 = 2, _("Mức 2")


# What the national identity vouches for: once verified, these change only through a new verified
# sign-in (`accounts.identity.services`), never by typing in the profile (issue #26).
PROFILE_VERIFIED_FIELDS = ("full_name", "id_number", "date_of_birth")
