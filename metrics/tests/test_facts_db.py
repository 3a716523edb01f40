"""Indicators on dossiers driven through the real workflow (PostgreSQL), hand-computed, and the
stored facts (the fast path) equal to the from-scratch computation."""

from decimal import Decimal

import pytest

from dossiers.constants import Actor, Channel, DossierStatus
from dossiers.models import Dossier
from dossiers.tests.factories import make_cast
from metrics import periods
from metrics.breakdowns import dossiers_behind
from metrics.selectors import (
    Scope,
    counts_from_facts,
    counts_from_scratch,
    index_for,
    total,
)
from metrics.services import facts_refresh
from metrics.tests.journeys import Journey, at

pytestmark = pytest.mark.django_db
OCTOBER = periods.month(2026, 10)
JUDGED = at(1, 0, month=11)  # the end of October


@pytest.fixture
def cast():
    return make_cast()


@pytest.fixture
def october(cast):
    """Nine dossiers; seven first received in October (see the comments for the verdicts)."""
    j = {}
    # A: done on the 9th, due the 12th, electronic result → on time. A civil servant's own dossier.
    j["A"] = Journey(cast, applicant=cast.staff[Actor.PROCESSING_OFFICER])
    j["A"].submit(at(5, 9)).receive(at(5, 10)).to_appraisal(at(5, 11)).finish(at(9, 15))
    # B: at the counter, still being appraised at the end of October → late, open.
    j["B"] = Journey(cast, channel=Channel.COUNTER)
    j["B"].submit(at(5, 9)).receive(at(5, 10)).to_appraisal(at(5, 11))
    # C: a single supplement request, never answered → the clock ends at the request → on time.
    j["C"] = Journey(
        cast,
        components=[
            {
                "requirement_code": "TK01",
                "requirement_name": "Tờ khai",
                "document_uuid": "6f1c1a52-6a55-4b8e-9d0e-1f2a3b4c5d6e",
                "source": "reused",
            }
        ],
    )
    j["C"].submit(at(5, 9)).receive(at(5, 10)).to_appraisal(at(5, 11)).supplement(at(6, 9))
    # D: supplement from the 6th to the 9th (3 days of the citizen's time), done the 14th 15:00:
    # 14th − 3 days = 11th → on time (without the subtraction: late).
    j["D"] = Journey(cast)
    j["D"].submit(at(5, 9)).receive(at(5, 10)).to_appraisal(at(5, 11))
    j["D"].supplement(at(6, 9), answered=at(9, 9)).to_appraisal(at(9, 10)).finish(at(14, 15))
    # E: two supplement requests → late whatever happens after.
    j["E"] = Journey(cast)
    j["E"].submit(at(5, 9)).receive(at(5, 10)).to_appraisal(at(5, 11))
    j["E"].supplement(at(6, 9), answered=at(7, 9)).to_appraisal(at(7, 10)).supplement(at(8, 9))
    # F: withdrawal asked on the 6th, accepted on the 20th → ends on the 6th → on time.
    j["F"] = Journey(cast)
    j["F"].submit(at(5, 9)).receive(at(5, 10)).withdraw(at(6, 9), at(20, 9))
    # G: refused at intake → never received, in no denominator.
    j["G"] = Journey(cast)
    j["G"].submit(at(5, 9)).reject_at_intake(at(5, 10))
    # H: received in September → not in October.
    j["H"] = Journey(cast)
    j["H"].submit(at(29, 9, month=9)).receive(at(29, 10, month=9))
    # I: done the 13th (due the 12th) with a paper-only result → late, no electronic result.
    j["I"] = Journey(cast)
    j["I"].submit(at(5, 9)).receive(at(5, 10)).to_appraisal(at(5, 11)).finish(
        at(13, 9), e_result=False
    )
    Dossier.objects.filter(pk=j["I"].dossier.pk).update(vneid_authenticated=True)
    return j


def test_october_by_hand(cast, october):
    facts_refresh(full=True)
    province = Scope(None)
    counts = total(counts_from_facts(period=OCTOBER, scope=province, at=JUDGED))
    assert counts["received"] == 7  # A B C D E F I
    assert counts["on_time"] == 4  # A C D F
    assert counts["overdue_open"] == 2  # B, E (open and late)
    assert counts["completed"] == 3  # A D I
    assert counts["result_expected"] == 3
    assert counts["e_result"] == 2  # A D
    assert counts["online"] == 6
    assert counts["counter"] == 1
    # 3.3 counts the online dossiers that got their electronic result: A and D. The open ones
    # (C, E, F) have none yet, I has a paper-only result (issue #21, item 8).
    assert counts["online_e_result"] == 2
    assert counts["digitised"] == 6  # every one has a file; I lacks its electronic result
    assert counts["reused"] == counts["from_store"] == 1  # C
    assert counts["vneid"] == 1  # I
    assert counts["civil_servant"] == counts["civil_servant_online"] == 1  # A
    assert counts["fee_bearing"] == 0

    result = index_for(period=OCTOBER, scope=province, at=JUDGED)
    values = result.values
    assert values["2.1"].percent == Decimal("57.14")  # 4 ÷ 7
    assert values["4.1"].percent == Decimal("66.67")  # 2 ÷ 3
    assert values["3.6"].is_na  # no fee-bearing dossier: N/A, not 0% or 100%
    assert values["plan.civil_servant_online"].percent == Decimal("100.00")
    # 2.2 in working days of 8.5 hours (issue #21, item 5): A was received Mon 5/10 10:00 and
    # done Fri 9/10 15:00: 5.5 h on Monday + 3 × 8.5 h + 6.5 h on Friday = 37.5 h = 4.41 days
    # (divided by 8 hours it would read 4.69, 6.25 % more).
    from metrics.models import DossierFact

    assert DossierFact.objects.get(dossier=october["A"].dossier).processing_wd == Decimal("4.41")
    assert values["2.2"].amount is not None
    # Agency rows: all dossiers belong to the competent agency.
    assert [row.agency for row in result.agencies] == [cast.competent]


def test_stored_facts_equal_the_computation_from_scratch(cast, october):
    facts_refresh(full=True)
    for scope in (Scope(None), Scope((cast.competent.pk,)), Scope((cast.receiving.pk,))):
        for period in (
            OCTOBER,
            periods.quarter(2026, 4),
            periods.year(2026),
            periods.month(2026, 9),
        ):
            for judged in (JUDGED, at(8, 12), at(13, 12)):
                fast = counts_from_facts(period=period, scope=scope, at=judged)
                slow = counts_from_scratch(period=period, scope=scope, at=judged)
                assert fast == slow, (scope, period, judged)


def test_refresh_is_incremental_and_follows_new_events(cast, october):
    assert facts_refresh(full=True) == 8  # every received dossier (G never was)
    assert facts_refresh() >= 0
    before = total(counts_from_facts(period=OCTOBER, scope=Scope(None), at=JUDGED))
    october["B"].finish(at(10, 9))
    facts_refresh()
    after = total(counts_from_facts(period=OCTOBER, scope=Scope(None), at=JUDGED))
    assert after["on_time"] == before["on_time"] + 1
    assert after["overdue_open"] == before["overdue_open"] - 1


def test_drill_down_lists_the_dossiers_behind_a_number(cast, october):
    from accounts.constants import Role
    from dossiers.tests.factories import add_membership

    facts_refresh(full=True)
    head = cast.staff[Actor.AGENCY_HEAD]
    late = set(
        dossiers_behind(user=head, period=OCTOBER, counter="late").values_list("pk", flat=True)
    )
    # B, E and I are late when judged at the end of October (the test clock is "now" = 2026-11-28).
    assert late == {october[k].dossier.pk for k in ("B", "E", "I")}
    # Another agency's head sees nothing of it.
    from accounts.tests.factories import UserFactory
    from agencies.tests.factories import AgencyFactory

    other = UserFactory()
    add_membership(other, AgencyFactory(), Role.AGENCY_HEAD)
    assert not dossiers_behind(user=other, period=OCTOBER, counter="late").exists()
    assert not dossiers_behind(
        user=other, period=OCTOBER, counter="received", agency_id=cast.competent.pk
    ).exists()
    assert DossierStatus.DONE  # keep the import honest


def test_demo_seed_computes_the_facts(cast, october):
    import io

    from metrics.demo import seed
    from metrics.models import DossierFact

    out = io.StringIO()
    assert seed(out) == []
    assert "8 received dossiers" in out.getvalue()
    assert DossierFact.objects.count() == 8


def test_periodic_tasks_are_scheduled_and_refresh(cast, october, settings):
    import io

    from django.core.management import call_command

    from metrics.models import DailyFact, DossierFact
    from metrics.tasks import facts_rebuild, facts_refresh

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"metrics.tasks.facts_refresh", "metrics.tasks.facts_rebuild"} <= tasks
    assert facts_refresh.delay().get() == 8  # first run: everything
    assert DossierFact.objects.count() == 8
    assert DailyFact.objects.exists()
    assert facts_rebuild.delay().get() == 4  # the open ones: B, C, E and H
    out = io.StringIO()
    call_command("metrics_rebuild", "--full", stdout=out)
    assert out.getvalue().strip() == "8 dossiers recomputed"


def test_an_extension_moves_the_appointment_for_2_1(cast):
    """Art. 19.6: the one extension is a new appointment date; done after the first due date
    but before the new one is on time. Refused at intake stays out of every denominator."""
    import time_machine

    from dossiers.services import dossier_extend

    extended = Journey(cast)
    extended.submit(at(5, 9)).receive(at(5, 10)).to_appraisal(at(5, 11))
    with time_machine.travel(at(8, 9), tick=False):
        dossier_extend(
            dossier=extended.dossier,
            by=cast.staff[Actor.AGENCY_HEAD],
            new_due_at=at(16, 17),
            reason="Cần xác minh thêm tại địa phương",
        )
    extended.finish(at(14, 15))  # after the first due date (12th), before the new one (16th)
    not_extended = Journey(cast)
    not_extended.submit(at(5, 9)).receive(at(5, 10)).to_appraisal(at(5, 11)).finish(at(14, 15))
    facts_refresh(full=True)
    counts = total(counts_from_facts(period=OCTOBER, scope=Scope(None), at=JUDGED))
    assert counts["received"] == 2
    assert counts["on_time"] == 1
    late = dossiers_behind(
        user=cast.staff[Actor.AGENCY_HEAD], period=OCTOBER, counter="late"
    ).values_list("pk", flat=True)
    assert list(late) == [not_extended.dossier.pk]
    slow = total(counts_from_scratch(period=OCTOBER, scope=Scope(None), at=JUDGED))
    assert slow == counts


def test_3_2_online_services_with_an_online_dossier(cast, october):
    from procedures.models import Procedure, ProcedureField

    field = ProcedureField.objects.create(name="Hộ tịch")
    Procedure.objects.create(code="1.001234", name="Đăng ký thường trú", field=field,
                             at_commune=True, online_level="full")  # fmt: skip
    Procedure.objects.create(code="1.009999", name="Thủ tục chưa có hồ sơ", field=field,
                             at_province=True, online_level="partial")  # fmt: skip
    Procedure.objects.create(code="1.008888", name="Thủ tục không trực tuyến", field=field,
                             at_province=True, online_level="none")  # fmt: skip
    facts_refresh(full=True)
    province = index_for(period=OCTOBER, scope=Scope(None), at=JUDGED).values
    assert (province["3.2"].numerator, province["3.2"].denominator) == (1, 2)
    assert (province["3.1"].numerator, province["3.1"].denominator) == (2, 3)
    agency = index_for(period=OCTOBER, scope=Scope((cast.competent.pk,)), at=JUDGED).values
    assert (agency["3.2"].numerator, agency["3.2"].denominator) == (1, 1)
    assert agency["3.1"].is_na  # catalogue indicators are the province's
    september = index_for(period=periods.month(2026, 9), scope=Scope(None), at=JUDGED).values
    assert (september["3.2"].numerator, september["3.2"].denominator) == (1, 2)  # H, online


def test_2_1_counts_a_dossier_carried_over_and_finished_in_the_period(cast):
    """QĐ 766 2.1: "hồ sơ tiếp nhận và giải quyết trong kỳ" — a dossier received in September and
    finished in October is processed in October too (issue #21, item 8)."""
    carried = Journey(cast)
    carried.submit(at(28, 9, month=9)).receive(at(28, 10, month=9)).to_appraisal(
        at(28, 11, month=9)
    ).finish(at(1, 15))
    late = Journey(cast)
    late.submit(at(7, 9, month=9)).receive(at(7, 10, month=9)).to_appraisal(
        at(7, 11, month=9)
    ).finish(at(2, 15))
    still_open = Journey(cast)
    still_open.submit(at(28, 9, month=9)).receive(at(28, 10, month=9))
    facts_refresh(full=True)
    province = Scope(None)
    fast = total(counts_from_facts(period=OCTOBER, scope=province, at=JUDGED))
    slow = total(counts_from_scratch(period=OCTOBER, scope=province, at=JUDGED))
    assert fast == slow
    assert fast["received"] == 0  # none was received in October
    assert (fast["carried"], fast["carried_on_time"]) == (2, 1)
    values = index_for(period=OCTOBER, scope=province, at=JUDGED).values
    assert values["2.1"].percent == Decimal("50.00")  # 1 on time ÷ 2 processed in October
    # September judged at its end: they were received then, so they count there as usual.
    september = total(counts_from_facts(period=periods.month(2026, 9), scope=province, at=at(1, 0)))
    assert september["received"] == 3
    assert september["carried"] == 0
