"""Called from `AccountsConfig.ready()`: connects our signal receivers and export sections."""

from django.utils.translation import gettext_lazy as _

from accounts import personal_data


def identity_ready() -> None:
    from accounts.identity import admin, selectors, signals  # noqa: F401

    personal_data.register(
        "national_identities",
        selectors.personal_data_identities,
        title=_("Tài khoản định danh quốc gia liên kết"),
        labels={
            "issuer": _("Nơi cấp"),
            "subject": _("Mã định danh tại nơi cấp"),
            "acr": _("Mức xác thực"),
            "last_authenticated_at": _("Xác thực gần nhất"),
        },
    )
    personal_data.register(
        "mandates",
        selectors.personal_data_mandates,
        title=_("Ủy quyền"),
        labels={
            "role": _("Vai trò"),
            "principal": _("Người ủy quyền"),
            "agent": _("Người được ủy quyền"),
            "procedure_codes": _("Thủ tục được ủy quyền"),
            "consent_method": _("Cách đồng ý"),
            "consented_at": _("Đồng ý lúc"),
            "revoked_at": _("Thu hồi lúc"),
        },
    )
    personal_data.register(
        "privacy_requests",
        selectors.personal_data_privacy_requests,
        title=_("Yêu cầu về dữ liệu cá nhân"),
        labels={
            "kind": _("Loại yêu cầu"),
            "details": _("Nội dung"),
            "handled_at": _("Xử lý lúc"),
            "resolution": _("Kết quả xử lý"),
        },
    )
