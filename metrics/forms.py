"""The period and agency picker of the dashboards (GET; works without JavaScript)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metrics.constants import PeriodKind


class PeriodForm(forms.Form):
    ky = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=PeriodKind.choices, required=False)
    nam = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)
    quy = forms.TypedChoiceField(
        label=_("Quý"), choices=[(q, q) for q in range(1, 5)], coerce=int, required=False
    )
    thang = forms.TypedChoiceField(
        label=_("Tháng"), choices=[(m, m) for m in range(1, 13)], coerce=int, required=False
    )
    tu = forms.DateField(
        label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    den = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nam"].initial = timezone.localdate().year
        for name, field in self.fields.items():
            css = (
                "form-select form-select-sm"
                if isinstance(field, forms.ChoiceField)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"id_{name}")
        if agencies is not None:
            self.fields["co_quan"] = forms.ChoiceField(
                label=_("Cơ quan"),
                required=False,
                choices=[("", _("Tất cả trong phạm vi"))]
                + [(str(a.uuid), a.name) for a in agencies],
                widget=forms.Select(
                    attrs={"class": "form-select form-select-sm", "id": "id_co_quan"}
                ),
            )
