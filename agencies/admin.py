"""Admin for agencies, memberships, office hours and the calendar; every write goes via services."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.admin import UserAdmin
from accounts.models import User
from agencies import services
from agencies.constants import Weekday
from agencies.models import Agency, CalendarOverride, OfficeHours, StaffMembership
from common.exceptions import ApplicationError


class OfficeHoursInline(admin.TabularInline):
    model = OfficeHours
    extra = 0
    fields = ("weekday", "opens_at", "closes_at")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "level",
        "parent",
        "commune_code",
        "valid_from",
        "valid_to",
        "successor",
    )
    list_filter = ("level", "kind")
    search_fields = ("code", "name", "short_name", "commune_code")
    autocomplete_fields = ("parent", "successor")
    readonly_fields = ("uuid", "created_at", "updated_at")
    inlines = [OfficeHoursInline]
    list_per_page = 50

    def save_model(self, request, obj, form, change) -> None:
        services.agency_save(agency=obj, actor=request.user)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not OfficeHours:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for hours in formset.deleted_objects:
            services.office_hours_delete(hours=hours, actor=request.user)
        for hours in instances:
            services.office_hours_save(hours=hours, actor=request.user)
        return None

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # agencies close with valid_to and a successor; history stays


class StaffMembershipForm(forms.ModelForm):
    class Meta:
        model = StaffMembership
        fields = ("user", "agency", "role", "valid_from")

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        agency, role, start = (cleaned.get(k) for k in ("agency", "role", "valid_from"))
        if agency and role and start:
            try:
                services.staff_membership_check(agency=agency, role=role, valid_from=start)
            except ApplicationError as error:
                raise forms.ValidationError(error.message, code=error.code) from error
        return cleaned


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    add_form = StaffMembershipForm
    list_display = ("user", "agency", "role", "valid_from", "valid_to")
    list_filter = ("role",)
    search_fields = ("user__email", "user__full_name", "agency__name", "agency__code")
    autocomplete_fields = ("agency",)
    raw_id_fields = ("user",)
    actions = ["end_today"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("user", "agency", "role", "valid_from", "valid_to")

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return  # every field is read-only once saved; ending goes through the action
        saved = services.staff_membership_add(
            user=obj.user,
            agency=obj.agency,
            role=obj.role,
            valid_from=obj.valid_from,
            actor=request.user,
        )
        obj.pk, obj.uuid = saved.pk, saved.uuid

    @admin.action(description=_("Kết thúc phân công từ hôm nay"))
    def end_today(self, request, queryset) -> None:
        ended = 0
        for membership in queryset.filter(valid_to__isnull=True):
            try:
                services.staff_membership_end(
                    membership=membership, on_date=timezone.localdate(), actor=request.user
                )
            except ApplicationError as error:
                self.message_user(request, f"{membership}: {error.message}", messages.ERROR)
            else:
                ended += 1
        self.message_user(request, _("Đã kết thúc %(n)d phân công.") % {"n": ended})

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a membership is the record of who could act when


class CalendarOverrideForm(forms.ModelForm):
    confirm_weekend = forms.BooleanField(
        label=_("Xác nhận ngày lễ rơi vào cuối tuần"),
        required=False,
        help_text=_("Chỉ cần khi ghi một ngày lễ vào thứ Bảy hoặc Chủ nhật."),
    )

    class Meta:
        model = CalendarOverride
        fields = ("date", "kind", "name", "source_document")

    def clean(self):
        cleaned = super().clean() or {}
        day, kind = cleaned.get("date"), cleaned.get("kind")
        if day and kind:
            try:
                services.calendar_override_check(
                    day=day,
                    kind=kind,
                    weekend_holiday_confirmed=bool(cleaned.get("confirm_weekend")),
                )
            except ApplicationError as error:
                raise forms.ValidationError(error.message, code=error.code) from error
        return cleaned


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    form = CalendarOverrideForm
    list_display = ("date", "weekday", "kind", "name", "origin", "source_document")
    list_filter = ("kind", "origin")
    search_fields = ("name", "source_document")
    date_hierarchy = "date"
    readonly_fields = ("origin", "created_at", "updated_at")
    fields = (
        "date",
        "kind",
        "name",
        "source_document",
        "confirm_weekend",
        "origin",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("thứ"))
    def weekday(self, obj: CalendarOverride) -> str:
        return str(Weekday(obj.date.weekday()).label)

    def save_model(self, request, obj, form, change) -> None:
        services.calendar_override_save(override=obj, actor=request.user)

    def delete_model(self, request, obj) -> None:
        services.calendar_override_delete(override=obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for override in queryset:
            services.calendar_override_delete(override=override, actor=request.user)


class MembershipInline(admin.TabularInline):
    """A user's assignments, on their page: where a staff role is given (one place, issue #20)."""

    model = StaffMembership
    fk_name = "user"
    fields = ("agency", "role", "valid_from", "valid_to")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("Phân công cán bộ (vai trò theo cơ quan; thêm ở mục Phân công cán bộ)")

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # added through StaffMembershipAdmin (its checks and audit)


admin.site.unregister(User)


@admin.register(User)
class UserWithMembershipsAdmin(UserAdmin):
    inlines = [MembershipInline]
