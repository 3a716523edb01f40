from django.db import models
from django.utils.translation import gettext_lazy as _


class OwnerKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức")


class DocumentSource(models.TextChoices):
    """Where a stored file came from (regulation spec §9.4); drives QĐ 766 indicators 4.2–4.5."""

    UPLOADED = "uploaded", _("Công dân tải lên")
    SCANNED = "scanned", _("Số hóa tại Bộ phận Một cửa")
    NATIONAL_DB = "national_db", _("Lấy từ cơ sở dữ liệu quốc gia")
    ISSUED = "issued", _("Kết quả do cơ quan cấp")
    GENERATED = "generated", _("Biểu mẫu do hệ thống tạo")


class SignerKind(models.TextChoices):
    NONE = "none", _("Chưa ký số")
    CITIZEN = "citizen", _("Công dân ký")
    OFFICER = "officer", _("Cán bộ ký (chữ ký số cá nhân)")
    AGENCY = "agency", _("Cơ quan ký")


class PadesLevel(models.TextChoices):
    """PAdES baseline levels (ETSI EN 319 142-1); each includes the one before."""

    B_B = "B-B", _("PAdES B-B (chữ ký cơ bản)")
    B_T = "B-T", _("PAdES B-T (có dấu thời gian)")
    B_LT = "B-LT", _("PAdES B-LT (kèm dữ liệu kiểm tra dài hạn)")
    B_LTA = "B-LTA", _("PAdES B-LTA (lưu trữ dài hạn, có dấu thời gian tài liệu)")


PADES_ORDER = [PadesLevel.B_B, PadesLevel.B_T, PadesLevel.B_LT, PadesLevel.B_LTA]


class UseKind(models.TextChoices):
    DOSSIER = "dossier", _("Hồ sơ thủ tục hành chính")
    OTHER = "other", _("Khác")


# What a stored file may be; the bytes decide, never the name.
PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
