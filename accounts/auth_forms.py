"""allauth's forms with Vietnamese labels (wired through ACCOUNT_FORMS / MFA_FORMS in settings).

allauth ships no Vietnamese translation, so its forms are subclassed only to give every field a
Vietnamese label and drop the English placeholders; the labels stay visible, which also serves
screen readers better.
"""

from django.utils.translation import gettext_lazy as _

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.totp import forms as mfa_totp_forms

FIELD_LABELS = {
    "login": _("E-mail"),
    "email": _("E-mail"),
    "password": _("Mật khẩu"),
    "password1": _("Mật khẩu"),
    "password2": _("Nhập lại mật khẩu"),
    "oldpassword": _("Mật khẩu hiện tại"),
    "remember": _("Ghi nhớ đăng nhập trên máy này"),
    "code": _("Mã xác thực (6 chữ số)"),
}


class VietnameseLabelsMixin:
    field_order_first: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if name in FIELD_LABELS:
                field.label = FIELD_LABELS[name]
            field.widget.attrs.pop("placeholder", None)
        if self.field_order_first:
            self.order_fields(self.field_order_first)  # type: ignore[attr-defined]


class LoginForm(VietnameseLabelsMixin, account_forms.LoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # allauth puts an English "Forgot your password?" link here; the template has ours.
        self.fields["password"].help_text = ""


class SignupForm(VietnameseLabelsMixin, account_forms.SignupForm):
    field_order_first = ("full_name", "email", "phone", "password1", "password2")


class ResetPasswordForm(VietnameseLabelsMixin, account_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(VietnameseLabelsMixin, account_forms.ResetPasswordKeyForm):
    pass


class ChangePasswordForm(VietnameseLabelsMixin, account_forms.ChangePasswordForm):
    pass


class ReauthenticateForm(VietnameseLabelsMixin, account_forms.ReauthenticateForm):
    pass


class MFAAuthenticateForm(VietnameseLabelsMixin, mfa_base_forms.AuthenticateForm):
    pass


class MFAReauthenticateForm(VietnameseLabelsMixin, mfa_base_forms.ReauthenticateForm):
    pass


class ActivateTOTPForm(VietnameseLabelsMixin, mfa_totp_forms.ActivateTOTPForm):
    pass
