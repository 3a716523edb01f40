"""On generated data, the stored facts (the fast aggregate path) give exactly the counters of the
computation from scratch — for every scope, period and judging instant tried."""

import datetime as dt
import random
import uuid

import pytest

from accounts.constants import Role
from dossiers.constants import Channel
from dossiers.tests.factories import add_membership, make_cast
from metrics import periods
from metrics.selectors import Scope, counts_from_facts, counts_from_scratch, index_for
from metrics.services import facts_refresh
from metrics.tests.journeys import Journey, at

pytestmark = pytest.mark.django_db


def _rate(journey, average):
    from helpdesk.models import DossierRating

    DossierRating.objects.create(
        dossier=journey.dossier,
        rated_by=journey.dossier.applicant,
        channel="web",
        agency=journey.cast.competent,
        procedure_code=journey.dossier.procedure_code,
        time_vs_deadline=average,
        contacts=average,
        information=average,
        attitude=average,
        lawfulness=average,
        explanation=average,
        average=average,
    )


def _pay_online(journey, amount=50_000):
    from payments.models import Charge, Payment

    charge = Charge.objects.create(
        dossier=journey.dossier,
        agency=journey.cast.competent,
        label="Lệ phí",
        amount_vnd=amount,
        full_amount_vnd=amount,
        status="settled",
    )
    Payment.objects.create(
        charge=charge,
        dossier=journey.dossier,
        agency=journey.cast.competent,
        provider="vnpay",
        amount_vnd=amount,
        status="paid",
        txn_ref=uuid.uuid4().hex[:20],
    )


def _random_journey(rng: random.Random, cast, servant) -> Journey:
    day = rng.randint(1, 20)
    month = rng.choice([9, 10, 11])
    start = at(day, 8, month=month)
    while start.weekday() >= 5:
        start += dt.timedelta(days=1)
    channel = rng.choice([Channel.ONLINE, Channel.ONLINE, Channel.COUNTER, Channel.POSTAL])
    source = rng.choice(["uploaded", "reused", "national_database", "scanned", "state_holds"])
    applicant = servant if rng.random() < 0.15 else cast.citizen
    j = Journey(
        cast,
        channel=channel,
        applicant=applicant,
        components=[
            {
                "requirement_code": "TK01",
                "requirement_name": "Tờ khai",
                # "The state already holds it": no file, so not a digitised component.
                "document_uuid": None if source == "state_holds" else uuid.uuid4(),
                "source": source,
            },
            {
                "requirement_code": "GT02",
                "requirement_name": "Giấy tờ khác (nếu có)",
                "is_required": False,
                "document_uuid": uuid.uuid4() if rng.random() < 0.5 else None,
                "source": "uploaded",
            },
        ],
    )
    j.submit(start)
    if rng.random() < 0.1:
        j.reject_at_intake(start + dt.timedelta(hours=1))
        return j
    t = start + dt.timedelta(hours=1)
    j.receive(t)
    path = rng.choice(["open", "done", "done", "supp", "supp2", "withdraw", "supp_open"])
    if path == "withdraw":
        j.withdraw(t + dt.timedelta(days=1), t + dt.timedelta(days=rng.randint(2, 9)))
        return j
    j.to_appraisal(t + dt.timedelta(hours=1))
    t += dt.timedelta(days=1)
    if path in ("supp", "supp2", "supp_open"):
        answered = None if path == "supp_open" else t + dt.timedelta(days=rng.randint(1, 6))
        j.supplement(t, answered=answered)
        if answered is None:
            return j
        t = answered + dt.timedelta(hours=1)
        j.to_appraisal(t)
        if path == "supp2":
            j.supplement(t + dt.timedelta(hours=2))
            return j
    if path == "open":
        return j
    j.finish(t + dt.timedelta(days=rng.randint(1, 12), hours=2), e_result=rng.random() < 0.7)
    return j


def test_facts_equal_scratch_on_generated_dossiers():
    rng = random.Random(766)
    cast = make_cast()
    servant = cast.staff[Role.PROCESSING_OFFICER]
    journeys = [_random_journey(rng, cast, servant) for _ in range(28)]
    for j in journeys:
        if rng.random() < 0.2:
            _rate(j, rng.choice([1, 2, 4, 5]))
        if rng.random() < 0.3:
            _pay_online(j)
    # A second agency with its own dossiers, for the per-agency split.
    other = make_cast()
    add_membership(other.staff[Role.PROCESSING_OFFICER], other.competent, Role.AGENCY_HEAD)
    journeys += [_random_journey(rng, other, servant) for _ in range(6)]

    facts_refresh(full=True)
    scopes = [Scope(None), Scope((cast.competent.pk,)), Scope((other.competent.pk,))]
    tried = [
        periods.month(2026, 9),
        periods.month(2026, 10),
        periods.quarter(2026, 4),
        periods.year(2026),
        periods.custom(dt.date(2026, 10, 3), dt.date(2026, 11, 11)),
    ]
    instants = [None, at(15, 12), at(2, 0, month=11), at(20, 12, month=11)]
    nonzero = 0
    for scope in scopes:
        for period in tried:
            for judged in instants:
                fast = counts_from_facts(period=period, scope=scope, at=judged)
                slow = counts_from_scratch(period=period, scope=scope, at=judged)
                assert fast == slow, (scope, period, judged)
                nonzero += sum(row["received"] for row in fast.values())
    assert nonzero > 0
    # And the indicator values built on them agree too.
    year = periods.year(2026)
    fast = index_for(period=year, scope=Scope(None), source="facts")
    slow = index_for(period=year, scope=Scope(None), source="scratch")
    assert {k: v.ratio for k, v in fast.values.items()} == {
        k: v.ratio for k, v in slow.values.items()
    }
    assert fast.score == slow.score
