"""The history is append-only; listeners run after commit and never for a rolled-back change."""

from django.db import transaction
from django.db.models import ProtectedError

import pytest

from dossiers.constants import Actor, DossierStatus, EventKind
from dossiers.hooks import dossier_event_listeners
from dossiers.models import Dossier, DossierEvent
from dossiers.services import (
    dossier_draft_discard,
    dossier_event_record,
    dossier_submit,
    dossier_transition,
)
from dossiers.tests.factories import make_cast, make_draft
from dossiers.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make_cast()


@pytest.fixture
def event(cast):
    dossier = make_draft(cast)
    return dossier_submit(dossier=dossier, by=cast.citizen)


def test_an_event_cannot_be_saved_again(event):
    event.note = "sửa lịch sử"
    with pytest.raises(DossierEvent.AppendOnlyError):
        event.save()
    assert DossierEvent.objects.get(pk=event.pk).note == ""


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(DossierEvent.AppendOnlyError):
        event.delete()
    with pytest.raises(DossierEvent.AppendOnlyError):
        DossierEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DossierEvent.AppendOnlyError):
        DossierEvent.objects.filter(pk=event.pk).update(note="sửa")
    assert DossierEvent.objects.filter(pk=event.pk, note="").exists()


def test_a_dossier_with_history_cannot_be_deleted(event):
    with pytest.raises(ProtectedError):
        event.dossier.delete()
    with pytest.raises(TransitionNotAllowed):
        dossier_draft_discard(dossier=event.dossier)


def test_a_draft_can_be_discarded(cast):
    draft = make_draft(cast)
    dossier_draft_discard(dossier=draft)
    assert not Dossier.objects.filter(pk=draft.pk).exists()


def test_listeners_run_after_commit_with_the_event_id(cast, django_capture_on_commit_callbacks):
    seen: list[int] = []
    dossier_event_listeners.register("test-listener")(seen.append)
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            event = dossier_submit(dossier=make_draft(cast), by=cast.citizen)
            assert seen == []  # nothing runs inside the transaction
        for callback in callbacks:
            callback()
    finally:
        del dossier_event_listeners._items["test-listener"]
    assert seen == [event.pk]


@transaction.atomic
def _submit_then_fail(draft, user):
    dossier_submit(dossier=draft, by=user)
    raise RuntimeError("the view failed after the service call")


def test_no_listener_runs_for_a_rolled_back_change(cast, django_capture_on_commit_callbacks):
    seen: list[int] = []
    dossier = make_draft(cast)
    dossier_event_listeners.register("test-listener")(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
            _submit_then_fail(dossier, cast.citizen)
    finally:
        del dossier_event_listeners._items["test-listener"]
    assert seen == []
    assert not DossierEvent.objects.filter(dossier=dossier).exists()
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.DRAFT


def test_a_failing_listener_does_not_stop_the_others(cast, django_capture_on_commit_callbacks):
    seen: list[int] = []

    def broken(event_id):
        raise ConnectionError("national portal unreachable")

    dossier_event_listeners.register("test-broken")(broken)
    dossier_event_listeners.register("test-listener")(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            event = dossier_submit(dossier=make_draft(cast), by=cast.citizen)
    finally:
        del dossier_event_listeners._items["test-broken"]
        del dossier_event_listeners._items["test-listener"]
    assert seen == [event.pk]


def test_recorded_facts_do_not_change_the_status(cast, event):
    dossier = event.dossier
    officer = cast.staff[Actor.RECEPTION_OFFICER]
    handover = dossier_event_record(
        dossier=dossier,
        kind=EventKind.HANDOVER,
        by=officer,
        role=Actor.RECEPTION_OFFICER,
        form_code="06",
        data={"to": cast.competent.code},
    )
    assert (handover.from_status, handover.to_status, handover.agency) == ("", "", cast.receiving)
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED
    with pytest.raises(TransitionNotAllowed):
        dossier_event_record(
            dossier=dossier, kind=EventKind.TRANSITION, by=officer, role=Actor.RECEPTION_OFFICER
        )
    with pytest.raises(TransitionNotAllowed):
        dossier_event_record(
            dossier=dossier, kind=EventKind.NOTE, by=cast.helper, role=Actor.COMMUNITY_HELPER
        )


def test_the_status_column_refuses_an_unknown_state(event):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        Dossier.objects.filter(pk=event.dossier_id).update(status="approved_by_magic")


def test_transition_reports_the_rejected_reason_and_keeps_the_row(cast, event):
    dossier = event.dossier
    with pytest.raises(TransitionNotAllowed, match="Không thể chuyển"):
        dossier_transition(
            dossier=dossier, to=DossierStatus.DONE, by=cast.citizen, role=Actor.CITIZEN
        )
    assert dossier.events.count() == 1
