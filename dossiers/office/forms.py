"""Input parsing of the officer's forms; the rules live in the services they feed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.pickers import agency_choices_by_level, filterable
from agencies.selectors import agencies_valid_on
from dossiers import eform
from dossiers.constants import Channel, DossierStatus, ResultKind
from dossiers.forms import choice_field
from dossiers.selectors import SORTS
from procedures.selectors import procedure_get


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo mã hồ sơ, họ tên, số định danh hoặc số điện thoại"),
        max_length=100,
        required=False,
    )
    trang_thai = forms.ChoiceField(label=_("Trạng thái"), required=False)
    kenh = forms.ChoiceField(label=_("Kênh nộp"), required=False)
    sap_xep = forms.ChoiceField(label=_("Sắp xếp"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "trang_thai").choices = [("", _("Tất cả"))] + [
            c for c in DossierStatus.choices if c[0] != DossierStatus.DRAFT
        ]
        choice_field(self, "kenh").choices = [("", _("Tất cả")), *Channel.choices]
        choice_field(self, "sap_xep").choices = [(k, label) for k, (_key, label) in SORTS.items()]
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})
        for name in ("trang_thai", "kenh", "sap_xep"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def values(self) -> dict[str, str]:
        if not self.is_valid():
            return {"q": "", "status": "", "channel": "", "sort": "han"}
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "status": data.get("trang_thai") or "",
            "channel": data.get("kenh") or "",
            "sort": data.get("sap_xep") or "han",
        }


class ActionForm(forms.Form):
    """One button of the action bar: the edge to take, in which role, from which status."""

    to = forms.ChoiceField(choices=DossierStatus.choices, widget=forms.HiddenInput)
    role = forms.CharField(max_length=32, widget=forms.HiddenInput)
    expected_status = forms.CharField(max_length=32, widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("Ghi chú, lý do"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    result_kind = forms.ChoiceField(
        label=_("Đề xuất"),
        choices=ResultKind.choices,
        required=False,
        widget=forms.RadioSelect,
    )


class ReceptionForm(forms.Form):
    """The completeness checklist of a submitted dossier."""

    decision = forms.ChoiceField(
        choices=[("accept", "accept"), ("supplement", "supplement"), ("refuse", "refuse")]
    )
    expected_status = forms.CharField(max_length=32, widget=forms.HiddenInput, required=False)
    complete = forms.MultipleChoiceField(
        label=_("Thành phần đã kiểm tra, đầy đủ và hợp lệ"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Ghi chú, hướng dẫn hoặc lý do"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    # Set on the confirmation step: the supplement request (Mẫu 02) goes out only after the
    # officer has seen exactly what it asks for (once only, Art. 16.3).
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, components: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.components = components
        choice_field(self, "complete").choices = [
            (str(c.uuid), c.requirement_name) for c in components
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "supplement" and not (data.get("note") or "").strip():
            self.add_error(
                "note",
                _(
                    "Nhập hướng dẫn cho người nộp: bổ sung gì, theo cách nào. Phiếu yêu cầu "
                    "bổ sung (Mẫu 02) chỉ được gửi một lần."
                ),
            )
        return data

    def missing_names(self) -> list[str]:
        """The components left unticked: what the supplement request will list."""
        ticked = set(self.cleaned_data.get("complete") or [])
        return [c.requirement_name for c in self.components if str(c.uuid) not in ticked]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Ghi chú nội bộ (công dân không xem được)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Chuyên viên xử lý"))
    # Who was assigned when the page was opened ("" for nobody): a stale second tab is refused
    # instead of silently re-assigning.
    expected_assignee = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, officers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officers = {str(u.uuid): u for u in officers}
        choice_field(self, "assignee").choices = [
            ("auto", _("Tự động: chuyên viên đang ít hồ sơ nhất"))
        ] + [(key, u.full_name or u.email) for key, u in self.officers.items()]

    def clean_assignee(self) -> Any:
        value = self.cleaned_data.get("assignee") or ""
        if value == "auto":
            return None
        officer = self.officers.get(value)
        if officer is None:
            raise forms.ValidationError(_("Chọn một chuyên viên của cơ quan."))
        return officer


def _agency_choices(exclude: set[int] | None = None) -> list[tuple[str, Any]]:
    """The agencies in force, grouped by level and sorted by folded name (`agencies.pickers`)."""
    agencies = agencies_valid_on().exclude(pk__in=exclude or set()).only("uuid", "name", "level")
    return agency_choices_by_level(agencies)


def _agency_for(value: str) -> Any:
    return agencies_valid_on().filter(uuid=value).first() if value else None


def _end_of(day: dt.date) -> dt.datetime:
    """A due date chosen by day means the end of office hours that day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(17, 0)))


class ConsultForm(forms.Form):
    agency = forms.ChoiceField(label=_("Cơ quan được xin ý kiến"))
    question = forms.CharField(
        label=_("Nội dung xin ý kiến, xác minh"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_date = forms.DateField(
        label=_("Hạn trả lời"), input_formats=eform.DATE_INPUT_FORMATS, widget=eform.DateInput()
    )

    def __init__(self, *args: Any, exclude: set[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "agency").choices = _agency_choices(exclude)
        filterable(self.fields["agency"])

    def clean_agency(self) -> Any:
        agency = _agency_for(self.cleaned_data.get("agency") or "")
        if agency is None:
            raise forms.ValidationError(_("Chọn cơ quan."))
        return agency

    def clean_due_date(self) -> dt.datetime:
        day = self.cleaned_data["due_date"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("Hạn trả lời phải từ hôm nay trở đi."))
        return _end_of(day)


class ConsultReplyForm(forms.Form):
    answer = forms.CharField(
        label=_("Ý kiến trả lời"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TaskCompleteForm(forms.Form):
    result_note = forms.CharField(
        label=_("Kết quả thực hiện nhiệm vụ"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExtendForm(forms.Form):
    new_due_date = forms.DateField(
        label=_("Ngày hẹn trả mới"),
        input_formats=eform.DATE_INPUT_FORMATS,
        widget=eform.DateInput(),
    )
    reason = forms.CharField(
        label=_("Lý do chậm, lời xin lỗi gửi người nộp"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_new_due_date(self) -> dt.datetime:
        return _end_of(self.cleaned_data["new_due_date"])


class ExtensionDecisionForm(forms.Form):
    """The head's answer to an officer's proposed extension."""

    decision = forms.ChoiceField(choices=[("approve", "approve"), ("decline", "decline")])
    note = forms.CharField(
        label=_("Ý kiến của lãnh đạo (bắt buộc khi không đồng ý)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InteragencyForm(forms.Form):
    lead_agency = forms.ChoiceField(label=_("Cơ quan chủ trì"))
    participants = forms.MultipleChoiceField(
        label=_("Cơ quan phối hợp (gửi đồng thời)"), widget=forms.SelectMultiple(attrs={"size": 6})
    )
    task = forms.CharField(
        label=_("Nhiệm vụ của các cơ quan phối hợp"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_date = forms.DateField(
        label=_("Hạn hoàn thành"), input_formats=eform.DATE_INPUT_FORMATS, widget=eform.DateInput()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _agency_choices()
        choice_field(self, "lead_agency").choices = choices
        choice_field(self, "participants").choices = choices[1:]
        filterable(self.fields["lead_agency"])
        filterable(self.fields["participants"])

    def clean_lead_agency(self) -> Any:
        agency = _agency_for(self.cleaned_data.get("lead_agency") or "")
        if agency is None:
            raise forms.ValidationError(_("Chọn cơ quan chủ trì."))
        return agency

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        due = _end_of(data["due_date"])
        values = list(data.get("participants") or [])
        lead = data["lead_agency"]
        if str(lead.uuid) not in values:  # the lead agency takes part too (Art. 20)
            values.insert(0, str(lead.uuid))
        agencies = [_agency_for(v) for v in values]
        data["participant_rows"] = [(a, data["task"], due) for a in agencies if a is not None]
        if not data["participant_rows"]:
            self.add_error("participants", _("Chọn ít nhất một cơ quan phối hợp."))
        return data


class ResultForm(forms.Form):
    file = forms.FileField(
        label=_("Văn bản kết quả (PDF)"),
        help_text=_(
            "Trước bước ký: dự thảo để lãnh đạo ký số. Ở bước ký: tệp đã được chính người tải "
            "lên ký số."
        ),
    )
    result_code = forms.CharField(label=_("Số, ký hiệu kết quả"), max_length=64, required=False)


class ResultSignForm(forms.Form):
    """Step 2 of remote signing: the one-time code the signing service sent to the head."""

    credential_id = forms.CharField(widget=forms.HiddenInput, max_length=128)
    otp = forms.CharField(
        label=_("Mã xác thực (OTP)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ResultRegisterForm(forms.Form):
    number = forms.CharField(
        label=_("Số, ký hiệu văn bản kết quả"),
        max_length=64,
        required=False,
        help_text=_("Để trống để lấy số tiếp theo trong sổ văn bản đi của cơ quan."),
    )


# --- counter intake ----------------------------------------------------------------------------


class CitizenLookupForm(forms.Form):
    id_number = forms.CharField(
        label=_("Số định danh cá nhân (CCCD) của người nộp"),
        min_length=12,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        if not value.isdigit():
            raise forms.ValidationError(_("Số định danh gồm 12 chữ số."))
        return value


class PrincipalLookupForm(CitizenLookupForm):
    """The counter's mandate page: the person who gave the mandate, by their card."""

    id_number = forms.CharField(
        label=_("Số định danh cá nhân (CCCD) của người ủy quyền"),
        min_length=12,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class CitizenCreateForm(forms.Form):
    id_number = forms.CharField(widget=forms.HiddenInput, max_length=12)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        required=False,
        input_formats=eform.DATE_INPUT_FORMATS,
        widget=eform.DateInput(),
    )
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    address = forms.CharField(label=_("Địa chỉ thường trú"), max_length=255, required=False)


class ProcedureChoiceForm(forms.Form):
    procedure_code = forms.CharField(
        label=_("Mã thủ tục hành chính"),
        max_length=32,
        help_text=_("Ví dụ 1.004222. Tìm mã trong danh mục thủ tục."),
    )

    def clean_procedure_code(self) -> Any:
        procedure = procedure_get(code=self.cleaned_data["procedure_code"].strip())
        if procedure is None:
            raise forms.ValidationError(_("Không tìm thấy thủ tục có mã này."))
        return procedure


class CounterApplicantForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    id_number = forms.CharField(label=_("Số định danh cá nhân"), max_length=12, required=False)
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        required=False,
        input_formats=eform.DATE_INPUT_FORMATS,
        widget=eform.DateInput(),
    )
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    address = forms.CharField(label=_("Địa chỉ thường trú"), max_length=255, required=False)


class ScanForm(forms.Form):
    file = forms.FileField(label=_("Bản quét (PDF)"))


class CounterSubmitForm(forms.Form):
    accept_now = forms.BooleanField(
        label=_("Đã kiểm tra bản giấy: tiếp nhận ngay và cấp Giấy tiếp nhận (Mẫu 01)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, assisted: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if assisted:  # filed online: there is no paper to have checked
            self.fields["accept_now"].label = _(
                "Đã kiểm tra hồ sơ: tiếp nhận ngay và cấp Giấy tiếp nhận (Mẫu 01)"
            )


class ConfirmationCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác nhận công dân đọc (6 chữ số)"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )
