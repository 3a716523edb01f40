"""The cast of the access matrix: an owner and the people who must not reach the owner's things.

Everything is made through the apps' own services and test factories, so the objects are the ones
real users meet. Clients are made lazily, one per actor.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cached_property
from typing import Any

from django.test import Client

from PIL import Image

from accounts.constants import Role
from accounts.tests.factories import (
    CitizenFactory,
    OrganisationFactory,
    UserFactory,
    login_with_mfa,
)
from agencies.tests.factories import AgencyFactory, CommuneFactory
from dossiers.constants import DossierStatus
from dossiers.tests.factories import add_membership, make_cast, make_draft, place_in

# Actors checked against every route. "owner" is the citizen who owns the objects; the others
# must be refused unless a case says otherwise.
CORE_ACTORS = ("owner", "other_citizen", "other_org", "anonymous", "staff_other_agency")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def represent(user, organisation) -> None:
    from accounts.models import OrganisationRepresentative

    OrganisationRepresentative.objects.create(
        user=user, organisation=organisation, valid_from=dt.date(2025, 1, 1)
    )


class World:
    """Built on first use of each attribute: a test only pays for what its case touches."""

    def __init__(self) -> None:
        self.cast = make_cast()
        self._clients: dict[str, Client] = {}

    # --- people -------------------------------------------------------------------------------

    @property
    def owner(self):
        return self.cast.citizen

    @cached_property
    def other_citizen(self):
        return CitizenFactory()

    @cached_property
    def org(self):
        organisation = OrganisationFactory()
        represent(self.owner, organisation)
        return organisation

    @cached_property
    def other_org_member(self):
        user = CitizenFactory()
        represent(user, OrganisationFactory())
        return user

    @cached_property
    def staff_other_agency(self):
        """Head of an unrelated agency: every staff role's reach, in the wrong place."""
        user = UserFactory(roles=[Role.AGENCY_HEAD, Role.PROCESSING_OFFICER])
        outsider_agency = AgencyFactory(name="Sở Ngoại vụ tỉnh Tây Ninh")
        add_membership(user, outsider_agency, Role.AGENCY_HEAD)
        add_membership(user, outsider_agency, Role.PROCESSING_OFFICER)
        return user

    @cached_property
    def helpdesk_officer(self):
        return UserFactory(roles=[Role.HELPDESK_OFFICER])

    @cached_property
    def superuser(self):
        return UserFactory(is_staff=True, is_superuser=True, roles=[Role.SYSTEM_ADMIN])

    def staff(self, role: str):
        return self.cast.staff[role]

    def user_for(self, actor: str):
        return {
            "owner": lambda: self.owner,
            "other_citizen": lambda: self.other_citizen,
            "other_org": lambda: self.other_org_member,
            "anonymous": lambda: None,
            "staff_other_agency": lambda: self.staff_other_agency,
            "helpdesk": lambda: self.helpdesk_officer,
            "superuser": lambda: self.superuser,
            "reception": lambda: self.staff(Role.RECEPTION_OFFICER),
            "processing": lambda: self.staff(Role.PROCESSING_OFFICER),
            "head": lambda: self.staff(Role.AGENCY_HEAD),
            "supervisor": lambda: self.staff(Role.ONESTOP_SUPERVISOR),
            "clerk": lambda: self.staff(Role.RECORDS_CLERK),
            "consulted": lambda: self.consulted_officer,
        }[actor]()

    def client(self, actor: str) -> Client:
        if actor not in self._clients:
            client = Client()
            user = self.user_for(actor)
            if user is not None:
                from accounts import selectors as account_selectors

                if account_selectors.user_is_staff_member(user=user):
                    login_with_mfa(client, user)
                else:
                    client.force_login(user)
            self._clients[actor] = client
        return self._clients[actor]

    # --- the owner's things -------------------------------------------------------------------

    @cached_property
    def procedure(self):
        from dossiers.tests.submission_helpers import make_procedure

        return make_procedure(department=self.cast.competent)

    @cached_property
    def document(self):
        from documents.services import document_store
        from dossiers.tests.submission_helpers import pdf_bytes

        return document_store(
            data=pdf_bytes("Can cuoc cong dan"),
            title="Căn cước công dân",
            source="uploaded",
            owner_user=self.owner,
            original_name="cccd.pdf",
            created_by=self.owner,
        )

    @cached_property
    def org_document(self):
        from documents.services import document_store

        return document_store(
            data=_png(),
            title="Giấy phép kinh doanh",
            source="uploaded",
            owner_organisation=self.org,
            original_name="gpkd.png",
            created_by=self.owner,
        )

    def _components(self) -> list[dict[str, Any]]:
        return [
            {
                "requirement_code": "TK01",
                "requirement_name": "Tờ khai thay đổi thông tin cư trú",
                "document_uuid": self.document.uuid,
                "source": "uploaded",
            }
        ]

    @cached_property
    def draft(self):
        return make_draft(
            self.cast, procedure_code=self.procedure.code, components=self._components()
        )

    @cached_property
    def dossier(self):
        """Submitted, with a fee to pay (so it has a charge and a counter payment)."""
        from payments.models import Charge

        dossier = place_in(
            make_draft(self.cast, components=self._components()), DossierStatus.AWAITING_PAYMENT
        )
        Charge.objects.create(
            dossier=dossier,
            agency=self.cast.receiving,
            label="Lệ phí đăng ký cư trú",
            amount_vnd=10_000,
            full_amount_vnd=20_000,
        )
        return dossier

    @cached_property
    def component(self):
        return self.dossier.components.first()

    @cached_property
    def payment(self):
        from payments import services

        self.dossier  # noqa: B018
        return services.payment_record_counter(
            dossier=self.dossier,
            by=self.staff(Role.RECEPTION_OFFICER),
            method="cash",
            receipt_number="BL-SEC-1",
        )

    @cached_property
    def returned_dossier(self):
        return place_in(make_draft(self.cast), DossierStatus.RETURNED)

    @cached_property
    def notification(self):
        from notifications.services import notify
        from notifications.tests.factories import sample_context

        event = "dossier.received"
        from notifications.constants import EVENTS

        if event not in EVENTS:
            event = next(iter(EVENTS))
        from notifications.delivery import notification_deliver

        item = notify(
            event=event, recipient=self.owner, context=sample_context(event), channels=["inbox"]
        )[0]
        notification_deliver(notification_id=item.pk)
        item.refresh_from_db()
        return item

    @cached_property
    def mandate(self):
        from accounts.identity.mandates import mandate_grant

        return mandate_grant(principal=self.owner, agent=CitizenFactory())

    @cached_property
    def sms_mandate(self):
        """A helper asked the owner for a mandate by SMS code; not confirmed yet."""
        from accounts.identity.mandate_consent import mandate_request_by_sms
        from accounts.models import CitizenProfile

        CitizenProfile.objects.update_or_create(
            user=self.owner, defaults={"id_number": "079190001234", "phone": "0912345678"}
        )
        return mandate_request_by_sms(
            agent=CitizenFactory(),
            id_number="079190001234",
            full_name=self.owner.full_name,
            phone="0912345678",
        )

    @cached_property
    def privacy_request(self):
        from accounts.identity.privacy import privacy_request_create

        return privacy_request_create(user=self.owner, kind="correction", details="Dữ liệu của tôi")

    @cached_property
    def commune(self):
        return CommuneFactory()

    @cached_property
    def report(self):
        from helpdesk.services import Photo
        from helpdesk.tests.factories import jpeg_with_gps, submit_report

        return submit_report(
            commune=self.commune,
            reporter=self.owner,
            photos=[Photo(name="den.jpg", data=jpeg_with_gps())],
        )

    @cached_property
    def photo(self):
        return self.report.photos.first()

    @cached_property
    def question(self):
        from helpdesk.services import question_ask

        return question_ask(
            asker=self.owner,
            title="Hồ sơ đăng ký thường trú cần giấy tờ gì?",
            body="Tôi ở trọ, chủ nhà đồng ý cho đăng ký thường trú.",
        )

    @cached_property
    def proposal(self):
        from procedures import services

        return services.online_level_propose(
            procedure=self.procedure,
            level="partial",
            reason="Thử nghiệm phân quyền",
            by=self.staff(Role.RECEPTION_OFFICER),
        )

    # --- back-office objects ------------------------------------------------------------------

    @cached_property
    def consulted_agency(self):
        return AgencyFactory(name="Sở Xây dựng tỉnh Tây Ninh")

    @cached_property
    def consulted_officer(self):
        user = UserFactory(roles=[Role.PROCESSING_OFFICER])
        add_membership(user, self.consulted_agency, Role.PROCESSING_OFFICER)
        return user

    @cached_property
    def appraising_dossier(self):
        """Under appraisal at the competent agency, assigned to its processing officer."""
        from dossiers.models import Dossier

        dossier = place_in(
            make_draft(self.cast, components=self._components()), DossierStatus.APPRAISING
        )
        Dossier.objects.filter(pk=dossier.pk).update(assignee=self.staff(Role.PROCESSING_OFFICER))
        dossier.refresh_from_db()
        return dossier

    @cached_property
    def consultation(self):
        from django.utils import timezone

        from dossiers.services import consultation_request

        return consultation_request(
            dossier=self.appraising_dossier,
            by=self.staff(Role.PROCESSING_OFFICER),
            agency=self.consulted_agency,
            question="Xin xác minh hiện trạng nhà ở.",
            due_at=timezone.now() + dt.timedelta(days=5),
        )

    @cached_property
    def interagency_task(self):
        from django.utils import timezone

        from dossiers.models import Dossier
        from dossiers.services import interagency_start

        dossier = place_in(
            make_draft(self.cast, components=self._components()), DossierStatus.APPRAISING
        )
        Dossier.objects.filter(pk=dossier.pk).update(assignee=self.staff(Role.PROCESSING_OFFICER))
        dossier.refresh_from_db()
        self.interagency_dossier = dossier
        return interagency_start(
            dossier=dossier,
            by=self.staff(Role.PROCESSING_OFFICER),
            lead_agency=self.consulted_agency,
            participants=[
                (
                    self.consulted_agency,
                    "Xác nhận quy hoạch",
                    timezone.now() + dt.timedelta(days=5),
                )
            ],
        )[0]

    @cached_property
    def counter_draft(self):
        return make_draft(
            self.cast,
            channel="counter",
            submitter=self.staff(Role.RECEPTION_OFFICER),
            components=self._components(),
        )
