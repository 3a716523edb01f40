from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    PROVINCE = "province", _("UBND tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    SERVICE_CENTRE = "service_centre", _("Trung tâm Phục vụ hành chính công")
    RECEPTION_POINT = "reception_point", _("Điểm tiếp nhận")
    COMMUNE = "commune", _("Xã")
    WARD = "ward", _("Phường")
    OTHER = "other", _("Khác")


class AgencyLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")
