from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest

from accounts.constants import Role
from accounts.models import CitizenProfile, User
from accounts.selectors import profile_locked_fields
from common.audit import audit_record


@transaction.atomic
def roles_ensure() -> dict[str, Group]:
    """Every role exists as a Django group (idempotent); returns them by role value."""
    return {role.value: Group.objects.get_or_create(name=role.value)[0] for role in Role}


@transaction.atomic
def citizen_register(*, user: User) -> CitizenProfile:
    """A new sign-up is a citizen with a profile seeded from what they typed."""
    role_assign(user=user, role=Role.CITIZEN)
    profile, created = CitizenProfile.objects.get_or_create(
        user=user,
        defaults={"full_name": user.full_name, "email": user.email, "phone": user.phone},
    )
    if created:
        audit_record(action="account.register", actor=user, obj=user)
    return profile


@transaction.atomic
def role_assign(*, user: User, role: Role) -> None:
    group = Group.objects.filter(name=role).first() or roles_ensure()[role]
    user.groups.add(group)
    if hasattr(user, "_role_cache"):
        del user._role_cache


PROFILE_EDITABLE_FIELDS = (
    "full_name",
    "date_of_birth",
    "gender",
    "id_number",
    "phone",
    "email",
    "permanent_address",
    "permanent_province_code",
    "permanent_commune_code",
    "current_address",
    "current_province_code",
    "current_commune_code",
)


@transaction.atomic
def profile_update(
    *, user: User, data: dict[str, Any], request: HttpRequest | None = None
) -> CitizenProfile:
    """Saves the citizen's own profile. Raises ValidationError (per field) on bad data.

    The audit event lists which fields changed, not their values: the values are personal data
    and the profile itself holds them.
    """
    profile, _ = CitizenProfile.objects.select_for_update().get_or_create(user=user)
    locked = profile_locked_fields(profile)
    changed = []
    for name in PROFILE_EDITABLE_FIELDS:
        if name not in data or name in locked:
            continue
        value = data[name]
        if name == "id_number":
            value = value or None  # unique: several empty profiles must not collide
        elif value is None and name != "date_of_birth":
            value = ""
        if getattr(profile, name) != value:
            setattr(profile, name, value)
            changed.append(name)
    if not changed:
        return profile
    profile.full_clean()
    profile.save(update_fields=[*changed, "updated_at"])
    audit_record(
        action="profile.update", actor=user, obj=profile, data={"fields": changed}, request=request
    )
    return profile


@transaction.atomic
def personal_data_export_record(
    *, user: User, sections: list[str], request: HttpRequest | None = None
) -> None:
    """The citizen downloaded their data: who, when, from where and which sections."""
    audit_record(
        action="personal_data.export",
        actor=user,
        obj=user,
        data={"sections": sections},
        request=request,
    )


@transaction.atomic
def system_account_ensure(*, email: str, full_name: str) -> User:
    """An inactive account that owns what the system itself stores (e.g. the 1022 intake's report
    photos): it can never sign in, and is created on first use."""
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        audit_record(action="account.system_account_created", obj=user, data={"email": email})
    return user
