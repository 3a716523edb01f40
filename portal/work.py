"""A staff member's home after sign-in ("Việc của tôi"): the doors their roles open, with counts.

Every staff role has somewhere to go: office officers their queues (with the overdue and due-soon
dossiers listed), 1022 operators the helpdesk queues, leaders the QĐ 766 statistics, clerks and
heads the dossier register, administrators the admin site. Each door asks the app that owns the
page whether this user may open it (the same check the page itself makes), so the home never
shows a link that answers 403. Portal is the top layer: it may read every app's selectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import User
from accounts.selectors import user_is_staff_member
from agencies.selectors import staff_agencies
from dossiers import selectors as dossier_selectors
from dossiers.models import Dossier
from helpdesk import selectors as helpdesk_selectors
from integrations import selectors as integration_selectors
from metrics.selectors import viewer_scope

# How many overdue / due-soon dossiers the home lists (the queue behind the link has them all).
LISTED = 5
OVERDUE_QUEUE = "qua-han"
DUE_SOON_QUEUE = "sap-den-han"


@dataclass(frozen=True)
class Door:
    """One link on the staff home: a page the user may open, with what waits there."""

    key: str
    title: str | Promise
    description: str | Promise
    icon: str
    url: str
    count: int | None = None
    urgent: int | None = None  # overdue items behind the door, shown in red


@dataclass
class StaffWork:
    doors: list[Door] = field(default_factory=list)
    queues: list[Door] = field(default_factory=list)
    overdue: list[Dossier] = field(default_factory=list)
    due_soon: list[Dossier] = field(default_factory=list)
    extension_proposals: list[Dossier] = field(default_factory=list)
    overdue_count: int = 0
    due_soon_count: int = 0


def staff_home_url(user: User) -> str | None:
    """Where a staff member lands after sign-in; None for a citizen (their own page)."""
    return reverse("portal:work") if user_is_staff_member(user=user) else None


def staff_work(user: User) -> StaffWork:
    """Everything the staff home shows, read for `user` only."""
    work = StaffWork()
    _office(user, work)
    _helpdesk(user, work)
    _leaders(user, work)
    _national_sync(user, work)
    # Staff are citizens too: their own dossiers and data store stay one click away (the
    # header gives staff "Việc của tôi" instead of "Trang của tôi").
    work.doors.append(
        Door(
            "my_page",
            _("Trang của tôi"),
            _("Hồ sơ, kho dữ liệu và thông báo của cá nhân bạn."),
            "person-circle",
            reverse("portal:my_page"),
        )
    )
    if user.is_staff:
        work.doors.append(
            Door(
                "admin",
                _("Quản trị hệ thống"),
                _("Tài khoản, cơ quan, thủ tục, lịch làm việc và cấu hình."),
                "gear",
                reverse("admin:index"),
            )
        )
    return work


def _office(user: User, work: StaffWork) -> None:
    who = dossier_selectors.office_user(user)
    if not who.is_office_staff:
        return
    counts = dossier_selectors.queue_counts(who)
    for queue in dossier_selectors.queues_for(who):
        work.queues.append(
            Door(
                queue.slug,
                queue.label,
                queue.help,
                "inbox",
                reverse("office:queue", args=[queue.slug]),
                count=counts.get(queue.slug, 0),
            )
        )
    work.overdue = list(dossier_selectors.queue_for(who, OVERDUE_QUEUE)[:LISTED])
    work.due_soon = list(dossier_selectors.queue_for(who, DUE_SOON_QUEUE)[:LISTED])
    heads_of = who.agencies([Role.AGENCY_HEAD])
    if heads_of:
        work.extension_proposals = dossier_selectors.extension_proposals_waiting(
            agency_ids=heads_of, limit=LISTED
        )
    work.overdue_count = counts.get(OVERDUE_QUEUE, 0)
    work.due_soon_count = counts.get(DUE_SOON_QUEUE, 0)
    work.doors.append(
        Door(
            "office",
            _("Bàn làm việc một cửa"),
            _("Hàng đợi hồ sơ, tìm kiếm và xử lý."),
            "briefcase",
            reverse("office:workspace"),
        )
    )
    if Role.RECEPTION_OFFICER in who.roles:
        work.doors.append(
            Door(
                "counter",
                _("Tiếp nhận tại quầy"),
                _("Nhận hồ sơ giấy, quét và tiếp nhận ngay."),
                "person-vcard",
                reverse("office:counter"),
            )
        )
    if dossier_selectors.register_agencies(user=user).exists():
        work.doors.append(
            Door(
                "register",
                _("Sổ theo dõi hồ sơ (Mẫu 07)"),
                _("Xem, tải bảng tính hoặc bản PDF có ký số."),
                "journal-text",
                reverse("office:register"),
            )
        )


def _helpdesk(user: User, work: StaffWork) -> None:
    is_operator = helpdesk_selectors.is_helpdesk_officer(user=user)
    if not is_operator and not staff_agencies(user).exists():
        return
    reports = helpdesk_selectors.triage_queue(user=user)
    overdue = helpdesk_selectors.triage_queue(
        user=user, filters=helpdesk_selectors.QueueFilters(overdue=True)
    )
    work.doors.append(
        Door(
            "field_reports",
            _("Phản ánh hiện trường 1022"),
            _("Phân loại, chuyển xử lý và trả lời phản ánh."),
            "megaphone",
            reverse("helpdesk:queue"),
            count=reports.count(),
            urgent=overdue.count(),
        )
    )
    work.doors.append(
        Door(
            "questions",
            _("Hỏi đáp"),
            _("Câu hỏi của người dân chờ trả lời hoặc công bố."),
            "chat-dots",
            reverse("helpdesk:question_queue"),
            count=helpdesk_selectors.question_queue(user=user).count(),
        )
    )


def _national_sync(user: User, work: StaffWork) -> None:
    """One-stop supervisors (and administrators) watch the dossiers the National Portal has not
    taken yet (issue #26: the list had no link)."""
    if not integration_selectors.can_see_failures(user):
        return
    failures = integration_selectors.sync_failures(user=user).count()
    work.doors.append(
        Door(
            "sync_failures",
            _("Đồng bộ Cổng DVC quốc gia"),
            _("Hồ sơ chưa đồng bộ được lên Cổng Dịch vụ công quốc gia; gửi lại."),
            "cloud-slash",
            reverse("integrations:sync_failures"),
            count=failures,
        )
    )


def _leaders(user: User, work: StaffWork) -> None:
    try:
        viewer_scope(user)
    except PermissionDenied:
        return
    work.doors.append(
        Door(
            "stats",
            _("Thống kê, chỉ số QĐ 766"),
            _("Chỉ số phục vụ người dân, doanh nghiệp theo cơ quan và kỳ."),
            "bar-chart",
            reverse("metrics_office:dashboard"),
        )
    )
