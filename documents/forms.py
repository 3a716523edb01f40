from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from documents.constants import DocumentSource

DATE_HELP = _("Định dạng ngày/tháng/năm, ví dụ 31/12/2030.")


class DateInput(forms.DateInput):
    def __init__(self) -> None:
        super().__init__(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        )


class ValidityFieldsMixin(forms.Form):
    valid_from = forms.DateField(
        label=_("Hiệu lực từ ngày"), required=False, widget=DateInput(), help_text=DATE_HELP
    )
    valid_to = forms.DateField(
        label=_("Hiệu lực đến ngày"), required=False, widget=DateInput(), help_text=DATE_HELP
    )
    valid_scope = forms.CharField(label=_("Phạm vi sử dụng"), required=False, max_length=255)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."))
        return data


class UploadForm(ValidityFieldsMixin):
    file = forms.FileField(
        label=_("Tệp giấy tờ"),
        help_text=_("PDF, JPEG hoặc PNG; tối đa %(mb)s MB.")
        % {"mb": settings.DOCUMENTS_MAX_FILE_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    title = forms.CharField(label=_("Tên giấy tờ"), max_length=255)
    doc_type_code = forms.CharField(
        label=_("Mã loại giấy tờ"),
        required=False,
        max_length=32,
        help_text=_("Nếu biết, ví dụ mã loại kết quả trong CSDL TTHC quốc gia."),
    )
    summary = forms.CharField(
        label=_("Trích yếu"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    field_order = [
        "file",
        "title",
        "doc_type_code",
        "summary",
        "valid_from",
        "valid_to",
        "valid_scope",
    ]


class RenameForm(forms.Form):
    title = forms.CharField(label=_("Tên mới"), max_length=255)


class ValidityForm(ValidityFieldsMixin):
    pass


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên"), required=False)
    source = forms.ChoiceField(
        label=_("Nguồn"), required=False, choices=[("", _("Tất cả")), *DocumentSource.choices]
    )
    validity = forms.ChoiceField(
        label=_("Hiệu lực"),
        required=False,
        choices=[("", _("Tất cả")), ("valid", _("Còn hiệu lực")), ("expired", _("Hết hiệu lực"))],
    )


class OtpForm(forms.Form):
    credential_id = forms.CharField(widget=forms.HiddenInput, max_length=64)
    otp = forms.CharField(
        label=_("Mã xác nhận (OTP)"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp PDF cần kiểm tra"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.DOCUMENTS_MAX_FILE_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn để kiểm tra."))
        return upload
