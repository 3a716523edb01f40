"""Input validation for sign-up extras and the citizen profile (no business work here).

allauth's own forms are subclassed in `accounts.auth_forms` (this module is imported by allauth
itself through ACCOUNT_SIGNUP_FORM_CLASS, so it must not import allauth's forms).
"""

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constants import Gender
from accounts.validators import validate_id_number, validate_phone


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds to e-mail and password."""

    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=150, widget=forms.TextInput({"autocomplete": "name"})
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        validators=[validate_phone],
        help_text=_("Để nhận tin nhắn về hồ sơ, ví dụ 0912345678."),
        widget=forms.TextInput({"autocomplete": "tel", "inputmode": "tel"}),
    )

    def signup(self, request, user) -> None:  # allauth calls this; the adapter already saved
        pass


_province_code = RegexValidator(r"^\d{2}$", _("Mã tỉnh gồm 2 chữ số."))
_commune_code = RegexValidator(r"^\d{5}$", _("Mã xã gồm 5 chữ số."))


class ProfileForm(forms.Form):
    """The citizen's own profile; `accounts.services.profile_update` saves it."""

    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=150, widget=forms.TextInput({"autocomplete": "name"})
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        required=False,
        input_formats=["%d/%m/%Y"],
        help_text=_("Theo dạng ngày/tháng/năm, ví dụ 05/09/1990."),
        error_messages={"invalid": _("Ngày sinh phải theo dạng ngày/tháng/năm, ví dụ 05/09/1990.")},
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"autocomplete": "bday"}),
    )
    gender = forms.ChoiceField(
        label=_("Giới tính"), required=False, choices=[("", "—"), *Gender.choices]
    )
    id_number = forms.CharField(
        label=_("Số định danh cá nhân"),
        required=False,
        max_length=20,  # longer than 12 so the validator says how many digits were typed
        validators=[validate_id_number],
        help_text=_("12 chữ số trên thẻ căn cước."),
        widget=forms.TextInput({"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput({"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail liên hệ"),
        required=False,
        widget=forms.EmailInput({"autocomplete": "email"}),
    )
    permanent_address = forms.CharField(
        label=_("Địa chỉ thường trú"), max_length=255, required=False
    )
    permanent_province_code = forms.CharField(
        label=_("Mã tỉnh thường trú"), max_length=2, required=False, validators=[_province_code]
    )
    permanent_commune_code = forms.CharField(
        label=_("Mã xã thường trú"), max_length=5, required=False, validators=[_commune_code]
    )
    current_address = forms.CharField(label=_("Nơi ở hiện tại"), max_length=255, required=False)
    current_province_code = forms.CharField(
        label=_("Mã tỉnh nơi ở"), max_length=2, required=False, validators=[_province_code]
    )
    current_commune_code = forms.CharField(
        label=_("Mã xã nơi ở"), max_length=5, required=False, validators=[_commune_code]
    )

    def __init__(self, *args: Any, locked: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        """`locked`: fields the national identity verified; they are shown, not offered."""
        super().__init__(*args, **kwargs)
        for name in locked:
            self.fields.pop(name, None)

    def clean_date_of_birth(self) -> dt.date | None:
        born = self.cleaned_data.get("date_of_birth")
        if born and born > timezone.localdate():
            raise forms.ValidationError(_("Ngày sinh không thể sau ngày hôm nay."), code="future")
        return born

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        id_number, born = cleaned.get("id_number"), cleaned.get("date_of_birth")
        if id_number and born and "id_number" not in self.errors:
            try:
                validate_id_number(id_number, born)
            except forms.ValidationError as error:
                self.add_error("id_number", error)
        return cleaned
