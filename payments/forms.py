from django import forms
from django.utils.translation import gettext_lazy as _

from payments.constants import CounterMethod


class CounterPaymentForm(forms.Form):
    method = forms.ChoiceField(label=_("Hình thức nộp"), choices=CounterMethod.choices)
    receipt_number = forms.CharField(label=_("Số biên lai"), max_length=40)


class ChargeAssessForm(forms.Form):
    label = forms.CharField(label=_("Tên khoản thu"), max_length=255)
    amount_vnd = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=1)
    note = forms.CharField(
        label=_("Ghi chú gửi người nộp"), widget=forms.Textarea(attrs={"rows": 2})
    )


class RefundForm(forms.Form):
    amount_vnd = forms.IntegerField(label=_("Số tiền hoàn (đồng)"), min_value=1)
    reason = forms.CharField(label=_("Lý do hoàn tiền"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    agency = forms.ChoiceField(label=_("Cơ quan"))
    day = forms.DateField(label=_("Ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
