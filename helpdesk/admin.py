"""Read-mostly admin: state changes go through the services (the triage workspace)."""

from django.contrib import admin

from helpdesk.models import DossierRating, FieldReport, Question, ReportEvent, SurveyLink


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "action", "from_status", "to_status", "note")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FieldReport)
class FieldReportAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "title",
        "status",
        "category",
        "priority",
        "commune",
        "received_at",
        "process_due_at",
    )
    list_filter = ("status", "category", "priority", "channel")
    search_fields = ("code", "title", "reporter_phone")
    inlines = [ReportEventInline]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "status", "assigned_agency", "due_at", "published_at")
    list_filter = ("status",)
    search_fields = ("code", "title")


@admin.register(DossierRating)
class DossierRatingAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "average", "channel", "agency", "procedure_code", "created_at")
    list_filter = ("channel",)


@admin.register(SurveyLink)
class SurveyLinkAdmin(admin.ModelAdmin):
    list_display = ("procedure_code", "title", "url", "active")
    list_filter = ("active",)
    search_fields = ("procedure_code", "title")
