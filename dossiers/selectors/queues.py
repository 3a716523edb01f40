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
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, Q, QuerySet, TextField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import User
from agencies.calendar import add_working_hours
from agencies.models import Agency
from agencies.selectors import memberships_in_force
from common.search import Folded
from common.text import fold
from dossiers.constants import (
    CLOCK_RUNNING_STATUSES,
    OPEN_STATUSES,
    SUPPLEMENT_QUEUE_STATUSES,
    DossierStatus,
)
from dossiers.models import (
    Dossier,
    DossierConsultation,
    InteragencyTask,
)

S = DossierStatus
RECEIVING = "receiving"
COMPETENT = "competent"
ONE_STOP_ROLES = frozenset({Role.RECEPTION_OFFICER, Role.ONESTOP_SUPERVISOR})
AGENCY_ROLES = frozenset({Role.PROCESSING_OFFICER, Role.AGENCY_HEAD, Role.RECORDS_CLERK})
OFFICE_ROLES = ONE_STOP_ROLES | AGENCY_ROLES
SUPPLEMENT_STATUSES = SUPPLEMENT_QUEUE_STATUSES
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
    if not getattr(user, "is_authenticated", False):
        return OfficeUser(user=user, agencies_by_role={})
    by_role: dict[str, set[int]] = {}
    for membership in memberships_in_force(user):
        if membership.role in OFFICE_ROLES:
            by_role.setdefault(membership.role, set()).add(membership.agency_id)
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
    # True when the queue's statuses exclude AWAITING_RECEPTION, so `next_due_at` is `due_at`
    # for every row it holds: "due first" then sorts by `due_at`, which the queue's own
    # `(agency, status…, due_at)` indexes serve (ADR 0333).
    received_only: bool = False


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
    # Both lists in one round trip (UNION): on a busy server each round trip costs as much as
    # the badge statement itself (ADR 0330).
    # No ORDER BY in a UNION's parts (the models' default ordering): SQLite refuses it.
    asked = DossierConsultation.objects.filter(
        consulted_agency_id__in=ids, status="open"
    ).order_by()
    given = InteragencyTask.objects.filter(agency_id__in=ids, status="open").order_by()
    dossier_ids = set(
        asked.values_list("dossier_id", flat=True).union(given.values_list("dossier_id", flat=True))
    )
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
        received_only=True,
    ),
    Queue(
        "cho-phan-cong",
        _("Chờ phân công"),
        _("Hồ sơ đã đến cơ quan, cần phân công chuyên viên xử lý."),
        frozenset({Role.AGENCY_HEAD}),
        COMPETENT,
        _status_side((S.IN_PROCESS,), [Role.AGENCY_HEAD], COMPETENT),
        received_only=True,
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
        received_only=True,
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
        received_only=True,
    ),
    Queue(
        "tra-ket-qua",
        _("Chờ trả kết quả"),
        _("Đã có kết quả, cần trả cho người nộp; kết quả đang đính chính."),
        frozenset({Role.RECEPTION_OFFICER}),
        RECEIVING,
        _status_side((S.DONE, S.CORRECTION), [Role.RECEPTION_OFFICER], RECEIVING),
        received_only=True,
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
        received_only=True,
    ),
    Queue(
        "sap-den-han",
        _("Đến hạn trong 1 ngày làm việc"),
        _("Hồ sơ đang giải quyết, hạn trả trong vòng 1 ngày làm việc."),
        OFFICE_ROLES,
        COMPETENT,
        _due_soon,
        received_only=True,
    ),
    Queue(
        "qua-han",
        _("Quá hạn"),
        _("Hồ sơ đã quá hẹn trả mà chưa có kết quả."),
        OFFICE_ROLES,
        COMPETENT,
        _overdue,
        received_only=True,
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


def _phone_variants(digits: str) -> list[str]:
    """ "0912345678" as it may be stored: national, +84 or 84 (the applicant's snapshot keeps what
    was typed)."""
    national = "0" + digits[2:] if digits.startswith("84") else digits
    return [national, "+84" + national[1:], "84" + national[1:]]


PHONE = re.compile(r"^(?:\+?84|0)\d{9}$")


def _search_q(text: str) -> Q:
    """A 12-digit ID number (exact), a phone number, a dossier code (whole, its beginning or its
    tail: "261207-0004"), or part of the applicant's name with or without accents ("vo thi en"
    finds "Võ Thị Én").

    The ID number and the code's beginning use indexes (docs/back-office.md); the tail, the
    phone and the folded name are read within the queue's scope (ADR 0277)."""
    text = " ".join(text.split())
    if not text:
        return Q()
    compact = re.sub(r"[\s.]", "", text)
    if compact.isdigit() and len(compact) in (9, 12):
        return Q(applicant_data__id_number=compact)
    if PHONE.match(compact):
        # `applicant_phone_compact` (aliased by `queue_for`): the phone without spaces or dots.
        return Q(applicant_phone_compact__in=_phone_variants(compact.lstrip("+")))
    if any(ch.isdigit() for ch in text) and " " not in text:
        code = text.upper()
        return Q(code=text) | Q(code__startswith=code) | Q(code__endswith=code)
    # `applicant_name_folded` is aliased by `queue_for` (`Folded`, the SQL twin of `fold`).
    return Q(applicant_data__full_name__icontains=text) | Q(
        applicant_name_folded__contains=fold(text)
    )


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
        phone = KT("applicant_data__phone")
        dossiers = dossiers.alias(
            applicant_name_folded=Folded(KT("applicant_data__full_name")),
            applicant_phone_compact=Replace(
                Replace(phone, Value(" "), Value("")),
                Value("."),
                Value(""),
                output_field=TextField(),
            ),
        ).filter(_search_q(q))
    # The applicant too: the list prints their name when the form data has none (no N+1).
    return dossiers.select_related("receiving_agency", "competent_agency", "applicant").order_by(
        *_ordering(definition, sort)
    )


def _ordering(definition: Queue, sort: str) -> list[Any]:
    key = SORTS.get(sort, SORTS["han"])[0]
    if key == "newest":
        return [F("submitted_at").desc(nulls_last=True), "-pk"]
    if key == "oldest":
        return [F("submitted_at").asc(nulls_last=True), "pk"]
    if definition.due_field != "due_at" or definition.received_only:
        return [F(definition.due_field).asc(nulls_last=True), "pk"]
    # The stored next deadline, which `(…agency, next_due_at, id)` and `(next_due_at, id)` serve
    # in order (ADR 0355); the expression it stores made PostgreSQL sort the whole scope.
    return [F("next_due_at").asc(nulls_last=True), "pk"]


# A badge shows "1000+" above this: counting every dossier a centre ever had cannot be fast
# with any index, and nobody reads a queue of a thousand from its count.
COUNT_CAP = 1000


def queue_counts(user: User | OfficeUser) -> dict[str, int]:
    """How many dossiers each of the officer's queues holds, counted up to `COUNT_CAP + 1`
    (`count > COUNT_CAP` reads "more than COUNT_CAP"), in one statement."""
    who = user if isinstance(user, OfficeUser) else office_user(user)
    return capped_counts(
        {queue.slug: Dossier.objects.filter(queue.build(who)) for queue in queues_for(who)}
    )


def _capped(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """At most `COUNT_CAP + 1` rows, without the queryset's ordering: an ordered, limited
    subquery makes PostgreSQL walk the sort's index and filter every row it passes (0.9 s for
    "tat-ca" of a department at 1,000,000 dossiers); unordered, it reads the queue's own index
    (0.4 ms; docs/benchmarks.md)."""
    return queryset.order_by().values("pk")[: COUNT_CAP + 1]


def capped_count(queryset: QuerySet[Any]) -> int:
    return _capped(queryset).count()


def capped_counts(querysets: dict[str, QuerySet[Any]]) -> dict[str, int]:
    """`capped_count` of each queryset, as the columns of ONE statement: each count is a few
    milliseconds of index reading, and on a busy server every round trip to PostgreSQL costs
    as much again (ten badges, ten round trips). The SQL of each count is the ORM's own
    (ADR 0296)."""
    counts: dict[str, int] = {}
    columns: list[tuple[str, str]] = []
    params: list[Any] = []
    for key, queryset in querysets.items():
        try:
            sql, sql_params = _capped(queryset).query.sql_with_params()
        except EmptyResultSet:  # a filter that matches nothing (`pk__in=[]`): no query at all
            counts[key] = 0
            continue
        columns.append((key, f"(SELECT COUNT(*) FROM ({sql}) AS capped)"))  # noqa: S608
        params.extend(sql_params)
    if columns:
        with connections[Dossier.objects.db].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(column for _key, column in columns), params)
            row = cursor.fetchone()
        counts.update(zip((key for key, _column in columns), row, strict=True))
    return {key: counts[key] for key in querysets}


class CappedPaginator(Paginator):
    """Counts a queue only up to `COUNT_CAP + 1` rows (a whole centre's history is hundreds of
    thousands): past the cap the officer narrows the search instead of paging."""

    object_list: QuerySet[Any]  # the queues always page a queryset (sliced for the count)

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list)
