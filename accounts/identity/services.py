"""Writes for national identity: recording a verified sign-in, filling the profile, ending sessions."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.identity.claims import IdentityClaims, assurance_level_from_acr, claims_parse
from accounts.models import AssuranceRecord, CitizenProfile, NationalIdentity, User
from common.audit import audit_record

ID_TOKEN_SESSION_KEY = "national_identity_id_token"  # noqa: S105 - a key name
PROVIDER_SESSION_KEY = "national_identity_provider"


def _profile_fill(*, user: User, claims: IdentityClaims, level: int) -> list[str]:
    """Copies what the national identity vouched for; returns the names of fields it changed."""
    profile, _ = CitizenProfile.objects.get_or_create(user=user)
    values = {
        "full_name": claims.full_name,
        "date_of_birth": claims.date_of_birth,
        "gender": claims.gender,
        "permanent_address": claims.address,
        "phone": claims.phone,
        "email": claims.email,
    }
    id_number_taken = (
        claims.id_number
        and CitizenProfile.objects.filter(id_number=claims.id_number)
        .exclude(pk=profile.pk)
        .exists()
    )
    if claims.id_number and not id_number_taken:
        values["id_number"] = claims.id_number
    changed = [name for name, value in values.items() if value and getattr(profile, name) != value]
    for name in changed:
        setattr(profile, name, values[name])
    profile.verified_at = timezone.now()
    profile.assurance_level = level
    profile.save(update_fields=[*changed, "verified_at", "assurance_level", "updated_at"])
    if claims.full_name and user.full_name != claims.full_name:
        user.full_name = claims.full_name
        user.save(update_fields=["full_name"])
    return changed


@transaction.atomic
def identity_sign_in_record(
    *, user: User, issuer: str, claims: dict, request: HttpRequest | None = None
) -> NationalIdentity:
    """A verified national sign-in: link (issuer, sub) to `user`, store the level, fill the profile.

    Callers have already refused a subject that belongs to another account.
    """
    acr = str(claims.get("acr") or "")
    level = assurance_level_from_acr(acr)
    identity, created = NationalIdentity.objects.get_or_create(
        issuer=issuer, subject=str(claims["sub"]), defaults={"user": user}
    )
    if identity.user_id != user.pk:
        raise ValueError("This national identity belongs to another account")
    now = timezone.now()
    identity.acr = acr[:100]
    identity.assurance_level = level
    identity.last_authenticated_at = now
    identity.save(update_fields=["acr", "assurance_level", "last_authenticated_at", "updated_at"])
    AssuranceRecord.objects.create(
        identity=identity, acr=acr[:100], assurance_level=level, asserted_at=now
    )
    changed = _profile_fill(user=user, claims=claims_parse(claims), level=level)
    audit_record(
        action="identity.linked" if created else "identity.verified",
        actor=user,
        obj=identity,
        data={"assurance_level": int(level), "acr": acr, "profile_fields": changed},
        request=request,
    )
    return identity


def user_sessions_end(*, user: User) -> int:
    """Deletes every stored session of `user` (database sessions); returns how many."""
    user_id = str(user.pk)
    ended = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if s.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)
