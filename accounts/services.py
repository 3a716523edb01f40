from django.contrib.auth.models import Group
from django.db import transaction

from accounts.constants import Role
from accounts.models import CitizenProfile, User


@transaction.atomic
def citizen_register(*, user: User) -> CitizenProfile:
    """A new sign-up is a citizen with a profile seeded from what they typed."""
    group, _ = Group.objects.get_or_create(name=Role.CITIZEN)
    user.groups.add(group)
    profile, _ = CitizenProfile.objects.get_or_create(
        user=user,
        defaults={"full_name": user.full_name, "email": user.email, "phone": user.phone},
    )
    return profile


@transaction.atomic
def role_assign(*, user: User, role: Role) -> None:
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    if hasattr(user, "_role_cache"):
        del user._role_cache
