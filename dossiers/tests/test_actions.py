"""The actions selector (`dossiers.selectors.actions`): what each user may do to a dossier in
each status, derived from the transition table — one answer for the officer's page, the citizen's
page and the API. Exhaustive over statuses × the cast's users."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

import pytest

from dossiers.constants import (
    CLOCK_RUNNING_STATUSES,
    RESULT_UPLOAD_STATUSES,
    Actor,
    DossierStatus,
)
from dossiers.selectors.actions import (
    APPLICANT_ACTORS,
    ASSIGN_EDGE,
    CONSULT_EDGE,
    INTERAGENCY_EDGES,
    RECEPTION_TARGETS,
    dossier_actions,
)
from dossiers.selectors.results import citizen_result_document
from dossiers.tests.factories import make_cast, make_draft, place_in
from dossiers.workflow import TRANSITIONS

S = DossierStatus
A = Actor
pytestmark = pytest.mark.django_db


def _edges(status: str, actor: str) -> set[tuple[str, str]]:
    return {(t.source, t.target) for t in TRANSITIONS if t.source == status and actor in t.actors}


@pytest.fixture(scope="module")
def statuses() -> list[str]:
    return [s for s in S if s != S.DRAFT]


def test_every_named_action_follows_the_table_for_every_status_and_user(statuses):
    cast = make_cast()
    users = {**cast.staff, A.CITIZEN: cast.citizen}
    for status in statuses:
        dossier = place_in(
            make_draft(cast),
            status,
            resume_status=S.APPRAISING if status == S.WITHDRAWAL_REQUESTED else "",
            result_document_uuid=uuid.uuid4(),
            due_at=timezone.now() + dt.timedelta(days=5),
        )
        for actor, user in users.items():
            actions = dossier_actions(dossier=dossier, user=user)
            allowed = _edges(status, actor)
            where = f"{status} as {actor}"
            # Every edge offered is in the table for this status and one of the user's roles.
            for action in actions.transitions:
                assert action.transition.source == status, where
            # Dedicated forms appear exactly when their edge is open to this user.
            assert bool(actions.assign) == (ASSIGN_EDGE in allowed), where
            assert bool(actions.consult) == (CONSULT_EDGE in allowed), where
            assert bool(actions.interagency) == bool(INTERAGENCY_EDGES & allowed), where
            reception = status == S.SUBMITTED and any(t in RECEPTION_TARGETS for _s, t in allowed)
            assert bool(actions.receive) == reception, where
            # Buttons never duplicate a dedicated form nor offer an applicant's edge to staff.
            for button in actions.buttons:
                edge = (button.transition.source, button.transition.target)
                assert edge not in {ASSIGN_EDGE, CONSULT_EDGE, *INTERAGENCY_EDGES}, where
                assert button.role not in APPLICANT_ACTORS, where
            # Facts beside the table: extension and result, by status and role. The head extends
            # (Mẫu 04 is signed in the head's name); the officer proposes (ADR 0272).
            running = status in CLOCK_RUNNING_STATUSES
            assert bool(actions.extend) == (running and actor == A.AGENCY_HEAD), where
            assert bool(actions.propose_extension) == (running and actor == A.PROCESSING_OFFICER), (
                where
            )
            assert not actions.decide_extension, where  # nothing proposed
            assert bool(actions.upload_result) == (
                status in RESULT_UPLOAD_STATUSES
                and actor in (A.AGENCY_HEAD, A.PROCESSING_OFFICER, A.RECORDS_CLERK)
            ), where
            # The applicant's own actions.
            if actor == A.CITIZEN:
                assert actions.withdraw == ((status, S.WITHDRAWAL_REQUESTED) in allowed), where
                assert actions.cancel_withdrawal == (status == S.WITHDRAWAL_REQUESTED), where
                assert actions.answer_supplement == (
                    status in (S.INTAKE_SUPPLEMENT, S.SUPPLEMENT_REQUESTED)
                ), where
                assert actions.download_result == (citizen_result_document(dossier) is not None), (
                    where
                )
            else:
                assert not actions.withdraw, where
                assert not actions.answer_supplement, where


def test_a_stranger_may_do_nothing():
    cast = make_cast()
    other = make_cast()
    dossier = place_in(make_draft(cast), S.APPRAISING)
    for user in [*other.staff.values(), other.citizen]:
        actions = dossier_actions(dossier=dossier, user=user)
        assert actions.transitions == ()
        assert actions.names() == []


def test_the_names_the_api_reports():
    cast = make_cast()
    dossier = place_in(make_draft(cast), S.IN_PROCESS, due_at=timezone.now() + dt.timedelta(days=5))
    head = dossier_actions(dossier=dossier, user=cast.staff[A.AGENCY_HEAD])
    assert "assign" in head.names()
    assert "interagency" in head.names()
    assert "extend" in head.names()
    assert all(not name.startswith(f"to:{S.APPRAISING}") for name in head.names())
