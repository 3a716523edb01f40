from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.identity.constants import PrivacyRequestKind
from accounts.models import User


def _codes(value: str) -> list[str]:
    return [c.strip() for c in value.replace("\n", ",").split(",") if c.strip()]


class MandateGrantForm(forms.Form):
    agent_email = forms.EmailField(
        label=_("E-mail của người được ủy quyền"),
        help_text=_("Người này phải có tài khoản trên Cổng."),
    )
    procedure_codes = forms.CharField(
        label=_("Mã thủ tục được ủy quyền"),
        required=False,
        help_text=_("Cách nhau bằng dấu phẩy. Để trống: mọi thủ tục."),
    )
    valid_from = forms.DateField(label=_("Hiệu lực từ ngày"), required=False)
    valid_to = forms.DateField(label=_("Hiệu lực đến ngày"), required=False)

    def __init__(self, *args, principal: User, **kwargs):
        self.principal = principal
        super().__init__(*args, **kwargs)

    def clean_agent_email(self) -> User:
        agent = User.objects.filter(
            email__iexact=self.cleaned_data["agent_email"], is_active=True
        ).first()
        if agent is None:
            raise forms.ValidationError(_("Không tìm thấy tài khoản với e-mail này."))
        if agent.pk == self.principal.pk:
            raise forms.ValidationError(_("Không thể tự ủy quyền cho chính mình."))
        return agent

    def clean_procedure_codes(self) -> list[str]:
        return _codes(self.cleaned_data.get("procedure_codes") or "")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data


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
