"""Test helpers: agencies with staff in every role, dossiers placed in any state."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from accounts.constants import Role
from accounts.models import User
from accounts.tests.factories import UserFactory
from agencies.models import Agency, StaffMembership
from agencies.tests.factories import AgencyFactory
from dossiers.constants import Actor, DossierStatus
from dossiers.models import Dossier
from dossiers.services import dossier_create_draft

STAFF_ROLES = (
    Role.RECEPTION_OFFICER,
    Role.PROCESSING_OFFICER,
    Role.AGENCY_HEAD,
    Role.RECORDS_CLERK,
    Role.ONESTOP_SUPERVISOR,
)


def add_membership(user: User, agency: Agency, role: str) -> StaffMembership:
    return StaffMembership.objects.create(
        user=user, agency=agency, role=role, valid_from=dt.date(2025, 7, 1)
    )


@dataclass
class Cast:
    """Everyone who takes part in one dossier's life."""

    receiving: Agency
    competent: Agency
    citizen: User
    helper: User
    staff: dict[str, User]

    def user_for(self, role: str) -> User | None:
        if role == Actor.SYSTEM:
            return None
        if role == Actor.CITIZEN:
            return self.citizen
        if role == Actor.COMMUNITY_HELPER:
            return self.helper
        return self.staff[role]


def make_cast() -> Cast:
    """A one-stop centre (receiving) and a department (competent), with one staff member per
    role holding the role in its own side's agency."""
    receiving = AgencyFactory(name="Trung tâm Phục vụ hành chính công tỉnh Tây Ninh")
    competent = AgencyFactory(name="Sở Tư pháp tỉnh Tây Ninh")
    staff = {}
    for role in STAFF_ROLES:
        user = UserFactory(roles=[role])
        side = receiving if role in (Role.RECEPTION_OFFICER, Role.ONESTOP_SUPERVISOR) else competent
        add_membership(user, side, role)
        staff[role] = user
    return Cast(
        receiving=receiving,
        competent=competent,
        citizen=UserFactory(roles=[Role.CITIZEN]),
        helper=UserFactory(roles=[Role.COMMUNITY_HELPER]),
        staff=staff,
    )


def make_draft(cast: Cast, *, submitter: User | None = None, **kwargs: Any) -> Dossier:
    defaults: dict[str, Any] = {
        "applicant": cast.citizen,
        "submitter": submitter,
        "procedure_code": "1.001234",
        "procedure_name": "Đăng ký thường trú",
        "receiving_agency": cast.receiving,
        "competent_agency": cast.competent,
        "processing_time": Decimal(5),
        "processing_time_unit": "working_day",
        "components": [
            {
                "requirement_code": "TK01",
                "requirement_name": "Tờ khai thay đổi thông tin cư trú",
                "document_uuid": uuid.uuid4(),
                "source": "uploaded",
            }
        ],
    }
    defaults.update(kwargs)
    return dossier_create_draft(**defaults)


def make_mandated_draft(cast: Cast, **kwargs: Any) -> Dossier:
    """A draft the community helper started for the citizen under a mandate in force."""
    from accounts.identity.mandates import attribution
    from accounts.tests.factories import active_mandate

    mandate = active_mandate(principal=cast.citizen, agent=cast.helper)
    dossier = make_draft(cast, submitter=cast.helper, **kwargs)
    dossier.applicant_data = {
        "mandate": str(mandate.uuid),
        "submitted_by": attribution(mandate=mandate),
    }
    dossier.save(update_fields=["applicant_data"])
    return dossier


def place_in(dossier: Dossier, status: DossierStatus, **fields: Any) -> Dossier:
    """Test setup only: put a dossier straight into `status` (real code goes through
    `dossier_transition`). Fills what that state implies: a code, a receipt time…"""
    values: dict[str, Any] = {"status": status, **fields}
    if status != DossierStatus.DRAFT and not dossier.code:
        values.setdefault("code", f"TEST-{uuid.uuid4().hex[:12]}")
    if status not in (DossierStatus.DRAFT, DossierStatus.SUBMITTED):
        values.setdefault("received_at", dossier.created_at)
    Dossier.objects.filter(pk=dossier.pk).update(**values)
    dossier.refresh_from_db()
    return dossier
