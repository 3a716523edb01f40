from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Tài khoản")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import personal_data, selectors, signals  # noqa: F401

        personal_data.register(
            "account",
            selectors.personal_data_account,
            title=_("Tài khoản"),
            labels={
                "date_joined": _("Đăng ký lúc"),
                "last_login": _("Đăng nhập gần nhất"),
                "roles": _("Vai trò"),
                "verified_at": _("Xác minh lúc"),
                "assurance_level": _("Mức định danh"),
            },
        )
        personal_data.register(
            "profile",
            selectors.personal_data_profile,
            title=_("Hồ sơ cá nhân"),
            labels={
                "gender": _("Giới tính"),
                "permanent_address": _("Địa chỉ thường trú"),
                "permanent_province_code": _("Mã tỉnh thường trú"),
                "permanent_commune_code": _("Mã xã thường trú"),
                "current_address": _("Nơi ở hiện tại"),
                "current_province_code": _("Mã tỉnh nơi ở"),
                "current_commune_code": _("Mã xã nơi ở"),
            },
        )
        personal_data.register(
            "organisations",
            selectors.personal_data_organisations,
            title=_("Tổ chức bạn đại diện"),
            labels={
                "organisation": _("Tổ chức"),
                "tax_code": _("Mã số thuế"),
                "is_legal_representative": _("Người đại diện theo pháp luật"),
            },
        )
        personal_data.register(
            "audit_events",
            selectors.personal_data_audit_events,
            title=_("Nhật ký truy cập và thao tác"),
            labels={
                "action": _("Thao tác"),
                "at": _("Lúc"),
                "by_self": _("Do bạn thực hiện"),
                "ip_address": _("Địa chỉ IP"),
                "object_id": _("Mã đối tượng"),
                "object_type": _("Loại đối tượng"),
            },
        )

        # Local import: in ready(), once the app registry is ready.
        from accounts.identity.setup import identity_ready

        identity_ready()
