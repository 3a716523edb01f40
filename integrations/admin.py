from django.contrib import admin

from integrations.models import InboundDossier, PostalOrder, SyncState


@admin.register(SyncState)
class SyncStateAdmin(admin.ModelAdmin):
    list_display = ("dossier", "provider", "status", "attempts", "synced_at", "next_attempt_at")
    list_filter = ("provider", "status")
    search_fields = ("dossier__code",)
    readonly_fields = [f.name for f in SyncState._meta.fields]


@admin.register(InboundDossier)
class InboundDossierAdmin(admin.ModelAdmin):
    list_display = ("external_code", "status", "dossier", "created_at")
    list_filter = ("status",)
    search_fields = ("external_code",)
    readonly_fields = [f.name for f in InboundDossier._meta.fields]


@admin.register(PostalOrder)
class PostalOrderAdmin(admin.ModelAdmin):
    list_display = ("order_number", "kind", "status", "dossier", "handed_over_at", "delivered_at")
    list_filter = ("kind", "status")
    search_fields = ("order_number", "dossier__code")
    readonly_fields = [f.name for f in PostalOrder._meta.fields]
