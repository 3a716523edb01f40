"""Read-only admin: payments change only through services (callbacks, counter, refunds)."""

from django.contrib import admin

from payments.models import Charge, Payment, PaymentEvent, Refund


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    readonly_fields = ("kind", "at", "actor", "data")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "txn_ref",
        "dossier",
        "provider",
        "amount_vnd",
        "status",
        "needs_attention",
        "paid_at",
    )
    list_filter = ("status", "provider", "needs_attention")
    search_fields = ("txn_ref", "dossier__code", "provider_transaction_no", "receipt_number")
    inlines = [PaymentEventInline]


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "label", "amount_vnd", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("dossier__code",)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("payment", "amount_vnd", "status", "response_code", "created_at")
