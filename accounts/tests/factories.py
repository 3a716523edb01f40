import time

import factory
from factory.django import DjangoModelFactory

from accounts.constants import Role
from accounts.models import CitizenProfile, Organisation, User

DEFAULT_PASSWORD = "Mat-khau-2026!"


def assign_roles(default: tuple[str, ...]):
    """Post-generation roles: `XFactory(roles=[...])` overrides the factory's default roles."""

    def assign(user, create, extracted, **kwargs):
        from accounts.services import role_assign

        for role in default if extracted is None else extracted:
            role_assign(user=user, role=role)
        if create:
            user.save()

    return factory.PostGeneration(assign)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"nguoidung{n}@example.vn")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)
    roles = assign_roles(())


class CitizenFactory(UserFactory):
    roles = assign_roles((Role.CITIZEN,))
    profile = factory.RelatedFactory("accounts.tests.factories.CitizenProfileFactory", "user")


class CitizenProfileFactory(DjangoModelFactory):
    class Meta:
        model = CitizenProfile

    full_name = factory.SelfAttribute("user.full_name")
    email = factory.SelfAttribute("user.email")
    phone = "0912345678"


class StaffFactory(UserFactory):
    roles = assign_roles((Role.PROCESSING_OFFICER,))


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    tax_code = factory.Sequence(lambda n: f"{3900000000 + n}")
    name = factory.Sequence(lambda n: f"Công ty TNHH Minh Phát {n}")


def give_totp(user):
    """Activates a TOTP authenticator for `user`; returns its secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def login_with_mfa(client, user) -> None:
    """Signs `user` in on a test client as if they had passed password and TOTP."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.account.internal.userkit import user_id_to_str

    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp", "id": 0},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()


def active_mandate(*, principal, agent, procedure_codes=None, **fields):
    """A mandate both people have consented to, in force from today (test setup only)."""
    from django.utils import timezone

    from accounts.identity.constants import ConsentMethod, MandateStatus
    from accounts.models import Mandate

    return Mandate.objects.create(
        principal=principal,
        agent=agent,
        procedure_codes=procedure_codes or [],
        status=MandateStatus.ACTIVE,
        consent_method=ConsentMethod.CITIZEN_CONFIRMED,
        consented_at=timezone.now(),
        **fields,
    )
