"""Admin: catalogue configuration with validation, agency-name mapping, CSV/XLSX exchange.

Catalogue text comes from the national catalogue and is read-only here; the province edits its
own configuration (requirement flags, fees, e-form, workflow, online-only, effective dates). The
online level changes only through the proposal/approval flow (`procedures.services`).
"""

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.exceptions import ApplicationError
from procedures import exchange, services
from procedures.constants import ProposalStatus, ReviewFlag
from procedures.models import (
    AgencyNameMapping,
    ApplicantType,
    DocumentRequirement,
    FeeRule,
    FormField,
    OnlineLevelProposal,
    OnlineOnlyDay,
    Procedure,
    ProcedureCase,
    ProcedureChannel,
    ProcedureField,
    WorkflowStep,
)


class WorkflowStepFormSet(forms.BaseInlineFormSet):
    """A workflow template whose shares of the time limit do not add up to 100 cannot be saved."""

    def clean(self) -> None:
        super().clean()
        kept = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE", False)
        ]
        if kept and sum(d.get("time_share_percent") or 0 for d in kept) != 100:
            raise ValidationError(_("Tổng tỷ lệ thời gian của các bước phải bằng 100%."))
        positions = [d.get("position") for d in kept]
        if len(positions) != len(set(positions)):
            raise ValidationError(_("Mỗi bước cần một số thứ tự riêng."))


class ChannelInline(admin.TabularInline):
    model = ProcedureChannel
    extra = 0
    can_delete = False
    readonly_fields = ("channel", "time_value", "time_unit", "fee_vnd", "is_free", "notes")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CaseInline(admin.TabularInline):
    """The procedure's cases (ADR 0260): a plain label for the applicant; a case added here is
    local and kept by every re-import."""

    model = ProcedureCase
    extra = 0
    fields = ("position", "title", "label", "corrected")
    readonly_fields = ("corrected",)


class RequirementInline(admin.TabularInline):
    """Each line of the document list; a line saved here is marked `corrected`, and the nightly
    re-import keeps its kind, case, `required` and condition (ADR 0260)."""

    model = DocumentRequirement
    extra = 0
    fields = (
        "position",
        "group",
        "name",
        "kind",
        "case",
        "condition",
        "originals",
        "copies",
        "template_name",
        "required",
        "state_holds",
        "state_database",
        "corrected",
    )
    readonly_fields = ("corrected",)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        cases = formset.form.base_fields.get("case")
        if cases is not None and hasattr(cases, "queryset"):
            cases.queryset = ProcedureCase.objects.filter(procedure=obj)
        return formset


class FeeRuleInline(admin.TabularInline):
    model = FeeRule
    extra = 0
    filter_horizontal = ("exempt_applicant_types",)


class FormFieldInline(admin.TabularInline):
    model = FormField
    extra = 0
    fields = (
        "position",
        "key",
        "label_vi",
        "label_en",
        "field_type",
        "required",
        "choices",
        "validation_regex",
        "help_text_vi",
        "prefill_source",
    )


class WorkflowStepInline(admin.TabularInline):
    model = WorkflowStep
    formset = WorkflowStepFormSet
    extra = 0
    autocomplete_fields = ()


class OnlineOnlyDayInline(admin.TabularInline):
    model = OnlineOnlyDay
    extra = 0


class ReviewFlagFilter(admin.SimpleListFilter):
    title = _("cần rà soát")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return ReviewFlag.choices

    def queryset(self, request, queryset):
        if self.value() in ReviewFlag.values:
            return queryset.filter(review_flags__contains=self.value())
        return queryset


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp CSV hoặc XLSX"),
        help_text=_("Cột: code, online_only (1/0), effective_from, effective_to (dd/mm/yyyy)."),
    )


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "field", "online_level", "online_only", "review_flags")
    list_filter = (
        ReviewFlagFilter,
        "online_level",
        "online_only",
        "at_province",
        "at_commune",
        "field",
    )
    search_fields = ("code", "name")
    list_select_related = ("field",)
    actions = ("export_csv", "export_xlsx")
    inlines = (
        ChannelInline,
        CaseInline,
        RequirementInline,
        FeeRuleInline,
        FormFieldInline,
        WorkflowStepInline,
        OnlineOnlyDayInline,
    )
    readonly_fields = (
        "code",
        "name",
        "field",
        "at_ministry",
        "at_province",
        "at_commune",
        "at_other",
        "procedure_type",
        "issuing_body",
        "decision_number",
        "source_url",
        "implementing_agency_name",
        "competent_agency_name",
        "coordinating_agency_name",
        "authorised_agency_name",
        "implementing_mapping",
        "competent_mapping",
        "coordinating_mapping",
        "reception_address",
        "results",
        "legal_basis",
        "conditions",
        "steps",
        "documents_raw_text",
        "online_level",
        "online_level_set_by",
        "online_level_set_at",
        "review_flags",
        "case_guesses",
    )
    fieldsets = (
        (None, {"fields": ("code", "name", "field", "review_flags", "case_guesses")}),
        (
            _("Cấu hình của tỉnh"),
            {
                "fields": (
                    "online_only",
                    "min_assurance_level",
                    "receipt_cutoff",
                    "effective_from",
                    "effective_to",
                )
            },
        ),
        (
            _("Công bố, công khai (QĐ 766 chỉ số 1.1, 1.2)"),
            {
                "fields": (
                    "publication_decided_on",
                    "legal_basis_effective_on",
                    "publicised_on",
                )
            },
        ),
        (
            _("Mức độ trực tuyến (duyệt qua đề xuất)"),
            {"fields": ("online_level", "online_level_set_by", "online_level_set_at")},
        ),
        (
            _("Theo danh mục quốc gia"),
            {
                "classes": ("collapse",),
                "fields": (
                    "at_ministry",
                    "at_province",
                    "at_commune",
                    "at_other",
                    "procedure_type",
                    "issuing_body",
                    "decision_number",
                    "source_url",
                    "implementing_agency_name",
                    "implementing_mapping",
                    "competent_agency_name",
                    "competent_mapping",
                    "coordinating_agency_name",
                    "coordinating_mapping",
                    "authorised_agency_name",
                    "reception_address",
                    "results",
                    "legal_basis",
                    "conditions",
                    "steps",
                    "documents_raw_text",
                ),
            },
        ),
    )

    def has_add_permission(self, request) -> bool:
        return False  # procedures come from the national catalogue (import_procedures)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        services.catalogue_changed()

    def save_formset(self, request, form, formset, change) -> None:
        """A case or line an administrator touched is a local correction (ADR 0260)."""
        if formset.model not in (ProcedureCase, DocumentRequirement):
            super().save_formset(request, form, formset, change)
            return
        instances = formset.save(commit=False)
        for instance in formset.deleted_objects:
            instance.delete()
        for instance in instances:
            instance.corrected = True
            if isinstance(instance, ProcedureCase) and not instance.key:
                instance.key = f"local-{uuid.uuid4().hex[:24]}"
            instance.save()
        formset.save_m2m()

    def get_urls(self):
        return [
            path(
                "nhap-tep/",
                self.admin_site.admin_view(self.import_file_view),
                name="procedures_procedure_import_file",
            ),
            *super().get_urls(),
        ]

    def _download(self, queryset, kind: str) -> HttpResponse:
        queryset = queryset.select_related("field").prefetch_related("channels")
        if kind == "xlsx":
            body = exchange.export_xlsx(queryset)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            body, content_type = exchange.export_csv(queryset), "text/csv; charset=utf-8"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="thu-tuc.{kind}"'
        return response

    @admin.action(description=_("Xuất CSV"))
    def export_csv(self, request: HttpRequest, queryset) -> HttpResponse:
        return self._download(queryset, "csv")

    @admin.action(description=_("Xuất XLSX"))
    def export_xlsx(self, request: HttpRequest, queryset) -> HttpResponse:
        return self._download(queryset, "xlsx")

    def import_file_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            return redirect("admin:index")
        form = ImportFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = exchange.read_table(upload.name, upload.read())
            except (ValueError, UnicodeDecodeError, KeyError, OSError) as exc:
                form.add_error("file", _("Không đọc được tệp: %(error)s") % {"error": exc})
            else:
                assert isinstance(request.user, User)
                result = exchange.procedures_local_settings_import(rows=rows, by=request.user)
                if result.errors:
                    for error in result.errors[:50]:
                        form.add_error("file", error)
                else:
                    messages.success(
                        request,
                        _("Đã cập nhật %(n)s thủ tục, %(u)s không đổi.")
                        % {"n": result.updated, "u": result.unchanged},
                    )
                    return redirect("admin:procedures_procedure_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Nhập cấu hình thủ tục từ tệp"),
            "opts": self.model._meta,
        }
        return render(request, "procedures/admin/import_file.html", context)


@admin.register(AgencyNameMapping)
class AgencyNameMappingAdmin(admin.ModelAdmin):
    list_display = ("source_name", "agency", "agency_level", "note")
    list_editable = ("agency", "agency_level")
    list_filter = ("agency_level", ("agency", admin.EmptyFieldListFilter))
    search_fields = ("source_name", "agency__name")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        services.catalogue_changed()  # the agency filter's results change with the mapping


@admin.register(OnlineLevelProposal)
class OnlineLevelProposalAdmin(admin.ModelAdmin):
    list_display = (
        "procedure",
        "proposed_level",
        "status",
        "proposed_by",
        "decided_by",
        "created_at",
    )
    list_filter = ("status", "proposed_level")
    readonly_fields = (
        "procedure",
        "agency",
        "proposed_level",
        "reason",
        "proposed_by",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
    )
    actions = ("approve",)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Duyệt các đề xuất đã chọn"))
    def approve(self, request: HttpRequest, queryset) -> None:
        assert isinstance(request.user, User)
        for proposal in queryset.filter(status=ProposalStatus.PENDING):
            try:
                services.online_level_decide(proposal=proposal, approve=True, by=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{proposal}: {exc}", messages.ERROR)


admin.site.register(ProcedureField, search_fields=("name", "code"), list_display=("code", "name"))
admin.site.register(ApplicantType, list_display=("code", "name"))
