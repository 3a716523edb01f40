"""The QĐ 766 formulas on hand-computed examples (pure: no database)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from metrics.facts import Facts, contributions, is_on_time
from metrics.indicators import Inputs, compute, group_scores, share, total_score

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, hour: int = 9, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=VN)


def facts(**kwargs) -> Facts:
    values = {
        "dossier_id": 1,
        "agency_id": 1,
        "level": "province",
        "channel_code": 2,
        "procedure_code": "1.000001",
        "time_unit": "working_day",
        "received_at": at(1),
        "due_ref": at(10, 17),
    }
    values.update(kwargs)
    return Facts(**values)


# --- 2.1: on time, and the supplement rules -----------------------------------------------------


def test_finished_before_due_is_on_time_and_after_is_late():
    assert is_on_time(facts(end_at=at(10, 16)), at(31))
    assert is_on_time(facts(end_at=at(10, 17)), at(31))  # "≤ the appointment"
    assert not is_on_time(facts(end_at=at(12)), at(31))


def test_an_open_dossier_is_judged_at_the_period_end():
    open_dossier = facts(end_at=None)
    assert is_on_time(open_dossier, at(10))  # period ends before the due date
    assert not is_on_time(open_dossier, at(11))  # period ends after it
    # An end after the period's end does not count yet: judged at the period end.
    assert is_on_time(facts(end_at=at(20)), at(9))


def test_a_single_open_supplement_ends_the_clock_at_the_request():
    waiting = facts(supp1_start=at(8), supp1_end=None)
    assert is_on_time(waiting, at(31))  # requested on the 8th, before the due 10th
    late_request = facts(supp1_start=at(11), supp1_end=None)
    assert not is_on_time(late_request, at(31))


def test_the_citizens_supplement_time_is_subtracted():
    # Received the 1st, due the 10th 17:00; supplement from the 3rd to the 8th (5 days), done on
    # the 14th at 09:00: 14th − 5 days = 9th → on time. Without the subtraction it would be late.
    supplemented = facts(supp1_start=at(3), supp1_end=at(8), end_at=at(14))
    assert is_on_time(supplemented, at(31))
    assert not is_on_time(facts(end_at=at(14)), at(31))
    # Done the 16th: 16th − 5 days = 11th → late.
    assert not is_on_time(facts(supp1_start=at(3), supp1_end=at(8), end_at=at(16)), at(31))


def test_more_than_one_supplement_request_counts_late():
    twice = facts(supp1_start=at(2), supp1_end=at(3), supp2_at=at(4), end_at=at(5))
    assert not is_on_time(twice, at(31))
    # ... but only once the second request exists at the judging instant.
    assert is_on_time(facts(supp1_start=at(2), supp1_end=at(3), supp2_at=at(20)), at(5))


def test_no_appointment_date_is_never_late():
    assert is_on_time(facts(due_ref=None, end_at=at(30)), at(31))


# --- shares, N/A and the other formulas -----------------------------------------------------------


def test_zero_denominator_is_na_never_zero_or_hundred():
    value = share("2.1", 0, 0)
    assert value.ratio is None
    assert value.is_na
    assert value.display == "N/A"
    values = compute(Inputs(counts={}))
    for code in ("2.1", "2.2", "3.3", "4.1", "4.2", "4.5", "5.4", "plan.online_share"):
        assert values[code].is_na, code
    assert values["1.4"].is_na  # no sync data given
    assert values["3.1"].is_na  # no catalogue given
    assert all(score.points is None for score in group_scores(values))
    assert total_score(group_scores(values)) is None


def test_shares_are_rounded_to_two_decimals_of_a_percent():
    value = share("4.3", 1, 3)
    assert value.percent == Decimal("33.33")
    assert value.display == "33,33%"


def test_hand_computed_index():
    counts = {
        "received": 10,
        "on_time": 8,
        "completed_wd_n": 4,
        "completed_wd_sum": Decimal("10.00"),
        "online": 6,
        "online_e_result": 5,
        "counter": 3,
        "postal": 1,
        "result_expected": 4,
        "e_result": 3,
        "digitised": 7,
        "reused": 2,
        "from_store": 1,
        "vneid": 3,
        "individual": 9,
        "fee_bearing": 4,
        "paid_online": 1,
        "disliked": 1,
        "civil_servant": 2,
        "civil_servant_online": 1,
    }
    values = compute(
        Inputs(
            counts=counts,
            sync=share("1.4", 9, 10),
            catalogue={
                "procedures": 200,
                "online": 150,
                "online_full": 100,
                "fee_bearing": 40,
                "fee_online": 30,
            },
            online_services=(30, 150),
            helpdesk={"total": 8, "closed": 5, "closed_on_time": 4, "unhappy": 2},
        )
    )
    assert values["2.1"].percent == Decimal("80.00")
    assert values["2.2"].amount == Decimal("2.50")
    assert values["3.1"].percent == Decimal("75.00")
    assert values["3.2"].percent == Decimal("20.00")
    # 3.3: 5 ÷ 10 × 0.9 sync rate
    assert values["3.3"].percent == Decimal("45.00")
    assert values["3.3.counter"].percent == Decimal("30.00")
    assert values["3.3.postal"].percent == Decimal("10.00")
    assert values["3.5"].percent == Decimal("75.00")
    assert values["3.6"].percent == Decimal("25.00")
    assert values["4.1"].percent == Decimal("75.00")
    assert values["4.2"].percent == Decimal("70.00")
    assert values["4.3"].percent == Decimal("20.00")
    assert values["4.4"].percent == Decimal("10.00")
    assert values["4.5"].percent == Decimal("33.33")
    assert values["5.2"].percent == Decimal("80.00")
    assert values["5.3"].percent == Decimal("75.00")
    # 5.4: 100% − (20% late + 10% disliked)
    assert values["5.4"].percent == Decimal("70.00")
    assert values["plan.online_share"].percent == Decimal("60.00")
    assert values["plan.online_full"].percent == Decimal("50.00")
    assert values["plan.civil_servant_online"].percent == Decimal("50.00")

    groups = {g.group: g for g in group_scores(values)}
    # Progress: 2.1 only (2.2 is a duration): 0.80 × 20.
    assert groups["2"].points == Decimal("16.00")
    # Online: 3.1 75/80 → 0.9375; 3.2 0.20; 3.3 0.45/0.50 → 0.9; 3.5 75/80 → 0.9375; 3.6 0.25.
    expected = (
        (Decimal("0.9375") + Decimal("0.2") + Decimal("0.9") + Decimal("0.9375") + Decimal("0.25"))
        / 5
        * 22
    )
    assert groups["3"].points == expected.quantize(Decimal("0.01"))
    # Transparency: 1.4 only, 0.9 × 18.
    assert groups["1"].points == Decimal("16.20")
    assert groups["1"].max_points == 18
    assert groups["5"].max_points == 18
    # 5.4 has full points at 90%: 0.70 / 0.90.
    assert values["5.4"].attainment() == Decimal("0.70") / Decimal("0.90")


def test_3_3_without_sync_data_is_the_plain_share_with_a_note():
    values = compute(Inputs(counts={"received": 4, "online_e_result": 1}))
    assert values["3.3"].percent == Decimal("25.00")
    assert values["3.3"].note


def test_online_dossier_without_its_electronic_result_is_not_counted_in_3_3():
    done_on_paper = facts(completed_at=at(5), end_at=at(5), result_positive=True, e_result=False)
    counted = contributions(done_on_paper, at(31))
    assert counted["online"] == 1
    assert counted["online_e_result"] == 0
    assert counted["result_expected"] == 1
    assert counted["e_result"] == 0
    # Before completion it has no electronic result either, so it is not counted (QĐ 766 3.3:
    # online dossiers "which also got an electronic result"; issue #21, item 8).
    assert contributions(done_on_paper, at(4))["online_e_result"] == 0
    with_file = facts(completed_at=at(5), end_at=at(5), result_positive=True, e_result=True)
    assert contributions(with_file, at(4))["online_e_result"] == 0
    assert contributions(with_file, at(31))["online_e_result"] == 1


def test_5_4_never_goes_below_zero():
    values = compute(Inputs(counts={"received": 2, "on_time": 0, "disliked": 2}))
    assert values["5.4"].ratio == Decimal(0)
