"""Dossiers driven through the real workflow at chosen instants (time-machine), for the tests."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import time_machine

from dossiers.constants import Actor, DossierStatus
from dossiers.services import dossier_result_attach, dossier_submit, dossier_transition
from dossiers.tests.factories import Cast, make_draft
from dossiers.workflow import guards
from integrations.constants import PostalKind, PostalStatus

S = DossierStatus
A = Actor
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, hour: int = 9, minute: int = 0, month: int = 10, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


class Journey:
    """One dossier and the clock it moves on."""

    def __init__(self, cast: Cast, **draft):
        self.cast = cast
        self.dossier = make_draft(cast, **draft)

    def _go(self, when: dt.datetime, fn, *args, **kwargs):
        with time_machine.travel(when, tick=False):
            return fn(*args, **kwargs)

    def move(self, to, role, when: dt.datetime, **kwargs):
        return self._go(
            when,
            dossier_transition,
            dossier=self.dossier,
            to=to,
            by=self.dossier.applicant if role == A.CITIZEN else self.cast.user_for(role),
            role=role,
            **kwargs,
        )

    def submit(self, when: dt.datetime) -> Journey:
        self._go(when, dossier_submit, dossier=self.dossier, by=self.dossier.applicant)
        return self

    def receive(self, when: dt.datetime) -> Journey:
        # A postal dossier is received once the post has handed the paper over (the guard
        # `postal_collection_arrived`); the test stands in for the post's callback.
        self.dossier.postal_orders.filter(kind=PostalKind.PICKUP).update(
            status=PostalStatus.HANDED_OVER
        )
        self.move(S.RECEIVED, A.RECEPTION_OFFICER, when)
        return self

    def to_appraisal(self, when: dt.datetime) -> Journey:
        self.move(S.IN_PROCESS, A.RECEPTION_OFFICER, when)
        self.move(S.APPRAISING, A.AGENCY_HEAD, when + dt.timedelta(minutes=5))
        return self

    def supplement(self, when: dt.datetime, answered: dt.datetime | None = None) -> Journey:
        if self.dossier.events.filter(to_status=S.SUPPLEMENT_REQUESTED).exists():
            # The workflow refuses a second request (Art. 11.2.c); QĐ 766 2.1 still scores the
            # histories that have one (imported from the old systems), so the test lifts the guard.
            with guards.replaced("supplement_not_used", lambda ctx: None):
                self.move(S.SUPPLEMENT_REQUESTED, A.PROCESSING_OFFICER, when, note="Thiếu bản vẽ")
        else:
            self.move(S.SUPPLEMENT_REQUESTED, A.PROCESSING_OFFICER, when, note="Thiếu bản vẽ")
        if answered is not None:
            self.move(S.SUPPLEMENT_SUBMITTED, A.CITIZEN, answered)
            self.move(S.RECEIVED, A.RECEPTION_OFFICER, answered + dt.timedelta(minutes=30))
        return self

    def finish(
        self, when: dt.datetime, *, e_result: bool = True, kind: str = "positive"
    ) -> Journey:
        before = when - dt.timedelta(minutes=20)
        self.move(S.AWAITING_APPROVAL, A.PROCESSING_OFFICER, before, result_kind=kind)
        # The draft result comes with the proposal: the head approves it in view (issue #20).
        self._go(
            before + dt.timedelta(minutes=1),
            dossier_result_attach,
            dossier=self.dossier,
            document_uuid=uuid.uuid4(),
            by=self.cast.staff[A.PROCESSING_OFFICER],
            role=A.PROCESSING_OFFICER,
        )
        self.move(S.SIGNING, A.AGENCY_HEAD, before + dt.timedelta(minutes=5))
        self.move(S.ISSUING, A.AGENCY_HEAD, before + dt.timedelta(minutes=10))
        self.move(S.DONE, A.RECORDS_CLERK, when)
        if not e_result:
            # A paper-only result: no electronic file kept (test setup, as an import would).
            type(self.dossier).objects.filter(pk=self.dossier.pk).update(result_document_uuid=None)
            self.dossier.refresh_from_db()
        return self

    def withdraw(self, asked: dt.datetime, stopped: dt.datetime) -> Journey:
        self.move(S.WITHDRAWAL_REQUESTED, A.CITIZEN, asked)
        self.move(S.STOPPED, A.RECEPTION_OFFICER, stopped)
        return self

    def reject_at_intake(self, when: dt.datetime) -> Journey:
        self.move(S.REJECTED_AT_INTAKE, A.RECEPTION_OFFICER, when, note="Không thuộc thẩm quyền")
        return self
