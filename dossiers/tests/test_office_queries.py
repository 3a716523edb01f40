"""Query counts of the officer's dossier page and its main actions (issues 17 and 20).

Under load every query is a round trip that waits for a CPU (docs/benchmarks.md: the dossier
page ran 46 queries, 10 of them loading the whole procedure; an acceptance 67). These tests hold
the counts under a ceiling a little above what they are now, and check that the page's count does
not grow with the dossier's documents and history: an N+1 that comes back fails here.

The on-commit work (listeners: form issuance, national sync, statistics) is not counted: in a
test nothing commits; `test_statistics_follow_an_event_in_the_worker` covers the statistics.
"""

from __future__ import annotations

import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from accounts.tests.factories import login_with_mfa
from dossiers import services as svc
from dossiers.constants import Actor, DossierStatus
from dossiers.services import dossier_submit
from dossiers.tests.factories import make_cast, make_draft

S = DossierStatus
A = Actor

# What each request ran when these tests were written (PostgreSQL), plus a small margin; the
# page's own queries are listed in docs/benchmarks.md.
PAGE_MAX = 22
ACCEPT_MAX = 37
TRANSFER_MAX = 24
NOTE_MAX = 21


def _components(count: int) -> list[dict]:
    return [
        {
            "requirement_code": f"TK{n:02}",
            "requirement_name": f"Giấy tờ số {n}",
            "document_uuid": uuid.uuid4(),
            "source": "uploaded",
            "is_required": True,
        }
        for n in range(count)
    ]


def _submitted(cast, components: int = 2):
    dossier = make_draft(cast, components=_components(components))
    dossier_submit(dossier=dossier, by=cast.citizen)
    dossier.refresh_from_db()
    return dossier


def _page(dossier) -> str:
    return reverse("office:detail", kwargs={"uuid": dossier.uuid})


def _count(client, method: str, url: str, data: dict | None = None) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    return response.status_code, len(captured.captured_queries)


@pytest.mark.django_db
def test_the_dossier_page_reads_a_bounded_number_of_queries(client):
    cast = make_cast()
    dossier = _submitted(cast)
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    client.get(_page(dossier))  # the session's first use, the calendar's cache
    status, queries = _count(client, "get", _page(dossier))
    assert status == 200
    assert queries <= PAGE_MAX


@pytest.mark.django_db
def test_the_dossier_page_does_not_read_per_document_or_per_event(client):
    """Six more documents and ten more events on the history: not one query more."""
    cast = make_cast()
    officer = cast.staff[A.RECEPTION_OFFICER]
    small, large = _submitted(cast, components=2), _submitted(cast, components=8)
    for number in range(10):
        svc.office_note_add(dossier=large, by=officer, text=f"Ghi chú {number}")
    login_with_mfa(client, officer)
    client.get(_page(small))
    counts = [_count(client, "get", _page(d)) for d in (small, large)]
    assert [status for status, _queries in counts] == [200, 200]
    assert counts[0][1] == counts[1][1]


@pytest.mark.django_db
def test_an_acceptance_and_a_transfer_stay_within_their_queries(client):
    cast = make_cast()
    dossier = _submitted(cast)
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    client.get(_page(dossier))
    status, queries = _count(
        client,
        "post",
        reverse("office:reception", kwargs={"uuid": dossier.uuid}),
        {
            "decision": "accept",
            "complete": [str(c.uuid) for c in dossier.components.all()],
            "expected_status": S.SUBMITTED,
        },
    )
    assert status == 302
    assert queries <= ACCEPT_MAX
    dossier.refresh_from_db()
    assert dossier.status == S.RECEIVED

    status, queries = _count(
        client,
        "post",
        reverse("office:action", kwargs={"uuid": dossier.uuid}),
        {
            "to_prefix": S.IN_PROCESS,
            f"a-{S.IN_PROCESS}-to": S.IN_PROCESS,
            f"a-{S.IN_PROCESS}-role": A.RECEPTION_OFFICER,
            f"a-{S.IN_PROCESS}-expected_status": S.RECEIVED,
        },
    )
    assert status == 302
    assert queries <= TRANSFER_MAX
    dossier.refresh_from_db()
    assert dossier.status == S.IN_PROCESS


@pytest.mark.django_db
def test_an_acceptance_does_not_read_per_document(client):
    """Accepting a dossier of eight documents costs what accepting one of two does."""
    cast = make_cast()
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    counts = []
    for size in (2, 8):
        dossier = _submitted(cast, components=size)
        client.get(_page(dossier))
        status, queries = _count(
            client,
            "post",
            reverse("office:reception", kwargs={"uuid": dossier.uuid}),
            {
                "decision": "accept",
                "complete": [str(c.uuid) for c in dossier.components.all()],
                "expected_status": S.SUBMITTED,
            },
        )
        assert status == 302
        counts.append(queries)
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_an_internal_note_stays_within_its_queries(client):
    cast = make_cast()
    dossier = _submitted(cast)
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    client.get(_page(dossier))
    status, queries = _count(
        client,
        "post",
        reverse("office:note", kwargs={"uuid": dossier.uuid}),
        {"text": "Đã gọi điện cho người nộp."},
    )
    assert status == 302
    assert queries <= NOTE_MAX
