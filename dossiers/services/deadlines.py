"""Deadline alerts and the supplement expiry (NĐ 118/2025 Art. 17.2, 19.4, 19.5, 19.6, 23.1).

Called by the periodic tasks in `dossiers.tasks`. Each alert is sent once: a `DossierAlert` row
(unique per dossier, kind, due moment and reference) is inserted in the same transaction as the
`notify` call that writes the messages to the outbox; a second sweep — or two sweeps at once —
hits the unique constraint and sends nothing. An extension moves the due date, so the new date
gets its own alerts.

Who hears what:
* a new online dossier: the receiving agency's reception officers, within 2 hours (Art. 17.2);
* the 8-working-hour reception window nearly over / over: reception officers, then also the
  one-stop supervisors;
* due within one working day, and overdue: the assigned officer and the competent agency's
  heads; overdue is escalated to the receiving one-stop unit's supervisors;
* a consulted agency past its deadline: the one-stop supervisors and the asking officer
  (Art. 19.4);
* a correction not back within 3 working days: the agency heads and the supervisors (Art. 23.1);
* a supplement request unanswered for 15 days: the system stops the dossier (Mẫu 05, Art. 19.5).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, OuterRef, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.calendar import add_working_hours
from agencies.selectors import working_calendar
from dossiers.constants import (
    DUE_SOON_WORKING_HOURS,
    IN_PROCESS_STATUSES,
    INTERLEVEL_PAPER_WORKING_DAYS,
    ONLINE_CHANNELS,
    PAPER_CHANNELS,
    RECEPTION_DUE_SOON_WORKING_HOURS,
    SUPPLEMENT_REPLY_DAYS,
    TRANSFER_CUTOFF,
    TRANSFER_NEXT_MORNING_WORKING_HOURS,
    Actor,
    AlertKind,
    ConsultationStatus,
    DossierStatus,
)
from dossiers.models import Dossier, DossierAlert, DossierConsultation
from dossiers.services.notices import notify_staff, staff_in
from dossiers.services.transition import dossier_transition
from dossiers.workflow import TransitionNotAllowed
from notifications.constants import Event
from notifications.models import Notification

logger = logging.getLogger(__name__)

S = DossierStatus
A = Actor
K = AlertKind

# The processing clock runs in these (paused states and finished ones are left alone).
RUNNING_STATUSES = (S.RECEIVED, *IN_PROCESS_STATUSES)
# One sweep handles at most this many dossiers per rule; the next sweep takes the rest.
BATCH = 500


@dataclass
class SweepReport:
    sent: dict[str, int] = field(default_factory=dict)
    stopped: int = 0

    def add(self, kind: str) -> None:
        self.sent[kind] = self.sent.get(kind, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.sent.values()) + self.stopped


def _fmt(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def send_alert_once(
    *,
    dossier: Dossier,
    kind: str,
    due_instant: dt.datetime,
    send: Callable[[Dossier], int],
    ref: str = "",
) -> bool:
    """Insert the alert row and run `send` (which writes the notifications and returns how many
    people it addressed) in one transaction; False when this alert was already sent."""
    try:
        with transaction.atomic():
            alert = DossierAlert.objects.create(
                dossier=dossier, kind=kind, due_instant=due_instant, ref=ref
            )
            count = send(dossier)
            if count:
                DossierAlert.objects.filter(pk=alert.pk).update(recipients=count)
    except IntegrityError:
        already = DossierAlert.objects.filter(
            dossier=dossier, kind=kind, due_instant=due_instant, ref=ref
        ).exists()
        if already:
            return False
        raise
    return True


def _not_alerted(query: QuerySet[Dossier], kind: str, instant: str) -> QuerySet[Dossier]:
    sent = DossierAlert.objects.filter(
        dossier=OuterRef("pk"), kind=kind, due_instant=OuterRef(instant), ref=""
    )
    return query.filter(~Exists(sent))


def _to_staff(
    users: Iterable[User], queue_name: str, event: str, **extra
) -> Callable[[Dossier], int]:
    def send(dossier: Dossier) -> int:
        recipients = list({u.pk: u for u in users if u is not None}.values())
        notify_staff(dossier=dossier, users=recipients, queue_name=queue_name, event=event, **extra)
        return len(recipients)

    return send


def _reception(dossier: Dossier) -> list[User]:
    return list(staff_in([dossier.receiving_agency_id], [A.RECEPTION_OFFICER]))


def _supervisors(dossier: Dossier) -> list[User]:
    return list(staff_in([dossier.receiving_agency_id], [A.ONESTOP_SUPERVISOR]))


def _assignee_and_heads(dossier: Dossier) -> list[User]:
    heads = list(staff_in([dossier.competent_agency_id], [A.AGENCY_HEAD]))
    return ([dossier.assignee] if dossier.assignee is not None else []) + heads


def _deadline(value: dt.datetime | None) -> dt.datetime:
    """A deadline of a dossier the sweep's query selected by it (`__isnull=False`, or a
    comparison, which never matches NULL)."""
    if value is None:
        raise ValueError("the sweep selected a dossier without this deadline")
    return value


def _agency_name(agency) -> str:
    return agency.name if agency is not None else ""


# --- reception ---------------------------------------------------------------------------------


def alert_new_online_dossier(dossier: Dossier) -> bool:
    """Tell the reception officers of a new online dossier (once); the submission flow may call
    this directly, the sweep catches any it missed within the 2 hours of Art. 17.2."""
    notice = _to_staff(
        _reception(dossier),
        _("Tiếp nhận — %(agency)s") % {"agency": _agency_name(dossier.receiving_agency)},
        Event.STAFF_NEW_IN_QUEUE,
    )

    def send(target: Dossier) -> int:
        # The submission flow usually told reception already: record the alert, send nothing.
        told = Notification.objects.filter(
            reference=target.code or "",
            event=Event.STAFF_NEW_IN_QUEUE,
            created_at__gte=target.submitted_at,
        ).exists()
        return 0 if told else notice(target)

    return send_alert_once(
        dossier=dossier, kind=K.NEW_ONLINE, due_instant=_deadline(dossier.submitted_at), send=send
    )


def alert_new_online(now: dt.datetime | None = None) -> int:
    query = Dossier.objects.filter(
        status=S.SUBMITTED, channel__in=ONLINE_CHANNELS, submitted_at__isnull=False
    ).select_related("receiving_agency")
    sent = 0
    for dossier in _not_alerted(query, K.NEW_ONLINE, "submitted_at").order_by("submitted_at")[
        :BATCH
    ]:
        sent += alert_new_online_dossier(dossier)
    return sent


def alert_reception_window(now: dt.datetime) -> SweepReport:
    """The 8-working-hour window to accept or ask for corrections (Art. 17.2.c)."""
    report = SweepReport()
    waiting = Dossier.objects.filter(
        status=S.SUBMITTED, reception_due_at__isnull=False
    ).select_related("receiving_agency")
    for dossier in _not_alerted(
        waiting.filter(reception_due_at__lt=now), K.RECEPTION_OVERDUE, "reception_due_at"
    ).order_by("reception_due_at")[:BATCH]:
        queue = _("Quá hạn tiếp nhận — %(agency)s") % {
            "agency": _agency_name(dossier.receiving_agency)
        }
        if send_alert_once(
            dossier=dossier,
            kind=K.RECEPTION_OVERDUE,
            due_instant=_deadline(dossier.reception_due_at),
            send=_to_staff(
                _reception(dossier) + _supervisors(dossier),
                queue,
                Event.STAFF_OVERDUE,
                due_date=_fmt(_deadline(dossier.reception_due_at)),
            ),
        ):
            report.add(K.RECEPTION_OVERDUE)
    soon = add_working_hours(now, RECEPTION_DUE_SOON_WORKING_HOURS)
    for dossier in _not_alerted(
        waiting.filter(reception_due_at__gte=now, reception_due_at__lte=soon),
        K.RECEPTION_DUE_SOON,
        "reception_due_at",
    ).order_by("reception_due_at")[:BATCH]:
        queue = _("Sắp hết hạn tiếp nhận — %(agency)s") % {
            "agency": _agency_name(dossier.receiving_agency)
        }
        if send_alert_once(
            dossier=dossier,
            kind=K.RECEPTION_DUE_SOON,
            due_instant=_deadline(dossier.reception_due_at),
            send=_to_staff(
                _reception(dossier),
                queue,
                Event.STAFF_DUE_SOON,
                due_date=_fmt(_deadline(dossier.reception_due_at)),
            ),
        ):
            report.add(K.RECEPTION_DUE_SOON)
    return report


# --- processing time ---------------------------------------------------------------------------


def alert_processing(now: dt.datetime) -> SweepReport:
    """Due within one working day; overdue (escalated to the one-stop supervisors)."""
    report = SweepReport()
    running = Dossier.objects.filter(
        status__in=RUNNING_STATUSES, due_at__isnull=False, completed_at__isnull=True
    ).select_related("competent_agency", "receiving_agency", "assignee")

    overdue = running.filter(due_at__lt=now).order_by("due_at")
    for dossier in _not_alerted(overdue, K.OVERDUE, "due_at")[:BATCH]:
        if send_alert_once(
            dossier=dossier,
            kind=K.OVERDUE,
            due_instant=_deadline(dossier.due_at),
            send=_to_staff(
                _assignee_and_heads(dossier),
                _("Quá hạn — %(agency)s") % {"agency": _agency_name(dossier.competent_agency)},
                Event.STAFF_OVERDUE,
                due_date=_fmt(_deadline(dossier.due_at)),
            ),
        ):
            report.add(K.OVERDUE)
    for dossier in _not_alerted(overdue, K.ESCALATION, "due_at")[:BATCH]:
        reason = _("Hồ sơ quá hạn giải quyết từ %(due)s tại %(agency)s.") % {
            "due": _fmt(_deadline(dossier.due_at)),
            "agency": _agency_name(dossier.competent_agency),
        }
        if send_alert_once(
            dossier=dossier,
            kind=K.ESCALATION,
            due_instant=_deadline(dossier.due_at),
            send=_to_staff(
                _supervisors(dossier),
                _("Giám sát một cửa — %(agency)s")
                % {"agency": _agency_name(dossier.receiving_agency)},
                Event.STAFF_ESCALATION,
                reason=reason,
            ),
        ):
            report.add(K.ESCALATION)

    soon = add_working_hours(now, DUE_SOON_WORKING_HOURS)
    due_soon = running.filter(due_at__gte=now, due_at__lte=soon).order_by("due_at")
    for dossier in _not_alerted(due_soon, K.DUE_SOON, "due_at")[:BATCH]:
        if send_alert_once(
            dossier=dossier,
            kind=K.DUE_SOON,
            due_instant=_deadline(dossier.due_at),
            send=_to_staff(
                _assignee_and_heads(dossier),
                _("Sắp đến hạn — %(agency)s") % {"agency": _agency_name(dossier.competent_agency)},
                Event.STAFF_DUE_SOON,
                due_date=_fmt(_deadline(dossier.due_at)),
            ),
        ):
            report.add(K.DUE_SOON)

    corrections = Dossier.objects.filter(
        status=S.CORRECTION, correction_due_at__lt=now
    ).select_related("competent_agency", "receiving_agency")
    for dossier in _not_alerted(corrections, K.CORRECTION_OVERDUE, "correction_due_at")[:BATCH]:
        reason = _("Chưa trả kết quả đính chính trong 03 ngày làm việc (hạn %(due)s).") % {
            "due": _fmt(_deadline(dossier.correction_due_at))
        }
        if send_alert_once(
            dossier=dossier,
            kind=K.CORRECTION_OVERDUE,
            due_instant=_deadline(dossier.correction_due_at),
            send=_to_staff(
                _assignee_and_heads(dossier) + _supervisors(dossier),
                _("Đính chính quá hạn"),
                Event.STAFF_ESCALATION,
                reason=reason,
            ),
        ):
            report.add(K.CORRECTION_OVERDUE)
    return report


def alert_consultations(now: dt.datetime) -> int:
    """A consulted agency that missed its deadline: the one-stop unit's head is told (19.4)."""
    late = (
        DossierConsultation.objects.filter(status=ConsultationStatus.OPEN, due_at__lt=now)
        .exclude(
            Exists(
                DossierAlert.objects.filter(
                    dossier=OuterRef("dossier"),
                    kind=K.CONSULTATION_OVERDUE,
                    ref=Cast(OuterRef("uuid"), CharField()),
                )
            )
        )
        .select_related("dossier", "dossier__receiving_agency", "consulted_agency", "requested_by")
        .order_by("due_at")[:BATCH]
    )
    sent = 0
    for consultation in late:
        dossier = consultation.dossier
        reason = _("%(agency)s chưa trả lời ý kiến, hạn %(due)s.") % {
            "agency": consultation.consulted_agency.name,
            "due": _fmt(consultation.due_at),
        }
        sent += send_alert_once(
            dossier=dossier,
            kind=K.CONSULTATION_OVERDUE,
            due_instant=consultation.due_at,
            ref=str(consultation.uuid),
            send=_to_staff(
                [*_supervisors(dossier), consultation.requested_by],
                _("Lấy ý kiến quá hạn"),
                Event.STAFF_ESCALATION,
                reason=reason,
            ),
        )
    return sent


# --- supplement expiry (Art. 19.5) ---------------------------------------------------------------


def supplements_expire(now: dt.datetime) -> int:
    """Stop the dossiers whose supplement request went unanswered for 15 days (Mẫu 05, by the
    system). A dossier answered or stopped meanwhile is skipped (the transition refuses)."""
    note = _(
        "Quá %(days)s ngày kể từ ngày yêu cầu bổ sung, người nộp không bổ sung hồ sơ "
        "(Điều 19.5 Nghị định 118/2025/NĐ-CP). Hệ thống dừng giải quyết hồ sơ."
    ) % {"days": SUPPLEMENT_REPLY_DAYS}
    ids = list(
        Dossier.objects.filter(
            status=S.SUPPLEMENT_REQUESTED, supplement_deadline_at__lt=now
        ).values_list("pk", flat=True)[:BATCH]
    )
    stopped = 0
    for pk in ids:
        dossier = Dossier.objects.get(pk=pk)
        try:
            dossier_transition(dossier=dossier, to=S.STOPPED, by=None, role=A.SYSTEM, note=note)
        except TransitionNotAllowed as refused:
            logger.info("supplement expiry skipped %s: %s", dossier.code, refused)
            continue
        stopped += 1
    return stopped


# --- transfer of paper dossiers (Art. 18.2, 20.1.a) --------------------------------------------


def paper_transfer_due_at(
    *, received_at: dt.datetime, calendar: Any, interlevel: bool
) -> dt.datetime:
    """When a paper dossier must have left the one-stop unit for the competent agency.

    Art. 18.2: the same working day; received after 15:00, at the start of the next working day
    (its first working hour, [I]). Art. 20.1.a: to an agency of another level, within 1 working
    day. A reception on a day off counts from the next working day."""
    if interlevel:
        return calendar.add_working_days(received_at, INTERLEVEL_PAPER_WORKING_DAYS)
    local = timezone.localtime(received_at, calendar.tz)
    if calendar.is_working_day(local.date()) and local.time() > TRANSFER_CUTOFF:
        return calendar.add_working_hours(
            calendar.end_of_working_day(local.date()), TRANSFER_NEXT_MORNING_WORKING_HOURS
        )
    return calendar.add_working_days(received_at, 0)


def alert_paper_transfers(now: dt.datetime) -> int:
    """Paper dossiers still at the one-stop unit past their transfer deadline: the reception
    officers and supervisors of the receiving unit are told, once per dossier and deadline."""
    waiting = (
        Dossier.objects.filter(
            status=S.RECEIVED, channel__in=PAPER_CHANNELS, received_at__isnull=False
        )
        .select_related("receiving_agency", "competent_agency")
        .order_by("received_at")
    )
    sent = 0
    for dossier in waiting[:BATCH]:
        if dossier.received_at is None:  # excluded by the query; for the type checker
            continue
        receiving, competent = dossier.receiving_agency, dossier.competent_agency
        interlevel = bool(receiving and competent and receiving.level != competent.level)
        due = paper_transfer_due_at(
            received_at=dossier.received_at,
            calendar=working_calendar(agency=receiving),
            interlevel=interlevel,
        )
        if due >= now:
            continue
        article = "20.1.a" if interlevel else "18.2"
        if send_alert_once(
            dossier=dossier,
            kind=K.TRANSFER_OVERDUE,
            due_instant=due,
            send=_to_staff(
                _reception(dossier) + _supervisors(dossier),
                _("Chuyển hồ sơ giấy đến cơ quan giải quyết (Điều %(article)s) — %(agency)s")
                % {"article": article, "agency": _agency_name(competent)},
                Event.STAFF_OVERDUE,
                due_date=_fmt(due),
            ),
        ):
            sent += 1
    return sent


# --- one sweep -----------------------------------------------------------------------------------


def deadlines_sweep(now: dt.datetime | None = None) -> SweepReport:
    """Everything above, once; safe to run as often as wanted and from two workers at once."""
    now = now or timezone.now()
    report = SweepReport()
    for _i in range(alert_new_online(now)):
        report.add(K.NEW_ONLINE)
    for part in (alert_reception_window(now), alert_processing(now)):
        for kind, count in part.sent.items():
            report.sent[kind] = report.sent.get(kind, 0) + count
    for _i in range(alert_consultations(now)):
        report.add(K.CONSULTATION_OVERDUE)
    for _i in range(alert_paper_transfers(now)):
        report.add(K.TRANSFER_OVERDUE)
    report.stopped = supplements_expire(now)
    return report
