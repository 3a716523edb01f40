from django import forms
from django.utils.translation import gettext_lazy as _

from procedures.constants import OnlineLevel, ProcedureLevel
from procedures.selectors import CatalogueFilters, catalogue_filter_options

FREE_CHOICES = [("", _("Tất cả")), ("yes", _("Miễn phí")), ("no", _("Có thu phí"))]


class CatalogueSearchForm(forms.Form):
    """The catalogue's search and filters (GET); invalid filters are reported, nothing is lost."""

    q = forms.CharField(
        label=_("Tìm thủ tục"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Ví dụ: đăng ký thường trú, 1.004222"),
                "autocomplete": "off",
            }
        ),
    )
    level = forms.ChoiceField(
        label=_("Cấp thực hiện"),
        required=False,
        choices=[("", _("Tất cả"))]
        + [(c.value, c.label) for c in (ProcedureLevel.PROVINCE, ProcedureLevel.COMMUNE)],
    )
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    agency = forms.ChoiceField(label=_("Cơ quan"), required=False)
    online = forms.ChoiceField(
        label=_("Dịch vụ công trực tuyến"),
        required=False,
        choices=[("", _("Tất cả")), *OnlineLevel.choices],
    )
    applicant = forms.ChoiceField(label=_("Đối tượng"), required=False)
    free = forms.ChoiceField(label=_("Phí, lệ phí"), required=False, choices=FREE_CHOICES)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        options = catalogue_filter_options()
        for name in ("field", "agency", "applicant"):
            self._choices(name).choices = [("", _("Tất cả")), *options[name]]

    def _choices(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def filters(self) -> CatalogueFilters:
        """The valid part of the input (an invalid filter is dropped, its error shown)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        free = data.get("free")
        return CatalogueFilters(
            q=data.get("q", "") or "",
            level=data.get("level", "") or "",
            field=data.get("field", "") or "",
            agency=data.get("agency", "") or "",
            online=data.get("online", "") or "",
            applicant=data.get("applicant", "") or "",
            free=True if free == "yes" else False if free == "no" else None,
        )


class ProposalForm(forms.Form):
    level = forms.ChoiceField(label=_("Mức độ đề xuất"), choices=OnlineLevel.choices)
    reason = forms.CharField(
        label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[("approve", _("Duyệt")), ("reject", _("Không duyệt"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Ý kiến"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Bắt buộc khi không duyệt."),
    )
