"""Registry of the sections in a citizen's personal-data download (the right of access).

Each app that holds data about a person registers a section in its `AppConfig.ready()`:

    from accounts import personal_data
    personal_data.register("dossiers", dossiers.selectors.personal_data_dossiers,
                           title=_("Hồ sơ thủ tục hành chính"), labels={"code": _("Mã hồ sơ")})

The callable takes the user and returns JSON-serialisable data (dates, UUIDs and Decimals are
handled). It must return only that user's own data. `accounts` never imports the apps that
register, so the layer rule holds.

The JSON download keeps the keys (stable for machines); the PDF shows the section's `title` and
each key's label (`label_for`), so a person reads Vietnamese, not field names (issue #25).
"""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from common.registry import Registry

PersonalDataProvider = Callable[[Any], Any]

sections: Registry[PersonalDataProvider] = Registry("personal-data section")
_titles: dict[str, Any] = {}
# Keys shared by several sections; a section's own labels are added when it registers.
_labels: dict[str, Any] = {
    "uuid": _("Mã định danh"),
    "code": _("Mã"),
    "status": _("Trạng thái"),
    "title": _("Tiêu đề"),
    "name": _("Tên"),
    "created_at": _("Tạo lúc"),
    "updated_at": _("Cập nhật lúc"),
    "valid_from": _("Hiệu lực từ"),
    "valid_to": _("Hiệu lực đến"),
    "due_at": _("Hạn"),
    "received_at": _("Tiếp nhận lúc"),
    "full_name": _("Họ và tên"),
    "email": _("Thư điện tử"),
    "phone": _("Số điện thoại"),
    "address": _("Địa chỉ"),
    "id_number": _("Số định danh cá nhân"),
    "date_of_birth": _("Ngày sinh"),
    "channel": _("Kênh"),
    "data": _("Chi tiết"),
    "size": _("Dung lượng (byte)"),
    "sha256": _("Mã băm SHA-256"),
    "source": _("Nguồn"),
    "is_active": _("Đang hiệu lực"),
}


def register(
    name: str,
    provider: PersonalDataProvider,
    *,
    title: Any = None,
    labels: dict[str, Any] | None = None,
) -> PersonalDataProvider:
    """`title`: the section's heading in the PDF; `labels`: its keys as a person reads them."""
    if title is not None:
        _titles[name] = title
    _labels.update(labels or {})
    return sections.register(name)(provider)


def title_for(name: str) -> str:
    return str(_titles.get(name, name))


def label_for(key: str) -> str:
    return str(_labels.get(key, key))


def collect(user: Any) -> dict[str, Any]:
    """Every registered section for `user`, in registration order."""
    return {name: provider(user) for name, provider in sections.items()}
