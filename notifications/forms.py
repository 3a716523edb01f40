from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    zalo_linked = forms.BooleanField(
        label=_("Tôi đồng ý nhận thông báo qua Zalo theo số điện thoại của mình"), required=False
    )

    class Meta:
        model = NotificationPreference
        fields = [
            "email_enabled",
            "sms_enabled",
            "zalo_enabled",
            "quiet_start",
            "quiet_end",
            "language",
        ]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "quiet_start": _("Tin SMS và Zalo không khẩn sẽ được gửi sau giờ này kết thúc."),
        }

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("quiet_start"), cleaned.get("quiet_end")
        if (start is None) != (end is None):
            self.add_error(
                "quiet_end", _("Hãy nhập cả giờ bắt đầu và giờ kết thúc, hoặc để trống cả hai.")
            )
        return cleaned


class StaffPreferenceForm(PreferenceForm):
    class Meta(PreferenceForm.Meta):
        fields = [*PreferenceForm.Meta.fields, "daily_digest"]
