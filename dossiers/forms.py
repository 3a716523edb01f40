"""Input validation of the citizen's forms; the rules themselves live in `dossiers.services.drafts`
(shared with the API), so a form only parses and reports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from agencies.selectors import agencies_valid_on, agency_for_commune_code
from dossiers import eform
from dossiers.constants import ResultDelivery
from dossiers.services import applicant_errors, delivery_errors


def commune_choices() -> list[tuple[str, str]]:
    communes = agencies_valid_on().filter(level="commune").exclude(commune_code="")
    return [("", "—"), *((a.commune_code, a.name) for a in communes.order_by("name"))]


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """`form.fields[name]`, narrowed for the type checker: the choices of these fields are set
    per request."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class _ErrorsFromRules(forms.Form):
    def add_rule_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)


class StartForm(forms.Form):
    on_behalf_of = forms.ChoiceField(label=_("Nộp hồ sơ cho"), required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        """`choices`: `dossiers.services.on_behalf_choices` (organisations represented and
        people whose mandate covers the procedure); hidden when there is nobody else."""
        super().__init__(*args, **kwargs)
        choice_field(self, "on_behalf_of").choices = [("", _("Bản thân tôi")), *choices]
        if not choices:
            self.fields["on_behalf_of"].widget = forms.HiddenInput()

    def target(self) -> tuple[str, str]:
        """("organisation" | "person" | "", UUID text) of the chosen entry."""
        value = self.cleaned_data.get("on_behalf_of") or ""
        if value.startswith("nguoi:"):
            return "person", value.removeprefix("nguoi:")
        return ("organisation", value) if value else ("", "")


class ApplicantForm(_ErrorsFromRules):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    id_number = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=20,  # longer than 12 so the validator says how many digits were typed
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = eform.CalendarDateField(
        label=_("Ngày sinh"),
        required=False,
        input_formats=eform.DATE_INPUT_FORMATS,
        widget=eform.DateInput(),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    address = forms.CharField(label=_("Địa chỉ thường trú"), max_length=255, required=False)
    filing_commune = forms.ChoiceField(label=_("Nơi nộp hồ sơ (xã, phường)"), required=False)
    applicant_type_code = forms.ChoiceField(
        label=_("Đối tượng thực hiện"),
        required=False,
        help_text=_("Một số đối tượng được miễn hoặc giảm phí, lệ phí theo quy định."),
    )
    save_to_profile = forms.BooleanField(
        label=_("Lưu các thay đổi vào hồ sơ cá nhân của tôi"), required=False
    )

    def __init__(
        self,
        *args: Any,
        needs_commune: bool,
        applicant_types: list[tuple[str, str]] | None = None,
        for_someone_else: bool = False,
        organisation: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """`applicant_types`: `dossiers.services.applicant_type_choices`; the field is left
        out when the procedure names none. `for_someone_else`: filed under a mandate, so the
        applicant's profile is not the submitter's to change."""
        super().__init__(*args, **kwargs)
        for name in ("full_name", "id_number", "phone", "address"):
            self.fields[name].widget.attrs["aria-required"] = "true"
            self.fields[name].label_suffix = ""
        if applicant_types:
            choice_field(self, "applicant_type_code").choices = [("", "—"), *applicant_types]
        else:
            del self.fields["applicant_type_code"]
        self.organisation = organisation
        if for_someone_else or organisation:
            del self.fields["save_to_profile"]
        if organisation:  # the organisation applies: its name and tax code, no birth date
            self.fields["full_name"].label = _("Tên tổ chức")
            self.fields["id_number"].label = _("Mã số thuế")
            self.fields["address"].label = _("Địa chỉ trụ sở")
            del self.fields["date_of_birth"]
        self.needs_commune = needs_commune
        if needs_commune:
            choice_field(self, "filing_commune").choices = commune_choices()
        else:
            del self.fields["filing_commune"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        values = {
            **data,
            "date_of_birth": eform.to_json(data.get("date_of_birth")),
            "organisation": self.organisation,
        }
        self.add_rule_errors(applicant_errors(values))
        if self.needs_commune:
            agency = agency_for_commune_code(data.get("filing_commune") or "")
            if agency is None:
                self.add_error("filing_commune", _("Chọn xã, phường nơi nộp hồ sơ."))
            data["filing_agency"] = agency
        return data


def fields_form(
    specs: list[Any],
    *,
    data: Any = None,
    initial: dict | None = None,
    organisation: bool = False,
) -> forms.Form:
    form = forms.Form(data=data, initial=initial)
    form.fields = eform.eform_fields(specs, organisation=organisation)
    return form


SUBMISSION_CHANNEL_CHOICES = [
    ("online", _("Nộp trực tuyến: các giấy tờ đã tải lên là đủ")),
    (
        "postal",
        _(
            "Bưu điện đến địa chỉ dưới đây nhận bản giấy và chuyển đến cơ quan (bưu chính công "
            "ích); hồ sơ được tính là đã nộp từ lúc bưu điện bàn giao cho cơ quan"
        ),
    ),
]


class DeliveryForm(_ErrorsFromRules):
    # Shown only when the post may collect the paper of this procedure (`postal_collection`).
    submission_channel = forms.ChoiceField(
        label=_("Bạn gửi bản giấy của hồ sơ thế nào?"),
        choices=SUBMISSION_CHANNEL_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    result_delivery = forms.ChoiceField(
        label=_("Bạn muốn nhận kết quả bằng cách nào?"),
        choices=ResultDelivery.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    delivery_address = forms.CharField(
        label=_("Địa chỉ nhận (số nhà, đường, ấp/khu phố)"),
        max_length=255,
        required=False,
        help_text=_("Cần khi bưu điện đến thu gom hồ sơ hoặc phát kết quả."),
    )
    delivery_commune_code = forms.ChoiceField(label=_("Xã, phường nhận"), required=False)

    def __init__(self, *args: Any, postal_collection: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "delivery_commune_code").choices = commune_choices()
        if not postal_collection:
            del self.fields["submission_channel"]
        else:  # the choice comes first: it decides whether the address is needed
            self.order_fields(["submission_channel"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "submission_channel" in self.fields:
            data["submission_channel"] = data.get("submission_channel") or "online"
        self.add_rule_errors(
            delivery_errors(
                data.get("result_delivery") or "",
                data.get("delivery_address") or "",
                data.get("delivery_commune_code") or "",
                data.get("submission_channel") or "",
            )
        )
        return data


class UploadForm(forms.Form):
    """One upload slot of the documents step: a new file, or a document from the data store.
    All slots sit in one form, so a file chosen in any slot is sent with "Lưu và tiếp tục" too
    (never dropped); a slot with nothing chosen is simply not validated."""

    file = forms.FileField(label=_("Tải tệp lên"), required=False)
    document = forms.UUIDField(label=_("Hoặc chọn từ kho dữ liệu của bạn"), required=False)

    def __init__(self, *args: Any, store: list[Any], **kwargs: Any) -> None:
        """`store`: the documents offered by the picker (the service checks the chosen one
        belongs to the citizen, so a value from outside the list is still refused there)."""
        super().__init__(*args, **kwargs)
        self.fields["document"].widget = forms.Select(
            choices=[
                ("", "—"),
                *((str(d.uuid), f"{d.title} ({d.created_at:%d/%m/%Y})") for d in store),
            ]
        )
        limit_mb = settings.DOCUMENTS_MAX_FILE_BYTES // (1024 * 1024)
        self.fields["file"].help_text = _("PDF, JPG hoặc PNG, tối đa %(mb)s MB mỗi tệp.") % {
            "mb": limit_mb
        }
        self.fields["file"].widget.attrs.update(
            {
                "accept": ".pdf,.jpg,.jpeg,.png," + ",".join(settings.DOCUMENTS_ALLOWED_TYPES),
                "data-max-bytes": str(settings.DOCUMENTS_MAX_FILE_BYTES),
                "data-types": " ".join(settings.DOCUMENTS_ALLOWED_TYPES),
                "data-upload-check": "",
            }
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("file") and not data.get("document"):
            raise forms.ValidationError(_("Chọn một tệp để tải lên hoặc một giấy tờ trong kho."))
        return data


class ReviewForm(forms.Form):
    declaration = forms.BooleanField(
        label=_(
            "Tôi xin cam đoan những thông tin đã khai là đúng sự thật và chịu trách nhiệm trước "
            "pháp luật về nội dung đã khai."
        ),
        required=False,
    )


class WithdrawalForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Mã hồ sơ"), max_length=64)
    verify = forms.CharField(
        label=_("4 số cuối điện thoại hoặc số định danh của người nộp"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class CaseChoiceForm(forms.Form):
    """ "Trường hợp nào đúng với bạn?": one of the procedure's cases (ADR 0260)."""

    case = forms.ChoiceField(label=_("Trường hợp nào đúng với bạn?"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, cases: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "case").choices = [(c.key, c.display_name) for c in cases]


class CaseChangeForm(CaseChoiceForm):
    """The reception officer puts the dossier in another case, saying why."""

    reason = forms.CharField(
        label=_("Lý do đổi trường hợp"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, cases: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, cases=cases, **kwargs)
        self.fields["case"].label = _("Trường hợp đúng với hồ sơ")
