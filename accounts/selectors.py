from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import HttpRequest

from allauth.account.authentication import get_authentication_records

from accounts.constants import PROFILE_VERIFIED_FIELDS, STAFF_ROLES, Role
from accounts.models import CitizenProfile, OrganisationRepresentative, User
from common.models import AuditEvent


def user_roles(*, user: User | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_cache = cached  # type: ignore[attr-defined]
    return cached


def user_is_staff_member(*, user: User | AnonymousUser) -> bool:
    """Anyone who may open a back-office or admin page: they must use MFA."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or user_roles(user=user) & STAFF_ROLES)


def user_has_role(*, user: User | AnonymousUser, role: Role) -> bool:
    return role in user_roles(user=user)


def session_used_mfa(*, request: HttpRequest) -> bool:
    """Whether this session's sign-in included a second factor (allauth's records).

    The records only count when they belong to the signed-in user (allauth returns none
    without a user), so a session cannot borrow another user's MFA.
    """

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, user))


def profile_for(*, user: User) -> CitizenProfile | None:
    return CitizenProfile.objects.filter(user=user).first()


def profile_locked_fields(profile: CitizenProfile | None) -> frozenset[str]:
    """The fields the national identity verified (and that hold a value): read-only in the
    profile form and ignored by `profile_update`."""
    if profile is None or profile.verified_at is None:
        return frozenset()
    return frozenset(name for name in PROFILE_VERIFIED_FIELDS if getattr(profile, name))


# --- The personal-data download: accounts' own sections (see accounts.personal_data) ---


def personal_data_account(user: User) -> dict[str, Any]:
    return {
        "uuid": user.uuid,
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "roles": sorted(user_roles(user=user)),
    }


_PROFILE_FIELDS = (
    "uuid",
    "full_name",
    "date_of_birth",
    "gender",
    "id_number",
    "permanent_address",
    "permanent_province_code",
    "permanent_commune_code",
    "current_address",
    "current_province_code",
    "current_commune_code",
    "phone",
    "email",
    "verified_at",
    "assurance_level",
    "created_at",
    "updated_at",
)


def personal_data_profile(user: User) -> dict[str, Any] | None:
    profile = profile_for(user=user)
    if profile is None:
        return None
    return {name: getattr(profile, name) for name in _PROFILE_FIELDS}


def personal_data_organisations(user: User) -> list[dict[str, Any]]:
    links = OrganisationRepresentative.objects.filter(user=user).select_related("organisation")
    return [
        {
            "organisation": {
                "uuid": link.organisation.uuid,
                "tax_code": link.organisation.tax_code,
                "name": link.organisation.name,
                "address": link.organisation.address,
            },
            "title": link.title,
            "is_legal_representative": link.is_legal_representative,
            "valid_from": link.valid_from,
            "valid_to": link.valid_to,
        }
        for link in links
    ]


def audit_events_about(*, user: User) -> list[AuditEvent]:
    """Events the user did, or that were done to their account or profile."""
    about = Q(actor=user) | Q(object_type="accounts.user", object_id=str(user.uuid))
    profile = profile_for(user=user)
    if profile is not None:
        about |= Q(object_type="accounts.citizenprofile", object_id=str(profile.uuid))
    return list(AuditEvent.objects.filter(about).order_by("at", "id"))


def personal_data_audit_events(user: User) -> list[dict[str, Any]]:
    return [
        {
            "at": event.at,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "data": event.data,
            "ip_address": event.ip_address,
            "by_self": event.actor_id == user.pk,
        }
        for event in audit_events_about(user=user)
    ]
