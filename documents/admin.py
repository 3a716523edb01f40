from django.contrib import admin

from documents.models import DocumentUse, StoredDocument


class DocumentUseInline(admin.TabularInline):
    model = DocumentUse
    extra = 0
    fields = ("kind", "reference", "label", "locked", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(StoredDocument)
class StoredDocumentAdmin(admin.ModelAdmin):
    """Metadata only and read-only: files are opened through the scoped download view, and
    changes go through documents.services (which audit them)."""

    list_display = ("title", "owner_kind", "owner_code", "source", "signer_kind", "created_at")
    list_filter = ("owner_kind", "source", "signer_kind", "issued_by_system")
    search_fields = ("uuid", "sha256", "document_code", "dossier_reference")
    exclude = ("file",)
    inlines = [DocumentUseInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
