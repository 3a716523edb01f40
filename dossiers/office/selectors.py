"""Reads of the back office: the officer's queues and the dossiers they may open.

Every read is scoped to the requesting staff member through their agency memberships in force
today (`agencies.selectors.staff_memberships`):

* the one-stop side (reception officer, one-stop supervisor) sees dossiers whose **receiving**
  agency is one of theirs (a supervisor also the reception points under their centre);
* the agency side (processing officer, agency head, records clerk) sees dossiers whose
  **competent** agency is one of theirs;
* agencies routed in by `dossiers.hooks.dossier_agency_scopes` (consulted and inter-agency
  participants) open the dossier page, and the consultation queue lists them.

Queue filters are plain equality / IN / range conditions on indexed columns so PostgreSQL can
serve each queue from an index on 1,000,000 rows (see docs/back-office.md, "Indexes").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import User
from dossiers.constants import (
    CLOCK_RUNNING_STATUSES,
    OPEN_STATUSES,
    DossierStatus,
    EventKind,
)
from dossiers.models import Dossier, DossierConsultation, DossierEvent, InteragencyTask

S = DossierStatus
RECEIVING = "receiving"
COMPETENT = "competent"
ONE_STOP_ROLES = frozenset({Role.RECEPTION_OFFICER, Role.ONESTOP_SUPERVISOR})
AGENCY_ROLES = frozenset({Role.PROCESSING_OFFICER, Role.AGENCY_HEAD, Role.RECORDS_CLERK})
OFFICE_ROLES = ONE_STOP_ROLES | AGENCY_ROLES
SUPPLEMENT_STATUSES: tuple[str, ...] = (
    S.INTAKE_SUPPLEMENT,
    S.SUPPLEMENT_REQUESTED,
    S.SUPPLEMENT_SUBMITTED,
)
SORTS = {
    "han": ("due", _("Hạn xử lý sớm nhất")),
    "moi": ("newest", _("Mới nộp trước")),
    "cu": ("oldest", _("Nộp lâu nhất trước")),
}


# --- who the officer is ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeUser:
    """A staff member's agencies by role, as in force today (one query, then reused)."""

    user: User
    agencies_by_role: dict[str, frozenset[int]]

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r for r, ids in self.agencies_by_role.items() if ids)

    def agencies(self, roles: Iterable[str]) -> frozenset[int]:
        out: set[int] = set()
        for role in roles:
            out |= self.agencies_by_role.get(role, frozenset())
        return frozenset(out)

    @property
    def is_office_staff(self) -> bool:
        return bool(self.roles & OFFICE_ROLES)


def office_user(user: User) -> OfficeUser:
    """The memberships of `user` in force today, with a supervisor's centre widened to the
    reception points under it. Anonymous or non-staff users get no agencies."""
    from agencies.models import Agency
    from agencies.selectors import staff_memberships

    if not getattr(user, "is_authenticated", False):
        return OfficeUser(user=user, agencies_by_role={})
    by_role: dict[str, set[int]] = {}
    for role, agency_id in staff_memberships(user).values_list("role", "agency_id"):
        if role in OFFICE_ROLES:
            by_role.setdefault(role, set()).add(agency_id)
    centres = by_role.get(Role.ONESTOP_SUPERVISOR)
    if centres:
        centres |= set(Agency.objects.filter(parent_id__in=centres).values_list("pk", flat=True))
    return OfficeUser(user=user, agencies_by_role={r: frozenset(ids) for r, ids in by_role.items()})


def _side_q(side: str, agency_ids: Iterable[int]) -> Q:
    ids = sorted(agency_ids)
    if side == RECEIVING:
        return Q(receiving_agency_id__in=ids)
    return Q(competent_agency_id__in=ids)


def scope_q(who: OfficeUser) -> Q:
    """Every dossier the officer's agencies hold on either side (no consultations)."""
    condition = Q(pk__in=[])
    one_stop = who.agencies(ONE_STOP_ROLES)
    agency_side = who.agencies(AGENCY_ROLES)
    if one_stop:
        condition |= _side_q(RECEIVING, one_stop)
    if agency_side:
        condition |= _side_q(COMPETENT, agency_side)
    return condition


# --- the queues ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    """One work queue. `roles` decides who sees it; `build(who, roles_agencies)` its filter."""

    slug: str
    label: Promise
    help: Promise
    roles: frozenset[str]
    side: str
    build: Callable[[OfficeUser], Q] = field(repr=False)
    # The column the "due first" sort uses.
    due_field: str = "due_at"


def _status_side(statuses: Iterable[str], roles: Iterable[str], side: str) -> Callable:
    statuses = tuple(statuses)
    roles = frozenset(roles)

    def build(who: OfficeUser) -> Q:
        ids = who.agencies(roles)
        if not ids:
            return Q(pk__in=[])
        return Q(status__in=statuses) & _side_q(side, ids)

    return build


def _per_role(mapping: dict[str, tuple[str, tuple[str, ...]]]) -> Callable:
    """A queue whose statuses depend on the role (head signs, clerk issues)."""

    def build(who: OfficeUser) -> Q:
        condition = Q(pk__in=[])
        for role, (side, statuses) in mapping.items():
            ids = who.agencies([role])
            if ids:
                condition |= Q(status__in=statuses) & _side_q(side, ids)
        return condition

    return build


# What is on the assigned officer's desk (after presentation it is on the head's).
ON_MY_DESK: tuple[str, ...] = (
    S.APPRAISING,
    S.CONSULTING,
    S.INTERAGENCY,
    S.SUPPLEMENT_REQUESTED,
    S.SUPPLEMENT_SUBMITTED,
    S.AWAITING_PAYMENT,
)


def _assigned_to_me(who: OfficeUser) -> Q:
    if not who.agencies([Role.PROCESSING_OFFICER]):
        return Q(pk__in=[])
    return Q(assignee_id=who.user.pk, status__in=ON_MY_DESK)


def _consultations(who: OfficeUser) -> Q:
    """Open consultations asked of my agency, and open inter-agency tasks given to it."""
    ids = sorted(who.agencies([Role.PROCESSING_OFFICER, Role.AGENCY_HEAD]))
    if not ids:
        return Q(pk__in=[])
    # The few dossier ids first: `pk IN (subquery) OR pk IN (subquery)` makes PostgreSQL test
    # every open dossier against both subqueries (docs/benchmarks.md).
    asked = DossierConsultation.objects.filter(consulted_agency_id__in=ids, status="open")
    given = InteragencyTask.objects.filter(agency_id__in=ids, status="open")
    dossier_ids = {
        *asked.values_list("dossier_id", flat=True),
        *given.values_list("dossier_id", flat=True),
    }
    return Q(pk__in=sorted(dossier_ids), status__in=OPEN_STATUSES)


def _due_soon(who: OfficeUser) -> Q:
    now = timezone.now()
    return scope_q(who) & Q(
        status__in=CLOCK_RUNNING_STATUSES, due_at__gt=now, due_at__lte=one_working_day_from(now)
    )


def _overdue(who: OfficeUser) -> Q:
    return scope_q(who) & Q(status__in=CLOCK_RUNNING_STATUSES, due_at__lte=timezone.now())


def _everything(who: OfficeUser) -> Q:
    return scope_q(who) & ~Q(status=S.DRAFT)


def one_working_day_from(moment: dt.datetime) -> dt.datetime:
    from agencies.calendar import add_working_hours

    return add_working_hours(moment, 8)


QUEUES: tuple[Queue, ...] = (
    Queue(
        "tiep-nhan",
        _("Chờ tiếp nhận"),
        _("Hồ sơ mới nộp, cần tiếp nhận hoặc yêu cầu bổ sung trong 8 giờ làm việc."),
        ONE_STOP_ROLES,
        RECEIVING,
        _status_side((S.SUBMITTED,), ONE_STOP_ROLES, RECEIVING),
        due_field="reception_due_at",
    ),
    Queue(
        "chuyen-xu-ly",
        _("Chờ chuyển cơ quan giải quyết"),
        _("Đã tiếp nhận, cần chuyển đến cơ quan có thẩm quyền."),
        frozenset({Role.RECEPTION_OFFICER}),
        RECEIVING,
        _status_side((S.RECEIVED,), [Role.RECEPTION_OFFICER], RECEIVING),
    ),
    Queue(
        "cho-phan-cong",
        _("Chờ phân công"),
        _("Hồ sơ đã đến cơ quan, cần phân công chuyên viên xử lý."),
        frozenset({Role.AGENCY_HEAD}),
        COMPETENT,
        _status_side((S.IN_PROCESS,), [Role.AGENCY_HEAD], COMPETENT),
    ),
    Queue(
        "cua-toi",
        _("Được giao cho tôi"),
        _("Hồ sơ tôi đang thụ lý."),
        frozenset({Role.PROCESSING_OFFICER}),
        COMPETENT,
        _assigned_to_me,
    ),
    Queue(
        "cho-phe-duyet",
        _("Chờ tôi phê duyệt"),
        _("Chuyên viên đã trình, chờ lãnh đạo phê duyệt."),
        frozenset({Role.AGENCY_HEAD}),
        COMPETENT,
        _status_side((S.AWAITING_APPROVAL,), [Role.AGENCY_HEAD], COMPETENT),
    ),
    Queue(
        "cho-ky",
        _("Chờ ký, ban hành"),
        _("Kết quả chờ ký số (lãnh đạo) hoặc vào số, ban hành (văn thư)."),
        frozenset({Role.AGENCY_HEAD, Role.RECORDS_CLERK}),
        COMPETENT,
        _per_role(
            {
                Role.AGENCY_HEAD: (COMPETENT, (S.SIGNING,)),
                Role.RECORDS_CLERK: (COMPETENT, (S.ISSUING,)),
            }
        ),
    ),
    Queue(
        "tra-ket-qua",
        _("Chờ trả kết quả"),
        _("Đã có kết quả, cần trả cho người nộp; kết quả đang đính chính."),
        frozenset({Role.RECEPTION_OFFICER}),
        RECEIVING,
        _status_side((S.DONE, S.CORRECTION), [Role.RECEPTION_OFFICER], RECEIVING),
    ),
    Queue(
        "lay-y-kien",
        _("Xin ý kiến cơ quan tôi"),
        _("Cơ quan khác đề nghị cơ quan tôi cho ý kiến, phối hợp."),
        frozenset({Role.PROCESSING_OFFICER, Role.AGENCY_HEAD}),
        COMPETENT,
        _consultations,
    ),
    Queue(
        "bo-sung",
        _("Đang chờ bổ sung"),
        _("Đã yêu cầu bổ sung; người nộp đã bổ sung thì cần tiếp nhận lại."),
        OFFICE_ROLES - {Role.RECORDS_CLERK},
        RECEIVING,
        _per_role(
            {
                Role.RECEPTION_OFFICER: (RECEIVING, SUPPLEMENT_STATUSES),
                Role.ONESTOP_SUPERVISOR: (RECEIVING, SUPPLEMENT_STATUSES),
                Role.PROCESSING_OFFICER: (COMPETENT, SUPPLEMENT_STATUSES[1:]),
                Role.AGENCY_HEAD: (COMPETENT, SUPPLEMENT_STATUSES[1:]),
            }
        ),
        due_field="supplement_deadline_at",
    ),
    Queue(
        "rut-ho-so",
        _("Yêu cầu rút hồ sơ"),
        _("Người nộp đề nghị dừng giải quyết; xác nhận bằng Mẫu 05."),
        frozenset({Role.RECEPTION_OFFICER, Role.AGENCY_HEAD}),
        RECEIVING,
        _per_role(
            {
                Role.RECEPTION_OFFICER: (RECEIVING, (S.WITHDRAWAL_REQUESTED,)),
                Role.AGENCY_HEAD: (COMPETENT, (S.WITHDRAWAL_REQUESTED,)),
            }
        ),
    ),
    Queue(
        "sap-den-han",
        _("Đến hạn trong 1 ngày làm việc"),
        _("Hồ sơ đang giải quyết, hạn trả trong vòng 1 ngày làm việc."),
        OFFICE_ROLES,
        COMPETENT,
        _due_soon,
    ),
    Queue(
        "qua-han",
        _("Quá hạn"),
        _("Hồ sơ đã quá hẹn trả mà chưa có kết quả."),
        OFFICE_ROLES,
        COMPETENT,
        _overdue,
    ),
    Queue(
        "tat-ca",
        _("Tất cả hồ sơ"),
        _("Mọi hồ sơ của cơ quan tôi."),
        OFFICE_ROLES,
        COMPETENT,
        _everything,
    ),
)
QUEUES_BY_SLUG = {queue.slug: queue for queue in QUEUES}


class UnknownQueue(LookupError):
    pass


def queues_for(who: OfficeUser) -> list[Queue]:
    """The queues this officer has a role for, in display order."""
    return [queue for queue in QUEUES if queue.roles & who.roles]


def default_queue(who: OfficeUser) -> Queue | None:
    queues = queues_for(who)
    return queues[0] if queues else None


# --- search and order ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    q: str = ""
    status: str = ""
    channel: str = ""
    procedure_code: str = ""
    sort: str = "han"


def _search_q(text: str) -> Q:
    """A 12-digit ID number (exact), a dossier code (exact or prefix), or part of the name.

    Each form has an index to use (docs/back-office.md): the ID number an expression index on
    `applicant_data->>'id_number'`, the code a pattern index (codes are upper case), the name a
    trigram index on `applicant_data->>'full_name'`."""
    text = " ".join(text.split())
    if not text:
        return Q()
    if text.isdigit() and len(text) in (9, 12):
        return Q(applicant_data__id_number=text)
    if any(ch.isdigit() for ch in text) and " " not in text:
        return Q(code=text) | Q(code__startswith=text.upper())
    return Q(applicant_data__full_name__icontains=text)


def queue_for(
    user: User | OfficeUser,
    queue: str,
    *,
    q: str = "",
    status: str = "",
    channel: str = "",
    procedure_code: str = "",
    sort: str = "han",
) -> QuerySet[Dossier]:
    """The dossiers of one queue for `user`, scoped to their agencies, filtered and ordered.

    Raises `UnknownQueue` for a slug that does not exist or a queue the user has no role for.
    """
    who = user if isinstance(user, OfficeUser) else office_user(user)
    definition = QUEUES_BY_SLUG.get(queue)
    if definition is None or not (definition.roles & who.roles):
        raise UnknownQueue(queue)
    dossiers = Dossier.objects.filter(definition.build(who))
    if status and status in S.values:
        dossiers = dossiers.filter(status=status)
    if channel:
        dossiers = dossiers.filter(channel=channel)
    if procedure_code:
        dossiers = dossiers.filter(procedure_code=procedure_code)
    if q:
        dossiers = dossiers.filter(_search_q(q))
    return dossiers.select_related("receiving_agency", "competent_agency").order_by(
        *_ordering(definition, sort)
    )


def _ordering(definition: Queue, sort: str) -> list[Any]:
    key = SORTS.get(sort, SORTS["han"])[0]
    if key == "newest":
        return [F("submitted_at").desc(nulls_last=True), "-pk"]
    if key == "oldest":
        return [F("submitted_at").asc(nulls_last=True), "pk"]
    return [F(definition.due_field).asc(nulls_last=True), "pk"]


# A badge shows "1000+" above this: counting every dossier a centre ever had cannot be fast
# with any index, and nobody reads a queue of a thousand from its count.
COUNT_CAP = 1000


def queue_counts(user: User | OfficeUser) -> dict[str, int]:
    """How many dossiers each of the officer's queues holds, counted up to `COUNT_CAP + 1`
    (one capped COUNT per queue; `count > COUNT_CAP` reads "more than COUNT_CAP")."""
    who = user if isinstance(user, OfficeUser) else office_user(user)
    return {
        queue.slug: Dossier.objects.filter(queue.build(who))[: COUNT_CAP + 1].count()
        for queue in queues_for(who)
    }


class CappedPaginator(Paginator):
    """Counts a queue only up to `COUNT_CAP + 1` rows (a whole centre's history is hundreds of
    thousands): past the cap the officer narrows the search instead of paging."""

    @cached_property
    def count(self) -> int:
        return self.object_list[: COUNT_CAP + 1].count()


# --- one dossier ----------------------------------------------------------------------------------


def _routed_agencies(dossier: Dossier, who: OfficeUser) -> bool:
    """Whether a registered scope (consultation, inter-agency) routes the dossier to one of the
    officer's agencies for one of their roles."""
    from dossiers.hooks import dossier_agency_scopes

    for role in who.roles:
        mine = who.agencies([role])
        for _name, scope in dossier_agency_scopes.items():
            if mine & set(scope(dossier, role)):
                return True
    return False


def dossier_get_for_staff(*, user: User | OfficeUser, uuid: Any) -> Dossier:
    """A submitted dossier the officer's agencies hold or are consulted on; otherwise
    `Dossier.DoesNotExist` (a 404: another agency's dossier is not even confirmed to exist)."""
    who = user if isinstance(user, OfficeUser) else office_user(user)
    if not who.is_office_staff:
        raise Dossier.DoesNotExist
    dossier = (
        Dossier.objects.exclude(status=S.DRAFT)
        .select_related("receiving_agency", "competent_agency", "applicant", "organisation")
        .filter(uuid=uuid)
        .first()
    )
    if dossier is None:
        raise Dossier.DoesNotExist
    if Dossier.objects.filter(scope_q(who), pk=dossier.pk).exists():
        return dossier
    if _routed_agencies(dossier, who):
        return dossier
    raise Dossier.DoesNotExist


# --- what the dossier page shows ----------------------------------------------------------------


@dataclass(frozen=True)
class StaffTimelineEntry:
    at: dt.datetime
    kind: str
    title: str
    note: str
    actor: str
    role: str
    agency: str
    internal: bool
    form_code: str


def staff_timeline(*, dossier: Dossier) -> list[StaffTimelineEntry]:
    """The whole history, internal notes included (the officer's page only)."""
    entries: list[StaffTimelineEntry] = []
    event: DossierEvent
    for event in dossier.events.select_related("actor", "agency").order_by("at", "id"):
        if event.kind == EventKind.TRANSITION:
            title = f"{event.get_from_status_display()} → {event.get_to_status_display()}"
        else:
            title = str(event.get_kind_display())
        entries.append(
            StaffTimelineEntry(
                at=event.at,
                kind=event.kind,
                title=title,
                note=event.note or str((event.data or {}).get("text", "")),
                actor=(event.actor.full_name or event.actor.email) if event.actor else "",
                role=str(event.get_role_display()),
                agency=event.agency.name if event.agency else "",
                internal=bool((event.data or {}).get("internal")),
                form_code=event.form_code,
            )
        )
    return entries


@dataclass(frozen=True)
class Deadlines:
    submitted_at: dt.datetime | None
    reception_due_at: dt.datetime | None
    received_at: dt.datetime | None
    due_at_original: dt.datetime | None
    due_at: dt.datetime | None
    extension_count: int
    paused_seconds: int
    clock_paused_at: dt.datetime | None
    supplement_deadline_at: dt.datetime | None
    is_overdue: bool
    working_hours_left: float | None

    @property
    def paused_hours(self) -> float:
        return round(self.paused_seconds / 3600, 1)


def dossier_deadlines(*, dossier: Dossier) -> Deadlines:
    """Original and current due dates, pauses, extensions, and the working time left."""
    now = timezone.now()
    target = dossier.reception_due_at if dossier.status == S.SUBMITTED else dossier.due_at
    return Deadlines(
        submitted_at=dossier.submitted_at,
        reception_due_at=dossier.reception_due_at,
        received_at=dossier.received_at,
        due_at_original=dossier.due_at_original,
        due_at=dossier.due_at,
        extension_count=dossier.extension_count,
        paused_seconds=dossier.paused_seconds,
        clock_paused_at=dossier.clock_paused_at,
        supplement_deadline_at=dossier.supplement_deadline_at,
        is_overdue=dossier.is_overdue,
        working_hours_left=working_hours_left(dossier, target, now=now),
    )


def working_hours_left(
    dossier: Dossier, target: dt.datetime | None, *, now: dt.datetime | None = None
) -> float | None:
    """Working hours from now until `target` (negative when past), on the agency's calendar."""
    from agencies.calendar import as_hours, working_time_between

    if target is None or dossier.is_final:
        return None
    now = now or timezone.now()
    agency = dossier.competent_agency
    if target >= now:
        return float(as_hours(working_time_between(now, target, agency=agency)))
    return -float(as_hours(working_time_between(target, now, agency=agency)))


def form_rows(*, dossier: Dossier) -> list[tuple[str, Any]]:
    """The e-form values with the procedure's labels, in the spec's order."""
    from dossiers.submission import procedure_for

    procedure = procedure_for(dossier)
    labels: list[tuple[str, str]] = []
    if procedure is not None:
        labels = [(s.key, s.label_vi) for s in procedure.form_fields.all()]
    known = {key for key, _label in labels}
    rows = [(label, dossier.form_data.get(key, "")) for key, label in labels]
    rows += [(key, value) for key, value in (dossier.form_data or {}).items() if key not in known]
    return rows


def consultations_for(*, dossier: Dossier) -> list[DossierConsultation]:
    return list(
        DossierConsultation.objects.filter(dossier=dossier)
        .select_related("consulted_agency", "requesting_agency")
        .order_by("created_at", "pk")
    )


def interagency_tasks_for(*, dossier: Dossier) -> list[InteragencyTask]:
    return list(InteragencyTask.objects.filter(dossier=dossier).select_related("agency"))


def dossier_by_code_for_staff(*, user: User | OfficeUser, code: str) -> Dossier:
    """The same scoping as `dossier_get_for_staff`, found by the dossier code."""
    found = Dossier.objects.filter(code=code).exclude(status=S.DRAFT).values_list("uuid", flat=True)
    uuid = found.first()
    if uuid is None:
        raise Dossier.DoesNotExist
    return dossier_get_for_staff(user=user, uuid=uuid)


def processing_officers(*, dossier: Dossier) -> list[User]:
    """Who the head may assign: processing officers of the competent agency, in force today."""
    from agencies.models import StaffMembership

    if dossier.competent_agency_id is None:
        return []
    today = timezone.localdate()
    memberships = (
        StaffMembership.objects.filter(
            agency_id=dossier.competent_agency_id,
            role=Role.PROCESSING_OFFICER,
            user__is_active=True,
            valid_from__lte=today,
        )
        .exclude(valid_to__lt=today)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return list({m.user_id: m.user for m in memberships}.values())
