"""Reads for national identity, mandates and personal-data requests, scoped to who asks."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.urls import reverse

from allauth.account.models import EmailAddress

from accounts.models import CitizenProfile, Mandate, NationalIdentity, PrivacyRequest, User


def identity_owner(*, issuer: str, subject: str) -> User | None:
    identity = (
        NationalIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    return identity.user if identity else None


def local_account_conflicts(*, email: str, id_number: str) -> bool:
    """Does an account already hold this e-mail or ID number? Then it must link, not be taken."""

    if email and (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    ):
        return True
    return bool(id_number) and CitizenProfile.objects.filter(id_number=id_number).exists()


def link_matches_profile(*, user: User, id_number: str) -> bool:
    """A profile that already records an ID number may only link the identity with that number."""
    recorded = CitizenProfile.objects.filter(user=user).values_list("id_number", flat=True).first()
    return not recorded or not id_number or recorded == id_number


def identities_for_user(*, user: User) -> QuerySet[NationalIdentity]:
    return NationalIdentity.objects.filter(user=user).order_by("-last_authenticated_at")


def user_assurance_level(*, user: User) -> int:
    """The level a procedure can require (later issues): the profile's verified level."""
    profile = CitizenProfile.objects.filter(user=user).only("assurance_level").first()
    return profile.assurance_level if profile else 0


def assurance_satisfies(*, user: User, required: int) -> bool:
    """Use before a procedure that needs level 2; send the user to `step_up_login_url` if not."""
    return user_assurance_level(user=user) >= required


def step_up_login_url(*, next_url: str) -> str:
    """Sign in again at the national identity asking for level 2 (`acr_values`)."""

    url = reverse("openid_connect_login", kwargs={"provider_id": settings.VNEID_PROVIDER_ID})
    acr = settings.VNEID_ACR_LEVEL2[0]
    return f"{url}?{urlencode({'next': next_url, 'auth_params': f'acr_values={acr}'})}"


def personal_data_identities(user: User) -> list[dict]:
    return [
        {
            "issuer": i.issuer,
            "subject": i.subject,
            "acr": i.acr,
            "assurance_level": i.assurance_level,
            "last_authenticated_at": i.last_authenticated_at,
        }
        for i in identities_for_user(user=user)
    ]


def personal_data_mandates(user: User) -> list[dict]:

    mandates = Mandate.objects.filter(models.Q(principal=user) | models.Q(agent=user))
    return [
        {
            "uuid": m.uuid,
            "role": "principal" if m.principal_id == user.pk else "agent",
            "principal": m.principal.get_full_name(),
            "agent": m.agent.get_full_name(),
            "procedure_codes": m.procedure_codes,
            "valid_from": m.valid_from,
            "valid_to": m.valid_to,
            "status": m.status,
            "consent_method": m.consent_method,
            "consented_at": m.consented_at,
            "revoked_at": m.revoked_at,
        }
        for m in mandates.select_related("principal", "agent").order_by("created_at")
    ]


def personal_data_privacy_requests(user: User) -> list[dict]:

    return [
        {
            "uuid": r.uuid,
            "kind": r.kind,
            "details": r.details,
            "status": r.status,
            "received_at": r.received_at,
            "due_at": r.due_at,
            "handled_at": r.handled_at,
            "resolution": r.resolution,
        }
        for r in PrivacyRequest.objects.filter(user=user).order_by("received_at")
    ]
