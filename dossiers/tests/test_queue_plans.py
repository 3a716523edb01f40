"""A supervisor's queues over several agencies are read in order from an index, not sorted
(ADR 0355, 0356): a plan, not a time.

At test scale PostgreSQL would rather sort a few rows than walk an index, so each plan is taken
with the sequential scan, the bitmap scan and the sort turned off for the test's transaction
(still possible, only priced out): a Sort then shows in the plan only where no index gives the
queue's order. What brings one back is an ORDER BY that does not name what an index holds (the
`CASE` expression instead of `next_due_at`), or indexes that start with the agency, which give
one agency's rows in order but not several agencies' together (`IN (…)`).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

import pytest

from accounts.constants import Role
from agencies.tests.factories import AgencyFactory
from dossiers import selectors as sel
from dossiers.constants import Actor, DossierStatus
from dossiers.tests.factories import add_membership, make_cast, make_draft, place_in

pytestmark = pytest.mark.django_db

S = DossierStatus


def _plan(queryset: QuerySet) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for knob in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {knob} = off")  # until the test's transaction ends
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _supervisor_of_two_agencies():
    cast = make_cast()
    supervisor = cast.staff[Actor.ONESTOP_SUPERVISOR]
    point = AgencyFactory(name="Bộ phận Một cửa xã Thạnh Bình")
    add_membership(supervisor, point, Role.ONESTOP_SUPERVISOR)
    soon = timezone.now() + dt.timedelta(days=1)
    for agency in (cast.receiving, point):
        for status in (S.SUBMITTED, S.SUPPLEMENT_REQUESTED, S.APPRAISING):
            place_in(
                make_draft(cast, receiving_agency=agency),
                status,
                reception_due_at=soon,
                supplement_deadline_at=soon,
                due_at=soon,
            )
    assert len(sel.office_user(supervisor).agencies([Role.ONESTOP_SUPERVISOR])) == 2
    return supervisor


@pytest.mark.parametrize(
    ("queue", "index"),
    [
        ("tat-ca", "dossier_next_due_idx"),
        ("tiep-nhan", "dossier_awaiting_reception_idx"),
        ("bo-sung", "dossier_supplement_due_idx"),
    ],
)
def test_a_supervisors_queue_over_two_agencies_is_read_in_order(queue, index):
    supervisor = _supervisor_of_two_agencies()
    page = sel.queue_for(supervisor, queue)[:25]
    assert page.query.order_by  # "due first", the default
    plan = _plan(page)
    assert "Sort" not in plan, plan
    assert index in plan, plan


def test_the_plan_shows_a_sort_where_no_index_gives_the_order():
    """The control: the same knobs leave a Sort where it is needed, so its absence above
    means an index gave the order."""
    supervisor = _supervisor_of_two_agencies()
    page = sel.queue_for(supervisor, "tat-ca").order_by("procedure_name", "pk")[:25]
    assert "Sort" in _plan(page)
