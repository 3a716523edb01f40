"""Action buttons per user, and two officers acting on one dossier at the same moment."""

import threading

from django.db import connection

import pytest

from dossiers.constants import Actor, DossierStatus
from dossiers.models import Dossier, DossierEvent
from dossiers.selectors import dossier_actions_for
from dossiers.services import dossier_submit, dossier_transition
from dossiers.tests.factories import make_cast, make_draft
from dossiers.workflow import TransitionNotAllowed

S = DossierStatus
A = Actor


@pytest.mark.django_db
def test_actions_are_the_edges_this_user_may_take_here():
    cast = make_cast()
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen)

    reception = dossier_actions_for(dossier=dossier, user=cast.staff[A.RECEPTION_OFFICER])
    assert [(a.transition.target, a.role) for a in reception] == [
        (S.RECEIVED, A.RECEPTION_OFFICER),
        (S.INTAKE_SUPPLEMENT, A.RECEPTION_OFFICER),
        (S.REJECTED_AT_INTAKE, A.RECEPTION_OFFICER),
        (S.WITHDRAWAL_REQUESTED, A.RECEPTION_OFFICER),
    ]
    citizen = dossier_actions_for(dossier=dossier, user=cast.citizen)
    assert [(a.transition.target, a.role) for a in citizen] == [(S.WITHDRAWAL_REQUESTED, A.CITIZEN)]
    # The agency head works at the competent agency and has nothing to do at intake.
    assert dossier_actions_for(dossier=dossier, user=cast.staff[A.AGENCY_HEAD]) == []
    other = make_cast()
    assert dossier_actions_for(dossier=dossier, user=other.staff[A.RECEPTION_OFFICER]) == []
    assert dossier_actions_for(dossier=dossier, user=other.citizen) == []


@pytest.mark.django_db(transaction=True)
def test_two_officers_racing_one_wins_the_other_is_refused():
    cast = make_cast()
    second = make_cast().staff[A.RECEPTION_OFFICER]
    second.memberships.update(agency=cast.receiving)
    dossier = make_draft(cast)
    dossier_submit(dossier=dossier, by=cast.citizen)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name, officer, target, note):
        try:
            barrier.wait(timeout=30)
            mine = Dossier.objects.get(pk=dossier.pk)  # each officer loaded the page before
            dossier_transition(
                dossier=mine, to=target, by=officer, role=A.RECEPTION_OFFICER, note=note
            )
            outcomes[name] = "won"
        except TransitionNotAllowed as refused:
            outcomes[name] = refused.message
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=act, args=("accept", cast.staff[A.RECEPTION_OFFICER], S.RECEIVED, "")
        ),
        threading.Thread(
            target=act, args=("refuse", second, S.REJECTED_AT_INTAKE, "Sai thẩm quyền")
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["accept", "refuse"]
    assert list(outcomes.values()).count("won") == 1
    loser = next(message for message in outcomes.values() if message != "won")
    assert "Không thể chuyển" in loser
    assert DossierEvent.objects.filter(dossier=dossier).count() == 2  # submission + the winner
