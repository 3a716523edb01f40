"""The statistics follow each dossier event from the worker, not from the officer's request
(ADR 0325): the after-commit listener only queues; the task recomputes the dossier's facts."""

import pytest

from dossiers.constants import DossierStatus
from dossiers.hooks import dossier_event_listeners
from dossiers.tests.factories import make_cast
from metrics import tasks
from metrics.models import DossierFact
from metrics.tests.journeys import Journey, at

pytestmark = pytest.mark.django_db


def test_the_listener_queues_the_recomputation_for_the_worker():
    assert dossier_event_listeners["metrics"] is tasks.facts_queue_on_dossier_event


def test_the_queued_task_records_the_received_dossier(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the worker's run, in this process
    journey = Journey(make_cast()).submit(at(5, 9)).receive(at(5, 10))
    assert journey.dossier.status == DossierStatus.RECEIVED
    assert not DossierFact.objects.filter(dossier=journey.dossier).exists()  # nothing committed
    tasks.facts_queue_on_dossier_event(journey.dossier.events.order_by("-pk").first().pk)
    fact = DossierFact.objects.get(dossier=journey.dossier)
    assert fact.received_at == journey.dossier.received_at
