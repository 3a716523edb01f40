"""Read-mostly admin for identities, mandates and personal-data requests; changes go through
services (the revoke action calls `mandate_revoke`, so it is audited)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.identity import mandates
from accounts.models import AssuranceRecord, Mandate, NationalIdentity, PrivacyRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AssuranceRecordInline(admin.TabularInline):
    model = AssuranceRecord
    extra = 0
    can_delete = False
    readonly_fields = ("acr", "assurance_level", "asserted_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NationalIdentity)
class NationalIdentityAdmin(ReadOnlyAdmin):
    list_display = ("user", "issuer", "subject", "assurance_level", "last_authenticated_at")
    search_fields = ("user__email", "subject")
    inlines = [AssuranceRecordInline]


@admin.register(Mandate)
class MandateAdmin(ReadOnlyAdmin):
    list_display = ("principal", "agent", "status", "consent_method", "valid_from", "valid_to")
    list_filter = ("status", "consent_method")
    search_fields = ("principal__email", "agent__email")
    actions = ["revoke"]

    @admin.action(description=_("Thu hồi ủy quyền đã chọn"))
    def revoke(self, request, queryset):
        for mandate in queryset:
            mandates.mandate_revoke(mandate=mandate, by=request.user, request=request)
        messages.success(request, _("Đã thu hồi."))


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(ReadOnlyAdmin):
    list_display = ("kind", "user", "status", "received_at", "due_at", "handled_at")
    list_filter = ("kind", "status")
