"""Every (from, to, role) triple through the real service on PostgreSQL: exactly the table's
edges pass. Guards are made to pass here (they have their own tests), so what is checked is the
table, the role and the actor's relation to the dossier — and, after every edge, that the stored
next deadline the queues sort by is the one the dossier is judged by (ADR 0355)."""

import datetime as dt
from contextlib import ExitStack

from django.db import transaction
from django.utils import timezone

import pytest

from dossiers import workflow
from dossiers.constants import Actor, DossierStatus, EventKind
from dossiers.models import AWAITING_RECEPTION, Dossier, DossierEvent
from dossiers.services import dossier_transition
from dossiers.tests.factories import make_cast, make_mandated_draft, place_in
from dossiers.workflow import TRANSITIONS, TransitionNotAllowed

TABLE_TRIPLES = {(t.source, t.target, actor) for t in TRANSITIONS for actor in t.actors}


def _attempt(dossier, target, role, cast):
    """Try one triple inside a savepoint that is always rolled back; True if it went through."""
    source = dossier.status
    edge = workflow._BY_EDGE.get((source, target))
    sid = transaction.savepoint()
    try:
        event = dossier_transition(
            dossier=dossier,
            to=target,
            by=cast.user_for(role),
            role=role,
            note="Lý do ghi trong hồ sơ",
            result_kind="positive" if edge and edge.sets_result_kind else None,
        )
    except TransitionNotAllowed:
        transaction.savepoint_rollback(sid)
        assert dossier.status == source
        return False
    assert event.kind == EventKind.TRANSITION
    assert (event.from_status, event.to_status, event.role) == (source, target, role)
    assert dossier.status == target  # refreshed in place from the saved row
    assert dossier.next_due_at == _judged_by(dossier), (source, target)
    transaction.savepoint_rollback(sid)
    dossier.refresh_from_db()
    assert dossier.status == source
    return True


def _judged_by(dossier: Dossier) -> dt.datetime | None:
    """What `Dossier.next_due_at` must hold, written out here rather than read from the model:
    the reception window while the dossier awaits reception, else the appointment date."""
    if dossier.status in AWAITING_RECEPTION and dossier.reception_due_at is not None:
        return dossier.reception_due_at
    return dossier.due_at


@pytest.mark.django_db
def test_service_allows_exactly_the_tables_edges():
    cast = make_cast()
    allowed = set()
    with ExitStack() as stack:
        for name in workflow.guard_names():
            stack.enter_context(workflow.guards.replaced(name, lambda ctx: None))
        for source in DossierStatus:
            dossier = make_mandated_draft(cast)
            # Two different deadlines, so the stored one shows which of them it took.
            now = timezone.now()
            place_in(
                dossier,
                source,
                resume_status="",
                reception_due_at=now + dt.timedelta(hours=8),
                due_at=now + dt.timedelta(days=10),
            )
            assert dossier.next_due_at == _judged_by(dossier), source
            events_before = DossierEvent.objects.count()
            for target in DossierStatus:
                for role in Actor:
                    if _attempt(dossier, target, role, cast):
                        allowed.add((source, target, role))
            assert DossierEvent.objects.count() == events_before
    assert allowed == TABLE_TRIPLES
