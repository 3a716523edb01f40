from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcedureLevel(models.TextChoices):
    """Cấp thực hiện; a procedure may be performed at several levels."""

    MINISTRY = "ministry", _("Cấp bộ")
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")
    OTHER = "other", _("Cơ quan khác")


# How the national catalogue spells each level.
LEVEL_FROM_SOURCE = {
    "Cấp bộ": ProcedureLevel.MINISTRY,
    "Cấp tỉnh": ProcedureLevel.PROVINCE,
    "Cấp xã": ProcedureLevel.COMMUNE,
    "Cơ quan khác": ProcedureLevel.OTHER,
}
LEVEL_FIELDS = {
    ProcedureLevel.MINISTRY: "at_ministry",
    ProcedureLevel.PROVINCE: "at_province",
    ProcedureLevel.COMMUNE: "at_commune",
    ProcedureLevel.OTHER: "at_other",
}


class OnlineLevel(models.TextChoices):
    """NĐ 42/2022 Art. 11: full online, partial online, or no online service."""

    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không trực tuyến")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Dịch vụ bưu chính")


CHANNEL_FROM_SOURCE = {
    "Trực tiếp": Channel.IN_PERSON,
    "Trực tuyến": Channel.ONLINE,
    "Dịch vụ bưu chính": Channel.POSTAL,
}


class TimeUnit(models.TextChoices):
    WORKING_DAY = "working_day", _("ngày làm việc")
    DAY = "day", _("ngày")
    HOUR = "hour", _("giờ")
    MONTH = "month", _("tháng")
    UNKNOWN = "unknown", _("(chưa rõ đơn vị)")


TIME_UNIT_FROM_SOURCE = {
    "Ngày làm việc": TimeUnit.WORKING_DAY,
    "Ngày": TimeUnit.DAY,
    "Giờ": TimeUnit.HOUR,
    "Tháng": TimeUnit.MONTH,
}


class DueRule(models.TextChoices):
    """How a dossier's due date follows from the catalogue's published time (ADR 0252).

    The rules are explicit so a reviewer can check each procedure they apply to
    (`manage.py procedures_deadline_report`)."""

    PUBLISHED = "published", _("Theo thời hạn công bố")
    SAME_DAY = "same_day", _("Trong ngày tiếp nhận; sau giờ chốt thì ngày làm việc tiếp theo")
    UNIT_ASSUMED = "unit_assumed", _("Thời hạn thiếu đơn vị: tính là ngày làm việc")
    NONE = "none", _("Không có thời hạn: cán bộ đặt ngày hẹn")


class ReviewFlag(models.TextChoices):
    """Known defects of the national catalogue; the importer keeps the raw text and flags the record."""

    TIME_UNIT_MISSING = "time_unit_missing", _("Thời hạn không có đơn vị")
    TIME_MISSING = "time_missing", _("Không có thời hạn bằng số")
    FEE_NOTE_MISMATCH = "fee_note_mismatch", _("Lệ phí khác với ghi chú")
    FEE_THOUSANDS_LOST = "fee_thousands_lost", _("Lệ phí mất dấu phân cách hàng nghìn")
    DOCUMENTS_UNPARSED = "documents_unparsed", _("Thành phần hồ sơ không tách được")
    DOCUMENTS_MISSING = "documents_missing", _("Không có thành phần hồ sơ")
    AGENCY_UNKNOWN = "agency_unknown", _("Cơ quan thực hiện: Không có thông tin")
    CASES_GUESSED = "cases_guessed", _("Cách chia trường hợp hồ sơ cần người xem lại")


class RequirementKind(models.TextChoices):
    """What a line of the catalogue's document list is (ADR 0260): only documents are upload slots."""

    DOCUMENT = "document", _("Giấy tờ phải nộp")
    ALTERNATIVE = "alternative", _("Một lựa chọn của giấy tờ phía trên")
    HEADING = "heading", _("Tiêu đề danh sách")
    NOTE = "note", _("Lưu ý, hướng dẫn")
    STATE_HELD = "state_held", _("Thông tin Nhà nước đã có")


UPLOAD_KINDS = frozenset({RequirementKind.DOCUMENT})


class GroupRole(models.TextChoices):
    """What a `nhom` heading of the catalogue's document list is (ADR 0260)."""

    CASE = "case", _("Trường hợp")
    COMMON = "common", _("Phần chung của danh sách")
    NOTES = "notes", _("Lưu ý")
    ADDON = "addon", _("Giấy tờ thêm khi có điều kiện")


class CaseGuess(models.TextChoices):
    """Why the split of a procedure's documents into cases needs a person's review."""

    SUB_LIST = (
        "sub_list",
        _(
            "Dòng kết thúc bằng dấu hai chấm không có danh sách bên dưới: "
            "đọc là tiêu đề, không phải giấy tờ"
        ),
    )
    NOTHING_REQUIRED = "nothing_required", _("Trường hợp không có giấy tờ bắt buộc nào")
    MANY_CASES = "many_cases", _("Rất nhiều trường hợp: có thể là tiêu đề con")
    NOTE_WITH_COPIES = "note_with_copies", _("Dòng đọc là lưu ý nhưng có số bản chính/bản sao")


class StateDatabase(models.TextChoices):
    """Where the state already holds a document, so the form must not ask for it."""

    POPULATION = "population", _("CSDL quốc gia về dân cư")
    CIVIL_STATUS = "civil_status", _("CSDL hộ tịch điện tử")
    LAND = "land", _("CSDL đất đai")
    BUSINESS = "business", _("CSDL quốc gia về đăng ký doanh nghiệp")
    INSURANCE = "insurance", _("CSDL bảo hiểm")
    DATA_STORE = "data_store", _("Kho dữ liệu của công dân")
    OTHER = "other", _("CSDL khác")


class FieldType(models.TextChoices):
    TEXT = "text", _("Chữ")
    NUMBER = "number", _("Số")
    DATE = "date", _("Ngày")
    SELECT = "select", _("Chọn một")
    ADDRESS = "address", _("Địa chỉ")
    ID_NUMBER = "id_number", _("Số định danh cá nhân")
    PHONE = "phone", _("Điện thoại")
    EMAIL = "email", _("Thư điện tử")
    CHECKBOX = "checkbox", _("Ô đánh dấu")
    LONG_TEXT = "long_text", _("Đoạn văn")
    DOCUMENT = "document", _("Giấy tờ đính kèm")


class PrefillSource(models.TextChoices):
    NONE = "", _("Không")
    FULL_NAME = "profile.full_name", _("Hồ sơ: họ và tên")
    ID_NUMBER = "profile.id_number", _("Hồ sơ: số định danh")
    DATE_OF_BIRTH = "profile.date_of_birth", _("Hồ sơ: ngày sinh")
    GENDER = "profile.gender", _("Hồ sơ: giới tính")
    PHONE = "profile.phone", _("Hồ sơ: điện thoại")
    EMAIL = "profile.email", _("Hồ sơ: thư điện tử")
    ADDRESS = "profile.address", _("Hồ sơ: địa chỉ thường trú")


# Which field types a prefill source can fill; a spec that pairs them otherwise is refused.
PREFILL_TYPES = {
    PrefillSource.FULL_NAME: {FieldType.TEXT},
    PrefillSource.ID_NUMBER: {FieldType.ID_NUMBER, FieldType.TEXT},
    PrefillSource.DATE_OF_BIRTH: {FieldType.DATE},
    PrefillSource.GENDER: {FieldType.SELECT, FieldType.TEXT},
    PrefillSource.PHONE: {FieldType.PHONE, FieldType.TEXT},
    PrefillSource.EMAIL: {FieldType.EMAIL, FieldType.TEXT},
    PrefillSource.ADDRESS: {FieldType.ADDRESS, FieldType.TEXT, FieldType.LONG_TEXT},
}


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Không duyệt")


# The plan's targets for the share of procedures offered full-online (first 80%, then 95%).
FULL_ONLINE_TARGETS: tuple[int, ...] = (80, 95)

SEARCH_PAGE_SIZE = 20
CATALOGUE_VERSION_KEY = "procedures:catalogue_version"
# The catalogue part of a procedure's page is kept this long (a day: its key also carries the
# catalogue version, so a catalogue change replaces it at once; the bound is for what the
# catalogue version does not follow, such as the name of the official who set the online level).
ARTICLE_SECONDS = 24 * 3600
API_PAGE_SIZE = 20
