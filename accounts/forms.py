from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_phone


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds to e-mail and password."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    phone = forms.CharField(
        label=_("Số điện thoại"), max_length=20, required=False, validators=[validate_phone]
    )

    def signup(self, request, user) -> None:  # allauth calls this; the adapter already saved
        pass
