"""Shared pieces of the helpdesk services: the error, codes, the QĐ 766 clock, the report history
and the messages to officers and reporters."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.calendar import add_working_days
from agencies.models import Agency
from common.exceptions import ApplicationError
from common.links import site_url
from common.ratelimit import rate_limit_hit
from helpdesk import selectors
from helpdesk.constants import (
    ReportAction,
    ReportStatus,
    Stage,
)
from helpdesk.models import (
    CodeCounter,
    FieldReport,
    ReportEvent,
)
from helpdesk.sms import send_sms
from notifications.constants import Event
from notifications.services import notify

logger = logging.getLogger(__name__)


R = ReportStatus


MAX_PHOTOS = 5


# Tây Ninh after the 2025 merger (with Long An), with a margin: a pin outside is a mistake.
PROVINCE_BOUNDS = {
    "lat": (Decimal("10.0"), Decimal("12.0")),
    "lon": (Decimal("105.5"), Decimal("107.0")),
}


class HelpdeskError(ApplicationError):
    """A citizen-voice rule refused the request; the message is translated and shown as is."""


def _next_code(prefix: str, now: dt.datetime) -> str:
    year = timezone.localtime(now).year
    counter, _created = CodeCounter.objects.select_for_update().get_or_create(
        prefix=prefix, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"


def stage_due(stage: Stage, start: dt.datetime) -> dt.datetime:
    """The due moment of a QĐ 766 5.2 stage started at `start`, on the province's calendar."""
    return add_working_days(start, selectors.stage_working_days(stage))


def _record(
    report: FieldReport,
    action: ReportAction,
    *,
    actor: User | None,
    from_status: str = "",
    note: str = "",
    data: dict | None = None,
) -> ReportEvent:
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return ReportEvent.objects.create(
        report=report,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=report.status,
        note=note,
        data=data or {},
    )


def _require_helpdesk(user: User | None) -> None:
    if user is None or not selectors.is_helpdesk_officer(user=user):
        raise HelpdeskError(
            _("Chỉ cán bộ tổng đài 1022 được thực hiện thao tác này."), code="forbidden"
        )


def _locked(report: FieldReport) -> FieldReport:
    return FieldReport.objects.select_for_update().get(pk=report.pk)


def _rate_limit(key: str, limit: int, seconds: int, message: str = "") -> None:
    if rate_limit_hit(key, limit=limit, window=seconds):
        message = message or _(
            "Bạn đã yêu cầu quá nhiều mã xác thực. Vui lòng thử lại sau %(minutes)s phút."
        )
        raise HelpdeskError(message % {"minutes": max(1, seconds // 60)}, code="rate_limited")


def _notify_answer_ready(
    *, by: User, agency: Agency | None, code: str, title: str, url: str
) -> None:
    """Tell the helpdesk officers an agency's answer waits for their review and publication
    (not when a helpdesk officer answered: they publish it themselves)."""

    if selectors.is_helpdesk_officer(user=by):
        return
    officers = list(selectors.helpdesk_officers())
    if officers:
        notify(
            event=Event.HELPDESK_ANSWER_READY,
            recipient=officers,
            context={
                "item_code": code,
                "item_title": title,
                "agency_name": agency.name if agency else "",
                "item_url": url,
            },
            reference=code,
        )


def _notify_assigned(*, agency: Agency, code: str, title: str, url: str) -> None:
    """Queue `helpdesk_assigned` for the agency's staff in the caller's transaction (sent after
    commit, nothing on rollback)."""

    staff = list(selectors.agency_helpdesk_staff(agency=agency))
    if staff:
        notify(
            event=Event.HELPDESK_ASSIGNED,
            recipient=staff,
            context={
                "item_code": code,
                "item_title": title,
                "agency_name": agency.name,
                "item_url": url,
            },
            reference=code,
        )


def _tell_reporter(report: FieldReport, update: str = "", *, answered: bool = False) -> None:
    """Queue the reporter's message in the outbox: to their account when they have one, else by
    SMS to the phone they verified (`notify_phone`). Sent after the caller's commit."""

    url = site_url("helpdesk:track_detail", report.code)
    if answered:
        event = Event.HELPDESK_ANSWERED
        context = {
            "citizen_name": report.reporter_name
            or (report.reporter.get_full_name() if report.reporter else ""),
            "question_code": report.code,
            "question_title": report.shown_title,
            "answer_url": url,
        }
    else:
        event = Event.HELPDESK_REPORT_UPDATE
        context = {"report_code": report.code, "update": update, "tracking_url": url}
    if report.reporter is not None:
        notify(event=event, recipient=report.reporter, context=context, reference=report.code)
    elif report.reporter_phone:
        send_sms(to=report.reporter_phone, event=event, context=context, reference=report.code)
