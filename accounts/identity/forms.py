from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.identity.constants import MandateScope, PrivacyRequestKind
from accounts.identity.hooks import field_choices
from accounts.models import User
from accounts.validators import validate_id_number, validate_phone


def _codes(value: str) -> list[str]:
    return [c.strip() for c in value.replace("\n", ",").split(",") if c.strip()]


class MandateTermsForm(forms.Form):
    """What every way of asking or offering a mandate states: its scope and its dates."""

    scope = forms.ChoiceField(
        label=_("Phạm vi ủy quyền"),
        choices=MandateScope.choices,
        initial=MandateScope.ALL,
        widget=forms.RadioSelect,
    )
    procedure_code = forms.CharField(
        label=_("Mã thủ tục"),
        required=False,
        max_length=32,
        help_text=_("Khi chọn “Một thủ tục”, ví dụ 1.001234."),
    )
    field_code = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    valid_from = forms.DateField(label=_("Hiệu lực từ ngày"), required=False)
    valid_to = forms.DateField(label=_("Hiệu lực đến ngày"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field = self.fields["field_code"]
        assert isinstance(choice_field, forms.ChoiceField)
        choice_field.choices = [("", _("— Chọn lĩnh vực —")), *field_choices()]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        scope = data.get("scope")
        if scope == MandateScope.PROCEDURE and not (data.get("procedure_code") or "").strip():
            self.add_error("procedure_code", _("Nhập mã thủ tục được ủy quyền."))
        if scope == MandateScope.FIELD and not data.get("field_code"):
            self.add_error("field_code", _("Chọn lĩnh vực được ủy quyền."))
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data

    def terms(self) -> dict:
        """Keyword arguments for the mandate services: scope and dates."""
        data = self.cleaned_data
        scope = data["scope"]
        return {
            "procedure_codes": [data["procedure_code"].strip()]
            if scope == MandateScope.PROCEDURE
            else [],
            "field_codes": [data["field_code"]] if scope == MandateScope.FIELD else [],
            "valid_from": data.get("valid_from"),
            "valid_to": data.get("valid_to"),
        }


def _active_user_by_email(email: str) -> User:
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        raise forms.ValidationError(_("Không tìm thấy tài khoản với e-mail này."))
    return user


class MandateGrantForm(MandateTermsForm):
    """The citizen offers a mandate; the person named accepts it in their account."""

    agent_email = forms.EmailField(
        label=_("E-mail của người được ủy quyền"),
        help_text=_("Người này phải có tài khoản trên Cổng và sẽ được hỏi có nhận hay không."),
    )
    field_order = ["agent_email"]

    def __init__(self, *args, principal: User, **kwargs):
        self.principal = principal
        super().__init__(*args, **kwargs)

    def clean_agent_email(self) -> User:
        agent = _active_user_by_email(self.cleaned_data["agent_email"])
        if agent.pk == self.principal.pk:
            raise forms.ValidationError(_("Không thể tự ủy quyền cho chính mình."))
        return agent


class MandateAskForm(MandateTermsForm):
    """A helper asks a citizen who has an account; the citizen confirms in their account."""

    principal_email = forms.EmailField(label=_("E-mail của người ủy quyền"))
    field_order = ["principal_email"]

    def __init__(self, *args, agent: User, **kwargs):
        self.agent = agent
        super().__init__(*args, **kwargs)

    def clean_principal_email(self) -> User:
        principal = _active_user_by_email(self.cleaned_data["principal_email"])
        if principal.pk == self.agent.pk:
            raise forms.ValidationError(_("Không thể tự ủy quyền cho chính mình."))
        return principal


class MandateSmsAskForm(MandateTermsForm):
    """A helper asks a citizen sitting with them (often without an account): a code by SMS."""

    full_name = forms.CharField(label=_("Họ và tên người ủy quyền"), max_length=150)
    id_number = forms.CharField(label=_("Số định danh cá nhân (12 số)"), max_length=12)
    phone = forms.CharField(
        label=_("Số điện thoại của người ủy quyền"),
        max_length=20,
        help_text=_(
            "Mã xác nhận được gửi tới số điện thoại đã lưu của người này; nếu chưa có, tới số này."
        ),
    )
    field_order = ["full_name", "id_number", "phone"]

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        validate_id_number(value)
        if not value.isdigit():
            raise forms.ValidationError(_("Số định danh cá nhân chỉ gồm chữ số."))
        return value

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].replace(" ", "")
        validate_phone(value)
        return value


class MandateCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác nhận (6 chữ số) người ủy quyền nhận qua SMS"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class SmsSignInForm(forms.Form):
    """Đăng nhập bằng mã gửi qua SMS: who you are (ID number) and the phone the code goes to."""

    id_number = forms.CharField(
        label=_("Số định danh cá nhân (12 số, trên thẻ căn cước)"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại đã xác thực"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        if not (value.isdigit() and len(value) == 12):
            raise forms.ValidationError(_("Số định danh cá nhân gồm 12 chữ số."))
        return value

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].replace(" ", "")
        validate_phone(value)
        return value


class SmsSignInCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã đăng nhập (6 chữ số) nhận qua SMS"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class PrivacyRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại yêu cầu"), choices=PrivacyRequestKind.choices)
    details = forms.CharField(
        label=_("Nội dung yêu cầu"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ghi rõ dữ liệu nào cần sửa (và giá trị đúng) hoặc cần xóa."),
    )


class PrivacyResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[("accept", _("Chấp nhận và thực hiện")), ("reject", _("Từ chối"))],
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(
        label=_("Kết quả xử lý gửi người yêu cầu"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


ALLOWED_SCAN_TYPES = {"application/pdf", "image/jpeg", "image/png"}
MAX_SCAN_BYTES = 5 * 1024 * 1024


class CounterMandateForm(forms.Form):
    principal = forms.CharField(
        label=_("Người ủy quyền: số định danh cá nhân hoặc e-mail"), max_length=254
    )
    agent_email = forms.EmailField(label=_("E-mail của người được ủy quyền"))
    procedure_codes = forms.CharField(
        label=_("Mã thủ tục được ủy quyền"),
        required=False,
        help_text=_("Cách nhau bằng dấu phẩy. Để trống: mọi thủ tục."),
    )
    valid_from = forms.DateField(label=_("Hiệu lực từ ngày"), required=False)
    valid_to = forms.DateField(label=_("Hiệu lực đến ngày"), required=False)
    signed_authorisation = forms.FileField(
        label=_("Giấy ủy quyền đã ký (bản quét PDF, JPEG hoặc PNG, tối đa 5 MB)")
    )

    def clean_principal(self) -> User:
        value = self.cleaned_data["principal"].strip()
        lookup = {"profile__id_number": value} if value.isdigit() else {"email__iexact": value}
        principal = User.objects.filter(is_active=True, **lookup).first()
        if principal is None:
            raise forms.ValidationError(_("Không tìm thấy công dân này trên Cổng."))
        return principal

    def clean_agent_email(self) -> User:
        email = self.cleaned_data["agent_email"]
        agent = User.objects.filter(email__iexact=email, is_active=True).first()
        if agent is None:
            raise forms.ValidationError(_("Không tìm thấy tài khoản với e-mail này."))
        return agent

    def clean_procedure_codes(self) -> list[str]:
        return _codes(self.cleaned_data.get("procedure_codes") or "")

    def clean_signed_authorisation(self):
        scan = self.cleaned_data["signed_authorisation"]
        if scan.size > MAX_SCAN_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 5 MB)."))
        if scan.content_type not in ALLOWED_SCAN_TYPES:
            raise forms.ValidationError(_("Chỉ nhận tệp PDF, JPEG hoặc PNG."))
        return scan

    def clean(self):
        super().clean()
        data = self.cleaned_data
        principal, agent = data.get("principal"), data.get("agent_email")
        if principal and agent and principal.pk == agent.pk:
            self.add_error("agent_email", _("Người được ủy quyền phải là người khác."))
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data
