"""The history hash chain, the database trigger that refuses UPDATE/DELETE, and
`verify_history` finding the first broken link after tampering with the trigger disabled."""

from __future__ import annotations

import itertools
import re

from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

import pytest

from dossiers.constants import Actor, EventKind
from dossiers.integrity import verify_chain
from dossiers.models import DossierEvent
from dossiers.services import dossier_note_add
from dossiers.tests.factories import make_cast
from dossiers.tests.test_processing_services import appraising

A = Actor

pytestmark = pytest.mark.django_db


def _life():
    cast = make_cast()
    dossier = appraising(cast)
    dossier_note_add(
        dossier=dossier, by=cast.staff[A.PROCESSING_OFFICER], role=A.PROCESSING_OFFICER, text="Ổn"
    )
    return dossier


def _raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_every_event_is_chained_to_the_previous_one_of_its_dossier():
    dossier = _life()
    other = _life()
    events = list(dossier.events.order_by("id"))
    assert len(events) >= 6
    assert events[0].prev_hash == ""
    for previous, event in itertools.pairwise(events):
        assert event.prev_hash == previous.hash
        assert re.fullmatch(r"[0-9a-f]{64}", event.hash)
    # Chains are per dossier: the other dossier starts its own.
    assert other.events.order_by("id").first().prev_hash == ""
    assert verify_chain() is None


def test_the_database_refuses_update_and_delete_of_history_rows():
    dossier = _life()
    event = dossier.events.order_by("id").first()
    for sql in (
        "UPDATE dossiers_dossierevent SET note = 'sửa' WHERE id = %s",
        "DELETE FROM dossiers_dossierevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _raw(sql, [event.pk])
    event.refresh_from_db()
    assert event.note == ""
    with pytest.raises(DossierEvent.AppendOnlyError):
        DossierEvent.objects.filter(pk=event.pk).update(note="x")


def _without_trigger(sql: str, params) -> None:
    """What an attacker with database rights could do: bypass the trigger for one statement."""
    _raw("SET LOCAL session_replication_role = replica")
    try:
        _raw(sql, params)
    finally:
        _raw("SET LOCAL session_replication_role = DEFAULT")


def test_a_changed_event_is_reported_by_verify_history(capsys):
    dossier = _life()
    victim = dossier.events.filter(kind=EventKind.NOTE).get()
    call_command("verify_history", "--dossier", dossier.code)  # intact before

    _without_trigger(
        "UPDATE dossiers_dossierevent SET note = 'Không ổn' WHERE id = %s", [victim.pk]
    )

    broken = verify_chain()
    assert broken is not None
    assert broken.event_id == victim.pk
    assert "bị sửa" in broken.reason
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_history", "--dossier", dossier.code)
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert dossier.code in err
    assert f"#{victim.pk}" in err


def test_a_deleted_event_breaks_the_next_link():
    dossier = _life()
    events = list(dossier.events.order_by("id"))
    _without_trigger("DELETE FROM dossiers_dossierevent WHERE id = %s", [events[1].pk])
    broken = verify_chain(dossier_ids=[dossier.pk])
    assert broken is not None
    assert broken.event_id == events[2].pk
    assert "trước không khớp" in broken.reason


def test_a_rewritten_hash_is_still_caught_by_the_next_event():
    dossier = _life()
    events = list(dossier.events.order_by("id"))
    # Change the content and recompute its own hash: the next event still points at the old one.
    _without_trigger(
        "UPDATE dossiers_dossierevent SET note = 'x', hash = repeat('0', 64) WHERE id = %s",
        [events[1].pk],
    )
    broken = verify_chain(dossier_ids=[dossier.pk])
    assert broken is not None
    assert broken.event_id == events[1].pk
