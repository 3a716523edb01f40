from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import CitizenProfile, Organisation, OrganisationRepresentative, User
from accounts.selectors import user_roles


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_active", "date_joined")
    search_fields = ("email", "full_name", "phone")
    # Roles are set in one place: a staff member's role comes with their assignment to an agency
    # (Phân công cán bộ, below on this page), which also gives the role's group; the groups are
    # shown here by their Vietnamese names, never edited by hand (issue #20).
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Thông tin"), {"fields": ("full_name", "phone")}),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "roles")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("roles",)
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    @admin.display(description=_("Vai trò"))
    def roles(self, obj: User) -> str:
        names = sorted(str(Role(code).label) for code in user_roles(user=obj) if code in Role)
        return ", ".join(names) or str(
            _("Chưa có vai trò (phân công cán bộ vào cơ quan để giao vai trò)")
        )


@admin.register(CitizenProfile)
class CitizenProfileAdmin(admin.ModelAdmin):
    list_display = ("full_name", "id_number", "user", "assurance_level", "verified_at")
    search_fields = ("full_name", "id_number", "user__email")
    raw_id_fields = ("user",)


class RepresentativeInline(admin.TabularInline):
    model = OrganisationRepresentative
    raw_id_fields = ("user",)
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "tax_code")
    search_fields = ("name", "tax_code")
    inlines = [RepresentativeInline]
