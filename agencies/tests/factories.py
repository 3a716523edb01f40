import datetime as dt

import factory
from factory.django import DjangoModelFactory

from agencies.constants import AgencyKind, AgencyLevel
from agencies.models import Agency, StaffMembership


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.T{n // 100:02d}")
    name = factory.Sequence(lambda n: f"Sở Thử nghiệm {n}")
    kind = AgencyKind.DEPARTMENT
    level = AgencyLevel.PROVINCE
    valid_from = dt.date(2025, 7, 1)


class CommuneFactory(AgencyFactory):
    code = factory.Sequence(lambda n: f"000.{n % 100:02d}.90.T{n // 100:02d}")
    name = factory.Sequence(lambda n: f"Xã Thử nghiệm {n}")
    kind = AgencyKind.COMMUNE
    level = AgencyLevel.COMMUNE
    commune_code = factory.Sequence(lambda n: f"{90000 + n:05d}")


class StaffMembershipFactory(DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory("accounts.tests.factories.UserFactory")
    agency = factory.SubFactory(AgencyFactory)
    role = "processing_officer"
    valid_from = dt.date(2025, 7, 1)
