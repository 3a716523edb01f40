"""One definition of each count (issue #20): on dossiers driven through the real workflow,
`/office/stats/`, the public `/stats/` and the register (Mẫu 07) count the same dossiers, and each
drill-down lists exactly the dossiers its number counts."""

import pytest

from accounts.constants import Role
from accounts.tests.factories import UserFactory, login_with_mfa
from dossiers.constants import Channel
from dossiers.hooks import dossier_event_listeners
from dossiers.models import DossierEvent
from dossiers.tests.factories import add_membership, make_cast
from helpdesk.models import DossierRating
from metrics.models import DossierFact
from metrics.services import facts_on_dossier_event
from metrics.tests.journeys import Journey, at

pytestmark = pytest.mark.django_db
OCTOBER = {"ky": "month", "nam": "2026", "thang": "10"}


def _rate(journey: Journey, average: int) -> None:
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


def _after_every_event() -> None:
    """What the after-commit listener does for each event (tests do not commit)."""
    for event_id in DossierEvent.objects.order_by("pk").values_list("pk", flat=True):
        facts_on_dossier_event(event_id)


@pytest.fixture
def october():
    cast = make_cast()
    journeys = {
        # Received and done on time in October.
        "done": Journey(cast, channel=Channel.ONLINE)
        .submit(at(5, 9))
        .receive(at(5, 10))
        .to_appraisal(at(5, 11))
        .finish(at(7, 15)),
        # Received in October, still being processed at the end of the month, not yet due.
        "open": Journey(cast).submit(at(28, 9)).receive(at(28, 10)).to_appraisal(at(28, 11)),
        # Received in October, still open and past its appointment date at the end of the month.
        "late": Journey(cast).submit(at(6, 9)).receive(at(6, 10)).to_appraisal(at(6, 11)),
        # First received in September; the supplement's second reception falls in October.
        "september": Journey(cast)
        .submit(at(28, 9, month=9))
        .receive(at(28, 10, month=9))
        .to_appraisal(at(28, 11, month=9))
        .supplement(at(29, 9, month=9), answered=at(1, 9)),
        # Received in September, done in October on time: carried over into October's 2.1.
        "carried": Journey(cast)
        .submit(at(29, 9, month=9))
        .receive(at(29, 10, month=9))
        .to_appraisal(at(29, 11, month=9))
        .finish(at(1, 15)),
        # Refused at intake: never received, in no count.
        "refused": Journey(cast).submit(at(8, 9)),
    }
    journeys["refused"].reject_at_intake(at(8, 10))
    _after_every_event()
    return cast, journeys


def _office_user(client, cast):
    user = UserFactory(roles=[Role.AGENCY_HEAD])
    add_membership(user, cast.competent, Role.AGENCY_HEAD)
    login_with_mfa(client, user)
    return user


def _drill(client, cast, counter: str) -> set[str]:
    response = client.get(
        "/office/stats/ho-so/",
        {**OCTOBER, "co_quan": str(cast.competent.uuid), "chi_so": counter},
    )
    assert response.status_code == 200
    return {d.code for d in response.context["page"].object_list}


def test_the_three_pages_count_the_same_dossiers(client, october):
    cast, j = october
    received_in_october = {j[k].dossier.code for k in ("done", "open", "late")}

    _office_user(client, cast)
    office = client.get("/office/stats/", {**OCTOBER, "co_quan": str(cast.competent.uuid)})
    assert office.status_code == 200
    office_counts = office.context["result"].counts
    register = client.get(
        "/office/so-theo-doi/",
        {"agency": str(cast.competent.uuid), "tu": "2026-10-01", "den": "2026-10-31"},
    )
    assert register.status_code == 200
    client.logout()
    public = client.get("/stats/", OCTOBER)
    assert public.status_code == 200
    public_row = next(r for r in public.context["agencies"] if r.agency.pk == cast.competent.pk)

    assert office_counts["received"] == 3
    assert public_row.counts["received"] == 3
    assert register.context["total"] == 3
    assert {row.code for row in register.context["rows"]} == received_in_october
    assert register.context["counted_here"] == 3
    # The headline figures of both pages are the same values.
    office_values = office.context["result"].values
    for code in ("2.1", "plan.online_share", "5.4"):
        assert public_row.values[code] == office.context["result"].agencies[0].values[code]
        assert public_row.values[code].display == office_values[code].display


def test_each_drill_down_lists_exactly_what_its_number_counts(client, october):
    cast, j = october
    _office_user(client, cast)
    office = client.get("/office/stats/", {**OCTOBER, "co_quan": str(cast.competent.uuid)})
    values = office.context["result"].values
    on_time = values["2.1"]
    # 2.1: received in October (done, open, late) plus the one carried over and ended in it.
    assert (on_time.numerator, on_time.denominator) == (3, 4)
    assert _drill(client, cast, "handled") == {
        j[k].dossier.code for k in ("done", "open", "late", "carried")
    }
    assert _drill(client, cast, "handled_on_time") == {
        j[k].dossier.code for k in ("done", "open", "carried")
    }
    assert _drill(client, cast, "late") == {j["late"].dossier.code}
    # "On time" includes an open dossier still within its deadline: it is shown apart.
    assert office.context["result"].counts["open_on_time"] == 1
    assert _drill(client, cast, "open_on_time") == {j["open"].dossier.code}
    assert "trong đó 1 đang giải quyết, còn hạn" in office.content.decode()
    for row in office.context["rows"]:
        for part in ("numerator", "denominator"):
            link = row["links"].get(part)
            number = getattr(row["value"], part)
            if link and number is not None:
                listed = client.get(link).context["page"].paginator.count
                assert listed == number, (row["code"], part)


def test_satisfaction_is_na_until_someone_gives_feedback(client, october):
    cast, j = october
    _office_user(client, cast)
    params = {**OCTOBER, "co_quan": str(cast.competent.uuid)}
    satisfaction = client.get("/office/stats/", params).context["result"].values["5.4"]
    assert satisfaction.display == "N/A"
    _rate(j["done"], 5)
    facts_on_dossier_event(j["done"].dossier.events.order_by("-pk").first().pk)
    satisfaction = client.get("/office/stats/", params).context["result"].values["5.4"]
    # 1 late dossier of 3, nobody dissatisfied: 100 % − 33.33 %.
    assert satisfaction.display == "66,67%"


def test_facts_follow_each_event_without_waiting_for_the_refresh(october):
    cast, _ = october
    assert "metrics" in dossier_event_listeners
    late = Journey(cast).submit(at(12, 9))
    assert not DossierFact.objects.filter(dossier=late.dossier).exists()
    late.receive(at(12, 10))
    facts_on_dossier_event(late.dossier.events.order_by("-pk").first().pk)
    fact = DossierFact.objects.get(dossier=late.dossier)
    assert fact.received_at == at(12, 10)
    assert fact.end_at is None


def test_every_list_a_number_opens_is_named_in_words():
    from metrics.breakdowns import DRILLABLE
    from metrics.views import COUNTER_LABELS

    assert set(DRILLABLE) <= set(COUNTER_LABELS)
    assert all("_" not in str(label) for label in COUNTER_LABELS.values())
