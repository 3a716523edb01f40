from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from accounts.selectors import user_is_staff_member
from accounts.services import citizen_register

# allauth has no Vietnamese catalogue: its user-facing errors get Vietnamese msgids here.
ACCOUNT_ERRORS_VI = {
    "email_password_mismatch": _("E-mail hoặc mật khẩu không đúng."),
    "email_taken": _("Địa chỉ e-mail này đã được dùng cho một tài khoản khác."),
    "enter_current_password": _("Vui lòng nhập mật khẩu hiện tại."),
    "incorrect_code": _("Mã không đúng."),
    "incorrect_password": _("Mật khẩu không đúng."),
    "invalid_or_expired_key": _("Đường dẫn không hợp lệ hoặc đã hết hạn."),
    "invalid_login": _("Đăng nhập không hợp lệ."),
    "invalid_password_reset": _("Đường dẫn đặt lại mật khẩu không hợp lệ."),
    "too_many_login_attempts": _(
        "Đăng nhập sai quá nhiều lần. Tài khoản tạm thời bị khóa đăng nhập, vui lòng thử lại sau "
        "ít phút hoặc đặt lại mật khẩu."
    ),
    "unknown_email": _("Địa chỉ e-mail này chưa có tài khoản."),
    "unverified_primary_email": _("Bạn cần xác nhận địa chỉ e-mail trước."),
    "same_as_current": _("Giá trị mới phải khác giá trị hiện tại."),
    "rate_limited": _("Bạn thao tác quá nhanh, vui lòng thử lại sau ít phút."),
}


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {**DefaultAccountAdapter.error_messages, **ACCOUNT_ERRORS_VI}

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "") or user.full_name
        user.phone = form.cleaned_data.get("phone", "") or user.phone
        if commit:
            user.save()

            citizen_register(user=user)
        return user

    def get_login_redirect_url(self, request) -> str:
        # Staff land on their work ("Việc của tôi"), not on the citizen's page; a `next` the
        # sign-in form carried still wins (allauth asks the adapter only without one).
        if user_is_staff_member(user=request.user):
            return reverse("portal:work")
        return super().get_login_redirect_url(request)

    def get_logout_redirect_url(self, request) -> str:
        # A session that came from the national identity also ends the provider's session
        # (RP-initiated logout), so the next person on a shared computer is not signed back in.
        from accounts.identity.logout import default_post_logout_redirect_uri, provider_logout_url

        provider_url = provider_logout_url(
            request, post_logout_redirect_uri=default_post_logout_redirect_uri()
        )
        return provider_url or super().get_logout_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # E-mails are rendered without a request context: give them the portal's name.
        super().send_mail(template_prefix, email, {"PORTAL_NAME": settings.PORTAL_NAME, **context})


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _("Mã xác thực không đúng hoặc đã hết hạn."),
        "cannot_delete_authenticator": _("Cán bộ không được tắt xác thực hai lớp."),
        "cannot_generate_recovery_codes": _(
            "Cần bật ứng dụng xác thực trước khi tạo mã khôi phục."
        ),
        "unverified_email": _("Cần xác nhận địa chỉ e-mail trước khi bật xác thực hai lớp."),
    }

    def can_delete_authenticator(self, authenticator) -> bool:
        # Staff must keep their second factor: the MFA policy would lock them out anyway.
        if user_is_staff_member(user=authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
