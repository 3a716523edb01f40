"""Online fees go to the state budget within 8 working hours of payment (NĐ 118/2025 Art. 24.3),
with an alert to the collecting agency when they have not (issue #21, item 7)."""

import datetime as dt
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import time_machine

from common.exceptions import ApplicationError
from dossiers.constants import Actor
from notifications.models import Notification
from payments import budget, services
from payments.constants import PaymentEventKind
from payments.tests.helpers import dossier_with_charge, gateway_params

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
IPN = "/thanh-toan/vnpay/ipn/"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=VN)


@pytest.fixture
def paid_friday_15h(client):
    """Paid online on Friday 13/03/2026 at 15:00 (through the IPN, as in production)."""
    cast, dossier, _charge = dossier_with_charge(amount=10_000)
    with time_machine.travel(at(13, 14, 50), tick=False):
        payment, _url = services.payment_start(
            dossier=dossier, by=cast.citizen, client_ip="127.0.0.1"
        )
    with time_machine.travel(at(13, 15), tick=False):
        response = client.get(f"{IPN}?{urlencode(gateway_params(payment))}")
        assert response.json()["RspCode"] == "00"
    payment.refresh_from_db()
    return cast, payment


def alerts_to(user) -> int:
    return Notification.objects.filter(recipient=user, event="staff_overdue").count()


def test_the_8_working_hours_run_over_the_weekend(paid_friday_15h):
    _cast, payment = paid_friday_15h
    # Friday 15:00–17:00 (2 h), Monday 07:00–11:30 (4 h 30), 13:00–14:30 (1 h 30).
    assert budget.payment_budget_due_at(payment=payment) == at(16, 14, 30)


def test_no_alert_before_the_due_moment_then_one_alert_once(paid_friday_15h):
    cast, payment = paid_friday_15h
    supervisor = cast.staff[Actor.ONESTOP_SUPERVISOR]
    assert budget.payments_budget_transfer_alerts(now=at(16, 14, 0)) == 0
    assert budget.payments_budget_transfer_alerts(now=at(16, 14, 31)) == 1
    assert alerts_to(supervisor) >= 1
    sent = alerts_to(supervisor)
    assert budget.payments_budget_transfer_alerts(now=at(16, 16, 0)) == 0
    assert alerts_to(supervisor) == sent
    assert payment.events.filter(kind=PaymentEventKind.BUDGET_LATE).count() == 1


def test_a_transfer_recorded_in_time_means_no_alert(paid_friday_15h):
    cast, payment = paid_friday_15h
    head = cast.staff[Actor.AGENCY_HEAD]
    budget.payment_budget_transfer_record(
        payment=payment, by=head, reference="GNT-2026-0316-01", at=at(16, 9)
    )
    assert budget.payments_budget_transfer_alerts(now=at(17, 9)) == 0
    event = payment.events.get(kind=PaymentEventKind.BUDGET)
    assert event.data == {"reference": "GNT-2026-0316-01", "late": False}


def test_a_late_transfer_is_recorded_as_late_and_only_once(paid_friday_15h):
    cast, payment = paid_friday_15h
    head = cast.staff[Actor.AGENCY_HEAD]
    budget.payment_budget_transfer_record(
        payment=payment, by=head, reference="GNT-01", at=at(17, 9)
    )
    assert payment.events.get(kind=PaymentEventKind.BUDGET).data["late"] is True
    with pytest.raises(ApplicationError):
        budget.payment_budget_transfer_record(payment=payment, by=head, reference="GNT-02")


def test_only_the_agency_s_heads_and_supervisors_record_it(paid_friday_15h):
    cast, payment = paid_friday_15h
    with pytest.raises(ApplicationError):
        budget.payment_budget_transfer_record(
            payment=payment, by=cast.staff[Actor.RECEPTION_OFFICER], reference="GNT-01"
        )
    with pytest.raises(ApplicationError):
        budget.payment_budget_transfer_record(
            payment=payment, by=cast.staff[Actor.AGENCY_HEAD], reference="  "
        )


def test_the_alert_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "payments.tasks.payments_budget_transfer_alerts" in tasks
