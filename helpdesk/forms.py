"""Input validation only; the services decide."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.pickers import agency_choices_by_level, filterable
from common.text import fold
from helpdesk import selectors
from helpdesk.constants import (
    SCORE_CHOICES,
    IntakeChannel,
    Priority,
    RatingCriterion,
    ReportCategory,
)
from helpdesk.services import MAX_PHOTOS, Photo


def _agency_picker(form: forms.BaseForm) -> None:
    """The agencies to assign to, grouped by level and sorted by folded name, with the filter
    box (`agencies.pickers`); the queryset still decides what is valid."""
    field = _model_choice(form, "agency")
    agencies = selectors.assignable_agencies()
    field.queryset = agencies
    field.choices = agency_choices_by_level(agencies, empty_label=str(field.empty_label))
    filterable(field)


def _model_choice(form: forms.BaseForm, name: str) -> "forms.ModelChoiceField[Any]":
    """The form's model choice field `name`, typed, to set its queryset per request."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("Tối đa %(n)s ảnh.") % {"n": MAX_PHOTOS})
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        max_length=16,
        help_text=_("Chúng tôi gửi mã xác thực 6 số qua SMS tới số này."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class OtpForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Lĩnh vực"), choices=[("", _("— Chọn lĩnh vực —")), *ReportCategory.choices]
    )
    title = forms.CharField(label=_("Tiêu đề"), max_length=200)
    description = forms.CharField(
        label=_("Nội dung phản ánh"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Mô tả sự việc, thời gian xảy ra. Không ghi thông tin cá nhân của người khác."),
    )
    commune: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Xã, phường nơi xảy ra"), queryset=None, to_field_name="commune_code"
    )
    address = forms.CharField(
        label=_("Địa chỉ cụ thể"),
        max_length=255,
        help_text=_("Số nhà, tên đường, ấp/khu phố hoặc mô tả vị trí."),
    )
    latitude = forms.DecimalField(
        label=_("Vĩ độ (không bắt buộc)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        help_text=_("Ví dụ 11.310000."),
    )
    longitude = forms.DecimalField(
        label=_("Kinh độ (không bắt buộc)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        help_text=_("Ví dụ 106.100000."),
    )
    photos = MultiplePhotoField(
        label=_("Ảnh hiện trường (không bắt buộc)"),
        required=False,
        help_text=_(
            "Tối đa 5 ảnh JPEG hoặc PNG. Thông tin vị trí trong ảnh được xóa trước khi lưu."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _model_choice(self, "commune").queryset = selectors.communes()

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            raise forms.ValidationError(_("Tọa độ phải có cả vĩ độ và kinh độ."))
        return cleaned

    def photo_list(self) -> list[Photo]:
        return [Photo(name=f.name, data=f.read()) for f in self.cleaned_data.get("photos") or []]


class OperatorReportForm(ReportForm):
    channel = forms.ChoiceField(
        label=_("Kênh tiếp nhận"),
        choices=[(c.value, c.label) for c in (IntakeChannel.OPERATOR, IntakeChannel.HOTLINE)],
    )
    reporter_name = forms.CharField(
        label=_("Họ tên người phản ánh"), max_length=150, required=False
    )
    reporter_phone = forms.CharField(label=_("Số điện thoại người phản ánh"), max_length=16)

    field_order = ["channel", "reporter_name", "reporter_phone"]


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Mã phản ánh"), max_length=20, help_text=_("Ví dụ PA-2026-000042.")
    )
    phone = forms.CharField(label=_("Số điện thoại đã dùng khi gửi"), max_length=16)


class SupplyInfoForm(forms.Form):
    text = forms.CharField(label=_("Thông tin bổ sung"), widget=forms.Textarea(attrs={"rows": 4}))


class ReporterRatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Bạn có hài lòng với kết quả xử lý?"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reopen = forms.BooleanField(label=_("Tôi chưa hài lòng và đề nghị xem xét lại"), required=False)


class TriageForm(forms.Form):
    category = forms.ChoiceField(label=_("Lĩnh vực"), choices=ReportCategory.choices)
    priority = forms.ChoiceField(label=_("Mức ưu tiên"), choices=Priority.choices)


class ReasonForm(forms.Form):
    note = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    agency: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Cơ quan xử lý"), queryset=None, to_field_name="uuid"
    )
    note = forms.CharField(
        label=_("Ghi chú cho cơ quan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _agency_picker(self)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Nội dung trả lời"), widget=forms.Textarea(attrs={"rows": 6}))


# What a published answer must not carry (issue #19): the reporter's phone, ID number, e-mail
# or name. A helpdesk officer is warned and must confirm before publishing such text.
_PHONE = re.compile(r"(?<![\d])(?:\+?84|0)(?:[\s.-]?\d){8,10}(?![\d])")
_ID_NUMBER = re.compile(r"(?<![\d])(?:\d{12}|\d{9})(?![\d])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def personal_data_found(text: str, *, names: list[str]) -> list[str]:
    """The kinds of personal data `text` seems to contain, as labels for the warning."""
    found = []
    if _PHONE.search(text):
        found.append(str(_("số điện thoại")))
    if _ID_NUMBER.search(text):
        found.append(str(_("số định danh / CMND")))
    if _EMAIL.search(text):
        found.append(str(_("địa chỉ e-mail")))
    folded = f" {fold(text)} "
    if any(f" {fold(name)} " in folded for name in names if len(fold(name)) > 3):
        found.append(str(_("họ tên người phản ánh")))
    return found


class PublishForm(forms.Form):
    """The public text starts empty: the agency's answer, written for the reporter, is shown
    beside the form, never copied into what goes public."""

    public_title = forms.CharField(label=_("Tiêu đề công khai"), max_length=200)
    public_description = forms.CharField(
        label=_("Nội dung công khai"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Xóa họ tên, số điện thoại và mọi thông tin cá nhân trước khi công khai."),
    )
    answer = forms.CharField(
        label=_("Trả lời công khai"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Viết lại cho công chúng, không chép thông tin cá nhân từ trả lời của cơ quan."
        ),
    )
    personal_data_checked = forms.BooleanField(
        label=_("Tôi đã kiểm tra: nội dung công khai không có thông tin cá nhân của ai"),
        required=False,
    )

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report

    def _names(self) -> list[str]:
        report = self.report
        if report is None:
            return []
        names = [report.reporter_name]
        reporter = getattr(report, "reporter", None)
        profile = getattr(reporter, "profile", None) if reporter else None
        names.append(getattr(profile, "full_name", "") or "")
        return [n for n in names if n]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = " ".join(
            data.get(name, "") for name in ("public_title", "public_description", "answer")
        )
        found = personal_data_found(text, names=self._names())
        if found and not data.get("personal_data_checked"):
            raise forms.ValidationError(
                _(
                    "Nội dung công khai có vẻ chứa %(found)s. Hãy xóa đi, hoặc đánh dấu ô xác "
                    "nhận nếu đó không phải thông tin cá nhân (ví dụ số điện thoại của cơ quan)."
                ),
                code="personal_data",
                params={"found": ", ".join(found)},
            )
        return data


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Gộp vào phản ánh mã"), max_length=20)


class AskForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề câu hỏi"), max_length=200)
    body = forms.CharField(label=_("Nội dung câu hỏi"), widget=forms.Textarea(attrs={"rows": 5}))
    procedure_code = forms.CharField(
        label=_("Mã thủ tục liên quan (không bắt buộc)"), max_length=32, required=False
    )


class FaqSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm trong hỏi đáp"), required=False, max_length=200)


class QuestionAssignForm(forms.Form):
    agency: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Cơ quan trả lời"), queryset=None, to_field_name="uuid"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _agency_picker(self)


class DossierRatingForm(forms.Form):
    def __init__(self, *args, online: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in RatingCriterion:
            if criterion == RatingCriterion.ONLINE and not online:
                continue
            self.fields[criterion.value] = forms.TypedChoiceField(
                label=criterion.label, choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
            )
        self.fields["comment"] = forms.CharField(
            label=_("Ý kiến khác"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )

    def scores(self) -> dict[str, int]:
        return {
            c.value: self.cleaned_data[c.value]
            for c in RatingCriterion
            if c.value in self.cleaned_data
        }


class KioskIdentifyForm(forms.Form):
    dossier_code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=64,
        help_text=_("In trên giấy tiếp nhận; có thể quét mã QR."),
    )
    phone_last4 = forms.CharField(
        label=_("4 số cuối điện thoại của người nộp"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
