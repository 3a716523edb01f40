from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from accounts.constants import STAFF_ROLES, Role
from accounts.models import CitizenProfile, User


def user_roles(*, user: User | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_cache = cached  # type: ignore[union-attr]
    return cached


def user_is_staff_member(*, user: User | AnonymousUser) -> bool:
    """Anyone who may open a back-office or admin page: they must use MFA."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or user_roles(user=user) & STAFF_ROLES)


def user_has_role(*, user: User | AnonymousUser, role: Role) -> bool:
    return role in user_roles(user=user)


def session_used_mfa(*, request: HttpRequest) -> bool:
    from allauth.account.authentication import get_authentication_records

    return any(r.get("method") == "mfa" for r in get_authentication_records(request))


def profile_for(*, user: User) -> CitizenProfile | None:
    return CitizenProfile.objects.filter(user=user).first()
