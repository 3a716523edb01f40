"""The helpdesk's transition tables, checked exhaustively against a literal matrix.

For every status and every action: the real service succeeds exactly where the matrix says, and
leads to the status it says; elsewhere it refuses with "wrong_status" and changes nothing. The
actions selector (what views and templates show) gives, per status and per kind of user, exactly
the matrix's actions. The matrix is written out here by hand, not derived from the table.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

import pytest

from accounts.tests.factories import CitizenFactory
from helpdesk import selectors, services
from helpdesk.constants import Priority, QuestionStatus, ReportCategory, ReportStatus
from helpdesk.models import FieldReport, Question
from helpdesk.services import HelpdeskError, Photo
from helpdesk.tests.factories import jpeg_with_gps, submit_report
from helpdesk.workflow import QUESTION_TRANSITIONS, REPORT_TRANSITIONS

R = ReportStatus
Q = QuestionStatus
ALL_REPORT = [R.NEW, R.NEEDS_INFO, R.ASSIGNED, R.ANSWERED, R.REFUSED, R.PUBLISHED, R.MERGED]
OPEN = {R.NEW, R.NEEDS_INFO, R.ASSIGNED, R.ANSWERED}
SAME = "same"

# action → {status it may start from: status it leads to}
REPORT_MATRIX: dict[str, dict[str, str]] = {
    "triage": dict.fromkeys(OPEN, SAME),
    "request_info": {R.NEW: R.NEEDS_INFO},
    "supply_info": {R.NEEDS_INFO: R.NEW},
    "refuse": {R.NEW: R.REFUSED, R.NEEDS_INFO: R.REFUSED},
    "assign": dict.fromkeys(OPEN, R.ASSIGNED),
    "answer": {R.ASSIGNED: R.ANSWERED},
    "return_answer": {R.ANSWERED: R.ASSIGNED},
    "publish": {R.ANSWERED: R.PUBLISHED},
    "rate": {R.PUBLISHED: SAME},
    "reopen": {R.PUBLISHED: R.ASSIGNED},  # back to the agency it was assigned to
    "merge": dict.fromkeys(OPEN, R.MERGED),
    "hide_photo": dict.fromkeys(ALL_REPORT, SAME),
}

# status → actions a helpdesk officer / the assigned agency's officer / the reporter may take
REPORT_ACTIONS_BY_ROLE: dict[str, dict[str, set[str]]] = {
    "helpdesk": {
        R.NEW: {"triage", "request_info", "refuse", "assign", "merge", "hide_photo"},
        R.NEEDS_INFO: {"triage", "refuse", "assign", "merge", "hide_photo"},
        # a helpdesk officer may also answer an assigned report themselves
        R.ASSIGNED: {"triage", "assign", "answer", "merge", "hide_photo"},
        R.ANSWERED: {"triage", "assign", "return_answer", "publish", "merge", "hide_photo"},
        R.REFUSED: {"hide_photo"},
        R.PUBLISHED: {"hide_photo"},
        R.MERGED: {"hide_photo"},
    },
    "agency": {s: ({"answer"} if s == R.ASSIGNED else set()) for s in ALL_REPORT},
    "reporter": {
        s: {R.NEEDS_INFO: {"supply_info"}, R.PUBLISHED: {"rate", "reopen"}}.get(s, set())
        for s in ALL_REPORT
    },
    "other_citizen": {s: set() for s in ALL_REPORT},
}


def _report_in(status: str, *, commune, reporter, agency, photos: bool = False) -> FieldReport:
    report = submit_report(
        commune=commune,
        reporter=reporter,
        photos=[Photo("hien-truong.jpg", jpeg_with_gps())] if photos else [],
    )
    now = timezone.now()
    survivor = (
        submit_report(commune=commune, reporter=CitizenFactory()) if status == R.MERGED else None
    )
    FieldReport.objects.filter(pk=report.pk).update(
        status=status,
        merged_into=survivor,
        assigned_agency=None if status in (R.NEW, R.NEEDS_INFO) else agency,
        answer="Đã sửa xong." if status in (R.ANSWERED, R.PUBLISHED) else "",
        published_at=now - timedelta(hours=1) if status == R.PUBLISHED else None,
    )
    report.refresh_from_db()
    return report


@pytest.fixture
def actors(commune, officer, agency, agency_staff, reporter):
    return {"officer": officer, "agency_staff": agency_staff, "reporter": reporter}


def _take_report_action(action: str, report: FieldReport, who: dict[str, Any], into) -> None:
    officer, staff, reporter = who["officer"], who["agency_staff"], who["reporter"]
    calls: dict[str, Callable[[], Any]] = {
        "triage": lambda: services.report_triage(
            report=report, by=officer, category=ReportCategory.ROADS, priority=Priority.HIGH
        ),
        "request_info": lambda: services.report_request_info(
            report=report, by=officer, note="Xin ảnh rõ hơn."
        ),
        "supply_info": lambda: services.report_supply_info(
            report=report, text="Ảnh đã gửi kèm.", by=reporter
        ),
        "refuse": lambda: services.report_refuse(report=report, by=officer, reason="Trùng."),
        "assign": lambda: services.report_assign(report=report, by=officer, agency=who["agency"]),
        "answer": lambda: services.report_answer(report=report, by=staff, answer="Đã sửa."),
        "return_answer": lambda: services.report_return_answer(
            report=report, by=officer, note="Chưa rõ."
        ),
        "publish": lambda: services.report_publish(
            report=report,
            by=officer,
            public_title="Đèn đường",
            public_description="Đèn hỏng",
            answer="Đã sửa.",
        ),
        "rate": lambda: services.report_rate(report=report, rating=4, by=reporter),
        "reopen": lambda: services.report_rate(
            report=report, rating=1, reopen=True, comment="Vẫn hỏng.", by=reporter
        ),
        "merge": lambda: services.report_merge(duplicate=report, into=into, by=officer),
        "hide_photo": lambda: services.report_photo_hide(photo=report.photos.get(), by=officer),
    }
    calls[action]()


def test_the_matrix_covers_every_action_of_the_table():
    assert set(REPORT_MATRIX) == {t.action for t in REPORT_TRANSITIONS}
    assert set(QUESTION_MATRIX) == {t.action for t in QUESTION_TRANSITIONS}


@pytest.mark.parametrize("action", sorted(REPORT_MATRIX))
@pytest.mark.parametrize("status", ALL_REPORT)
def test_report_service_follows_the_matrix(
    action, status, actors, commune, agency, reporter, no_virus_scan
):
    report = _report_in(
        status, commune=commune, reporter=reporter, agency=agency, photos=action == "hide_photo"
    )
    into = _report_in(R.NEW, commune=commune, reporter=CitizenFactory(), agency=agency)
    events_before = report.events.count()
    expected = REPORT_MATRIX[action].get(status)
    if expected is None:
        with pytest.raises(HelpdeskError) as refused:
            _take_report_action(action, report, {**actors, "agency": agency}, into)
        assert refused.value.code == "wrong_status"
        report.refresh_from_db()
        assert report.status == status
        assert report.events.count() == events_before
    else:
        _take_report_action(action, report, {**actors, "agency": agency}, into)
        report.refresh_from_db()
        assert report.status == (status if expected == SAME else expected)
        assert report.events.count() > events_before  # every action leaves a history row


@pytest.mark.parametrize("status", ALL_REPORT)
def test_report_actions_selector_follows_the_matrix(status, actors, commune, agency, reporter):
    report = _report_in(status, commune=commune, reporter=reporter, agency=agency)
    seen = {
        "helpdesk": selectors.report_actions(report=report, user=actors["officer"]),
        "agency": selectors.report_actions(report=report, user=actors["agency_staff"]),
        "reporter": selectors.report_actions(report=report, user=reporter, is_reporter=True),
        "other_citizen": selectors.report_actions(report=report, user=CitizenFactory()),
    }
    assert seen == {role: REPORT_ACTIONS_BY_ROLE[role][status] for role in seen}


def test_one_rating_per_publication(actors, commune, agency, reporter):
    report = _report_in(R.PUBLISHED, commune=commune, reporter=reporter, agency=agency)
    services.report_rate(report=report, rating=5, by=reporter)
    report.refresh_from_db()
    assert selectors.report_actions(report=report, user=reporter, is_reporter=True) == set()
    with pytest.raises(HelpdeskError) as refused:
        services.report_rate(report=report, rating=4, by=reporter)
    assert refused.value.code == "already_rated"


def test_reopening_an_unassigned_report_goes_back_to_intake(actors, commune, agency, reporter):
    report = _report_in(R.PUBLISHED, commune=commune, reporter=reporter, agency=agency)
    FieldReport.objects.filter(pk=report.pk).update(assigned_agency=None)
    report.refresh_from_db()
    services.report_rate(report=report, rating=1, reopen=True, by=reporter)
    report.refresh_from_db()
    assert report.status == R.NEW


# --- questions ------------------------------------------------------------------------------------

ALL_QUESTION = [Q.NEW, Q.ASSIGNED, Q.ANSWERED, Q.PUBLISHED, Q.REFUSED]
QUESTION_MATRIX: dict[str, dict[str, str]] = {
    "assign": {Q.NEW: Q.ASSIGNED, Q.ASSIGNED: Q.ASSIGNED, Q.ANSWERED: Q.ASSIGNED},
    "answer": {Q.NEW: Q.ANSWERED, Q.ASSIGNED: Q.ANSWERED},
    "publish": {Q.ANSWERED: Q.PUBLISHED},
    "refuse": {Q.NEW: Q.REFUSED, Q.ASSIGNED: Q.REFUSED},
}
QUESTION_ACTIONS_BY_ROLE: dict[str, dict[str, set[str]]] = {
    "helpdesk": {
        Q.NEW: {"assign", "answer", "refuse"},
        Q.ASSIGNED: {"assign", "answer", "refuse"},
        Q.ANSWERED: {"assign", "publish"},
        Q.PUBLISHED: set(),
        Q.REFUSED: set(),
    },
    "agency": {s: ({"answer"} if s == Q.ASSIGNED else set()) for s in ALL_QUESTION},
    "asker": {s: set() for s in ALL_QUESTION},
}


def _question_in(status: str, *, agency) -> Question:
    question = services.question_ask(
        asker=CitizenFactory(), title="Hồ sơ khai sinh", body="Cần mang theo giấy tờ gì?"
    )
    Question.objects.filter(pk=question.pk).update(
        status=status,
        assigned_agency=None if status == Q.NEW else agency,
        answer="Mang CCCD." if status in (Q.ANSWERED, Q.PUBLISHED) else "",
    )
    question.refresh_from_db()
    return question


@pytest.mark.parametrize("action", sorted(QUESTION_MATRIX))
@pytest.mark.parametrize("status", ALL_QUESTION)
def test_question_service_follows_the_matrix(action, status, officer, agency):
    question = _question_in(status, agency=agency)
    calls = {
        "assign": lambda: services.question_assign(question=question, by=officer, agency=agency),
        "answer": lambda: services.question_answer(question=question, by=officer, answer="Có."),
        "publish": lambda: services.question_publish(question=question, by=officer, answer="Có."),
        "refuse": lambda: services.question_refuse(question=question, by=officer, reason="Sai."),
    }
    expected = QUESTION_MATRIX[action].get(status)
    if expected is None:
        with pytest.raises(HelpdeskError) as refused:
            calls[action]()
        assert refused.value.code == "wrong_status"
        question.refresh_from_db()
        assert question.status == status
    else:
        calls[action]()
        question.refresh_from_db()
        assert question.status == expected


@pytest.mark.parametrize("status", ALL_QUESTION)
def test_question_actions_selector_follows_the_matrix(status, officer, agency, agency_staff):
    question = _question_in(status, agency=agency)
    seen = {
        "helpdesk": selectors.question_actions(question=question, user=officer),
        "agency": selectors.question_actions(question=question, user=agency_staff),
        "asker": selectors.question_actions(question=question, user=question.asker),
    }
    assert seen == {role: QUESTION_ACTIONS_BY_ROLE[role][status] for role in seen}
