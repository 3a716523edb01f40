"""The dossier code: format, per-agency daily sequence, and no gaps or duplicates under
concurrent submissions on PostgreSQL."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.test import override_settings

import pytest
import time_machine

from dossiers.codes import CODE_PATTERN, dossier_code_format, dossier_code_issue, next_sequence
from dossiers.services import dossier_submit
from dossiers.tests.factories import make_cast, make_draft

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_format_is_identifier_date_and_four_digit_sequence():
    code = dossier_code_format(prefix="000.00.12.H56", day=dt.date(2026, 3, 9), sequence=7)
    assert code == "000.00.12.H56-260309-0007"
    assert CODE_PATTERN.match(code)
    # Past 9,999 the number widens rather than wrapping into a duplicate.
    assert (
        dossier_code_format(prefix="X", day=dt.date(2026, 3, 9), sequence=10000) == "X-260309-10000"
    )


@pytest.mark.django_db
def test_sequence_is_per_prefix_and_per_day():
    day, next_day = dt.date(2026, 10, 5), dt.date(2026, 10, 6)
    assert [next_sequence(prefix="A", day=day) for _ in range(3)] == [1, 2, 3]
    assert next_sequence(prefix="B", day=day) == 1
    assert next_sequence(prefix="A", day=next_day) == 1


@pytest.mark.django_db
def test_the_date_is_the_local_date_of_reception():
    cast = make_cast()
    dossier = make_draft(cast)
    # 00:30 on 6/10 in Tây Ninh is still 5/10 in UTC: the code takes the local date.
    late = dt.datetime(2026, 10, 6, 0, 30, tzinfo=VN)
    assert dossier_code_issue(dossier=dossier, at=late) == f"{cast.competent.code}-261006-0001"


@pytest.mark.django_db
def test_inter_agency_codes_use_the_receiving_unit_or_the_national_portal():
    cast = make_cast()
    when = dt.datetime(2026, 10, 5, 9, tzinfo=VN)
    counter = make_draft(cast, is_interagency=True, channel="counter")
    assert dossier_code_issue(dossier=counter, at=when).startswith(f"{cast.receiving.code}-261005-")
    online = make_draft(cast, is_interagency=True, channel="online")
    with override_settings(DOSSIER_CODE_NATIONAL_PORTAL_IDENTIFIER="000.00.00.G22"):
        assert dossier_code_issue(dossier=online, at=when) == "000.00.00.G22-261005-0001"


@transaction.atomic
def _submit_then_fail(draft, user):
    dossier_submit(dossier=draft, by=user)
    raise RuntimeError("the caller failed after the service call")


@pytest.mark.django_db
def test_a_rolled_back_submission_gives_its_number_back():
    cast = make_cast()
    with time_machine.travel(dt.datetime(2026, 10, 5, 9, tzinfo=VN), tick=False):
        with pytest.raises(RuntimeError):
            _submit_then_fail(make_draft(cast), cast.citizen)
        dossier = make_draft(cast)
        dossier_submit(dossier=dossier, by=cast.citizen)
    assert dossier.code == f"{cast.competent.code}-261005-0001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_consecutive_codes():
    cast = make_cast()
    drafts = [make_draft(cast) for _ in range(6)]
    barrier = threading.Barrier(len(drafts))
    codes: list[str] = []
    errors: list[BaseException] = []

    def submit(draft):
        try:
            barrier.wait(timeout=30)
            event = dossier_submit(dossier=draft, by=cast.citizen)
            codes.append(event.data["code"])
        except BaseException as exc:  # reported below; a thread must not swallow it
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=submit, args=(d,)) for d in drafts]
    # time-machine patches the clock process-wide, so every thread submits on 5/10.
    with time_machine.travel(dt.datetime(2026, 10, 5, 9, tzinfo=VN), tick=False):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    prefix = f"{cast.competent.code}-261005-"
    assert sorted(codes) == [f"{prefix}{n:04d}" for n in range(1, len(drafts) + 1)]


@pytest.mark.django_db
def test_an_online_code_is_dated_by_submission_and_refused_dossiers_keep_their_number():
    """ADR 0255 (issue #21, item 8): the provincial system receives an online dossier when it is
    submitted (Art. 17.2.a); accepted the next working day, it keeps its code. A dossier refused
    at intake keeps its number too: Mẫu 03 and the portal's status 3 need the code."""
    from dossiers.constants import Actor, DossierStatus
    from dossiers.services import dossier_transition

    cast = make_cast()
    reception = cast.staff[Actor.RECEPTION_OFFICER]
    first, refused, third = (make_draft(cast) for _ in range(3))
    with time_machine.travel(dt.datetime(2026, 10, 5, 16, 30, tzinfo=VN), tick=False):
        for dossier in (first, refused, third):
            dossier_submit(dossier=dossier, by=cast.citizen)
        dossier_transition(
            dossier=refused,
            to=DossierStatus.REJECTED_AT_INTAKE,
            by=reception,
            role=Actor.RECEPTION_OFFICER,
            note="Không thuộc thẩm quyền giải quyết",
        )
    with time_machine.travel(dt.datetime(2026, 10, 6, 8, tzinfo=VN), tick=False):
        dossier_transition(
            dossier=first, to=DossierStatus.RECEIVED, by=reception, role=Actor.RECEPTION_OFFICER
        )
    for dossier in (first, refused, third):
        dossier.refresh_from_db()
    prefix = cast.competent.code
    assert first.code == f"{prefix}-261005-0001"  # not re-dated by the acceptance on 6/10
    assert refused.code == f"{prefix}-261005-0002"
    assert third.code == f"{prefix}-261005-0003"
