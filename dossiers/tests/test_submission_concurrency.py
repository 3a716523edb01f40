"""Concurrent online submissions to one agency get distinct, consecutive codes (NĐ 118 Art. 28)."""

import threading

from django.db import connection

import pytest

from dossiers import services as svc
from dossiers.codes import CODE_PATTERN
from dossiers.models import Dossier
from dossiers.tests.submission_helpers import fill_draft, make_citizen, make_world

SUBMITTERS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_consecutive_codes(settings):
    settings.VIRUS_SCANNER = "none"
    world = make_world()
    drafts = []
    for _ in range(SUBMITTERS):
        citizen = make_citizen()
        drafts.append(
            (
                citizen,
                fill_draft(svc.dossier_start(procedure=world.procedure, user=citizen), citizen),
            )
        )
    barrier = threading.Barrier(SUBMITTERS)
    errors: list[BaseException] = []

    def submit(citizen, dossier):
        try:
            barrier.wait(timeout=30)
            svc.dossier_submit_online(dossier=dossier, by=citizen, declaration=True)
        except BaseException as error:  # reported below, never swallowed
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=pair) for pair in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    codes = list(Dossier.objects.exclude(code=None).values_list("code", flat=True))
    assert len(codes) == SUBMITTERS == len(set(codes))
    matches = [CODE_PATTERN.match(code) for code in codes]
    assert all(matches)
    assert {m["prefix"] for m in matches} == {world.department.code}
    assert sorted(int(m["seq"]) for m in matches) == list(range(1, SUBMITTERS + 1))
