"""Reads of the citizen-voice app, always scoped to who is asking.

* a citizen sees their own reports and questions;
* a helpdesk officer (role HELPDESK_OFFICER) sees every report and question;
* an agency officer sees what is assigned to an agency they work in;
* anyone sees published reports and answers, through `public_*` reads that carry no personal data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeGuard

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import Role
from accounts.models import User
from accounts.selectors import user_has_role
from agencies.constants import COMMUNE_KINDS
from agencies.models import Agency, StaffMembership
from agencies.selectors import agencies_valid_on, staff_agencies
from common.exceptions import ApplicationError
from common.text import fold
from dossiers.constants import DossierStatus
from dossiers.models import Dossier
from helpdesk.constants import (
    DEFAULT_STAGE_WORKING_DAYS,
    HELPDESK_ASSIGNEE_ROLES,
    OPEN_REPORT_STATUSES,
    SATISFIED_FROM,
    QuestionStatus,
    ReportStatus,
    Stage,
)
from helpdesk.models import DossierRating, FieldReport, Question, ReportPhoto, SurveyLink
from helpdesk.similarity import (
    distance_m,
    place_similarity,
    place_words,
    text_similarity,
)
from helpdesk.workflow import (
    QUESTION_TRANSITIONS,
    REPORT_TRANSITIONS,
    Actor,
    allowed_actions,
    question_transition,
)
from notifications.channels.base import phone_e164

AnyUser = User | AnonymousUser


def _signed_in(user: AnyUser) -> TypeGuard[User]:
    """The `is_authenticated` check the reads below make, telling mypy the user is a `User`."""
    return bool(getattr(user, "is_authenticated", False))


def _staff_agencies_of(user: AnyUser) -> QuerySet[Agency]:
    """`staff_agencies` for any caller: none for an anonymous user, as `staff_agencies` answers."""
    return staff_agencies(user) if _signed_in(user) else Agency.objects.none()


def stage_working_days(stage: Stage) -> int:
    configured = {
        Stage.REFUSE: settings.HELPDESK_DEADLINE_REFUSE_DAYS,
        Stage.REQUEST_INFO: settings.HELPDESK_DEADLINE_INFO_DAYS,
        Stage.PROCESS: settings.HELPDESK_DEADLINE_PROCESS_DAYS,
        Stage.PUBLISH: settings.HELPDESK_DEADLINE_PUBLISH_DAYS,
    }
    return int(configured.get(stage, DEFAULT_STAGE_WORKING_DAYS[stage]))


def is_helpdesk_officer(*, user: AnyUser) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user_has_role(
        user=user, role=Role.HELPDESK_OFFICER
    )


def communes() -> QuerySet[Agency]:
    return agencies_valid_on().filter(kind__in=COMMUNE_KINDS).order_by("name")


def assignable_agencies() -> QuerySet[Agency]:
    return agencies_valid_on().order_by("level", "position", "name")


def helpdesk_officers() -> QuerySet[User]:
    """Active accounts with the helpdesk officer role: they review and publish every answer."""
    return User.objects.filter(is_active=True, groups__name=Role.HELPDESK_OFFICER).order_by("pk")


def agency_helpdesk_staff(*, agency: Agency) -> QuerySet[User]:
    """Active staff whose membership of `agency` is in force today in a role that handles
    reports and questions: they are told when one is assigned to the agency."""

    today = timezone.localdate()
    memberships = StaffMembership.objects.filter(
        agency=agency, role__in=HELPDESK_ASSIGNEE_ROLES, valid_from__lte=today
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by("pk")


# --- reports ------------------------------------------------------------------------------------


def reports_visible_to(*, user: AnyUser) -> QuerySet[FieldReport]:
    if not _signed_in(user):
        return FieldReport.objects.none()
    if is_helpdesk_officer(user=user):
        return FieldReport.objects.all()
    agencies = staff_agencies(user)
    return FieldReport.objects.filter(Q(reporter=user) | Q(assigned_agency__in=agencies))


def report_get_for(*, user: AnyUser, code: str) -> FieldReport:
    report = (
        reports_visible_to(user=user)
        .filter(code=code)
        .select_related("commune", "assigned_agency", "merged_into", "reporter")
        .first()
    )
    if report is None:
        raise Http404
    return report


def report_track(*, code: str, phone: str) -> FieldReport | None:
    """Anonymous tracking: the code and the reporter's phone must both match."""

    normalised = phone_e164(phone)
    if not normalised or not code:
        return None
    return (
        FieldReport.objects.filter(code=code.strip().upper(), reporter_phone=normalised)
        .select_related("commune", "merged_into")
        .first()
    )


def report_answerable_by(*, report: FieldReport, user: AnyUser) -> bool:
    if is_helpdesk_officer(user=user):
        return True
    return (
        report.assigned_agency_id is not None
        and _staff_agencies_of(user).filter(pk=report.assigned_agency_id).exists()
    )


def reports_for_reporter(*, user: AnyUser) -> QuerySet[FieldReport]:
    if not _signed_in(user):
        return FieldReport.objects.none()
    return FieldReport.objects.filter(reporter=user).select_related("commune")


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    category: str = ""
    commune: str = ""
    overdue: bool = False
    q: str = ""


def triage_queue(*, user: AnyUser, filters: QueueFilters | None = None) -> QuerySet[FieldReport]:
    """Open reports for the helpdesk; for an agency officer, the open reports of their agencies."""
    filters = filters or QueueFilters()
    if is_helpdesk_officer(user=user):
        reports = FieldReport.objects.all()
    else:
        reports = FieldReport.objects.filter(assigned_agency__in=_staff_agencies_of(user))
    statuses = [filters.status] if filters.status else list(OPEN_REPORT_STATUSES)
    reports = reports.filter(status__in=statuses)
    if filters.category:
        reports = reports.filter(category=filters.category)
    if filters.commune:
        reports = reports.filter(commune__commune_code=filters.commune)
    if filters.overdue:
        reports = reports.filter(process_due_at__lt=timezone.now())
    if filters.q:
        reports = reports.filter(
            Q(search_text__contains=fold(filters.q)) | Q(code__iexact=filters.q.strip())
        )
    return reports.select_related("commune", "assigned_agency").order_by("process_due_at")


@dataclass(frozen=True)
class Timer:
    label: str
    due_at: dt.datetime
    overdue: bool


def report_timers(report: FieldReport, now: dt.datetime | None = None) -> list[Timer]:
    """The 5.2 deadlines that still apply to the report in its current state."""

    now = now or timezone.now()
    stages: list[tuple[Stage, dt.datetime | None]] = []
    if report.status == ReportStatus.NEW:
        stages = [(Stage.REFUSE, report.refuse_due_at), (Stage.REQUEST_INFO, report.info_due_at)]
        stages.append((Stage.PROCESS, report.process_due_at))
    elif report.status in (ReportStatus.NEEDS_INFO, ReportStatus.ASSIGNED):
        stages = [(Stage.PROCESS, report.process_due_at)]
    elif report.status == ReportStatus.ANSWERED:
        stages = [(Stage.PUBLISH, report.publish_due_at)]
    return [
        Timer(label=str(stage.label), due_at=due, overdue=now > due)
        for stage, due in stages
        if due is not None
    ]


@dataclass(frozen=True)
class DuplicateSuggestion:
    report: FieldReport
    score: float
    distance_m: float | None
    text_similarity: float
    # The two addresses (or one address and the other's text) name the same street or place.
    same_place: bool = False


def _nearness(report: FieldReport, other: FieldReport) -> tuple[float, float | None, bool]:
    """0..1 for "the same spot", the distance in metres when both have coordinates, and whether
    they name the same street or place. A shared street name counts within one commune or
    within five radii on the map: street names repeat from commune to commune."""
    radius = settings.HELPDESK_DUPLICATE_RADIUS_M
    distance = distance_m(report.latitude, report.longitude, other.latitude, other.longitude)
    same_commune = other.commune_id == report.commune_id
    if distance is not None:
        near = 1.0 if distance <= radius else 0.0
    else:
        near = 0.5 if same_commune else 0.0
    if same_commune or (distance is not None and distance <= radius * 5):
        place = place_similarity(
            report.address,
            f"{report.title} {report.description}",
            other.address,
            f"{other.title} {other.description}",
            ignore=place_words(report.commune.name) | place_words(other.commune.name),
        )
        if place >= 0.6:
            return max(near, 0.9 * place), distance, True
    return near, distance, False


def duplicate_suggestions(
    *, report: FieldReport, user: AnyUser, limit: int = 5
) -> list[DuplicateSuggestion]:
    """Open or published reports about the same problem: near on the map, on the same street
    or place (or at least in the same commune), and with similar folded text. Scored in Python
    over a bounded, recent candidate set."""
    if not is_helpdesk_officer(user=user):
        return []
    since = report.received_at - dt.timedelta(days=settings.HELPDESK_DUPLICATE_WINDOW_DAYS)
    candidates = (
        FieldReport.objects.filter(received_at__gte=since)
        .filter(status__in=[*OPEN_REPORT_STATUSES, ReportStatus.PUBLISHED])
        .exclude(pk=report.pk)
        .filter(Q(commune_id=report.commune_id) | Q(latitude__isnull=False))
        .select_related("commune")
        .order_by("-received_at")[:300]
    )
    radius = settings.HELPDESK_DUPLICATE_RADIUS_M
    text = fold(f"{report.title} {report.description}")
    suggestions = []
    for other in candidates:
        near, distance, same_place = _nearness(report, other)
        if distance is not None and distance > radius * 5:
            continue
        similarity = text_similarity(text, fold(f"{other.title} {other.description}"))
        same_category = 0.1 if other.category == report.category else 0.0
        score = 0.5 * near + 0.4 * similarity + same_category
        if score >= 0.45:
            suggestions.append(
                DuplicateSuggestion(
                    other, round(score, 2), distance, round(similarity, 2), same_place
                )
            )
    suggestions.sort(key=lambda s: s.score, reverse=True)
    return suggestions[:limit]


# --- public pages (no personal data) -------------------------------------------------------------


@dataclass(frozen=True)
class PublicReport:
    """What the public may know of a report: no name, phone, e-mail or raw description."""

    code: str
    title: str
    description: str
    category: str
    category_label: str
    commune: str
    commune_code: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    received_at: dt.datetime
    published_at: dt.datetime | None
    agency: str
    answer: str
    photo_uuids: tuple[str, ...]


def _public(report: FieldReport) -> PublicReport:
    return PublicReport(
        code=report.code,
        title=report.shown_title,
        description=report.public_description,
        category=report.category,
        category_label=str(report.get_category_display()),
        commune=report.commune.name,
        commune_code=report.commune.commune_code,
        address=report.address,
        latitude=report.latitude,
        longitude=report.longitude,
        received_at=report.received_at,
        published_at=report.published_at,
        agency=report.assigned_agency.name if report.assigned_agency else "",
        answer=report.answer,
        photo_uuids=tuple(str(p.uuid) for p in report.photos.all() if not p.hidden),
    )


def public_reports(
    *, category: str = "", commune_code: str = "", q: str = ""
) -> list[PublicReport]:
    reports = FieldReport.objects.filter(status=ReportStatus.PUBLISHED)
    if category:
        reports = reports.filter(category=category)
    if commune_code:
        reports = reports.filter(commune__commune_code=commune_code)
    for word in fold(q).split():
        reports = reports.filter(public_search_text__contains=word)
    reports = reports.select_related("commune", "assigned_agency").prefetch_related("photos")
    return [_public(r) for r in reports.order_by("-published_at")[:200]]


def public_report(*, code: str) -> PublicReport:
    report = (
        FieldReport.objects.filter(code=code, status=ReportStatus.PUBLISHED)
        .select_related("commune", "assigned_agency")
        .prefetch_related("photos")
        .first()
    )
    if report is None:
        raise Http404
    return _public(report)


def photo_for(*, user: AnyUser, uuid: str, tracked_codes: list[str] | None = None) -> ReportPhoto:
    """A photo is public once its report is published (unless hidden); otherwise only the people
    who may see the report (and an anonymous reporter who proved code + phone) get it."""
    photo = ReportPhoto.objects.filter(uuid=uuid).select_related("report", "document").first()
    if photo is None:
        raise Http404
    report = photo.report
    if report.status == ReportStatus.PUBLISHED and not photo.hidden:
        return photo
    if reports_visible_to(user=user).filter(pk=report.pk).exists():
        return photo
    if tracked_codes and report.code in tracked_codes:
        return photo
    raise Http404


# --- questions ----------------------------------------------------------------------------------


def questions_visible_to(*, user: AnyUser) -> QuerySet[Question]:
    if not _signed_in(user):
        return Question.objects.none()
    if is_helpdesk_officer(user=user):
        return Question.objects.all()
    return Question.objects.filter(Q(asker=user) | Q(assigned_agency__in=staff_agencies(user)))


def question_get_for(*, user: AnyUser, code: str) -> Question:
    question = questions_visible_to(user=user).filter(code=code).first()
    if question is None:
        raise Http404
    return question


def question_answerable_by(*, question: Question, user: AnyUser) -> bool:
    if is_helpdesk_officer(user=user):
        return True
    return (
        question.assigned_agency_id is not None
        and _staff_agencies_of(user).filter(pk=question.assigned_agency_id).exists()
    )


def question_queue(*, user: AnyUser) -> QuerySet[Question]:
    open_statuses = [QuestionStatus.NEW, QuestionStatus.ASSIGNED, QuestionStatus.ANSWERED]
    if is_helpdesk_officer(user=user):
        questions = Question.objects.all()
    else:
        questions = Question.objects.filter(assigned_agency__in=_staff_agencies_of(user))
    return (
        questions.filter(status__in=open_statuses)
        .select_related("assigned_agency")
        .order_by("due_at")
    )


def faq(*, q: str = "", procedure_code: str = "") -> QuerySet[Question]:
    """Published answers; `q` matches with or without Vietnamese diacritics."""
    questions = Question.objects.filter(status=QuestionStatus.PUBLISHED)
    if procedure_code:
        questions = questions.filter(procedure_code=procedure_code)
    for word in fold(q).split():
        questions = questions.filter(search_text__contains=word)
    return questions.only(
        "code", "title", "body", "answer", "procedure_code", "published_at"
    ).order_by("-published_at")


def faq_entry(*, code: str) -> Question:
    question = Question.objects.filter(code=code, status=QuestionStatus.PUBLISHED).first()
    if question is None:
        raise Http404
    return question


# --- dossier ratings ----------------------------------------------------------------------------


def dossier_ratable_by(*, dossier_code: str, user: AnyUser) -> Any:
    """The dossier `user` may rate now: theirs, returned, not rated yet. Raises ApplicationError."""

    dossier = (
        Dossier.objects.filter(code=dossier_code.strip(), applicant_id=getattr(user, "pk", None))
        .select_related("competent_agency", "receiving_agency")
        .first()
    )
    if dossier is None:
        raise ApplicationError(_("Không tìm thấy hồ sơ của bạn với mã này."), code="not_found")
    if dossier.status != DossierStatus.RETURNED:
        raise ApplicationError(_("Chỉ đánh giá được hồ sơ đã trả kết quả."), code="not_returned")
    if DossierRating.objects.filter(dossier=dossier).exists():
        raise ApplicationError(_("Hồ sơ này đã được đánh giá."), code="already_rated")
    return dossier


def dossier_for_kiosk(*, dossier_code: str, phone_last4: str) -> Any:
    """At the counter tablet the applicant shows who they are with the last 4 digits of the phone
    on their profile; the dossier must be theirs, returned and not yet rated."""

    dossier = (
        Dossier.objects.filter(code=dossier_code.strip())
        .select_related("applicant", "applicant__profile")
        .first()
    )
    phone = ""
    if dossier is not None:
        profile = getattr(dossier.applicant, "profile", None)
        phone = "".join(
            ch
            for ch in (getattr(profile, "phone", "") or dossier.applicant.phone or "")
            if ch.isdigit()
        )
    digits = "".join(ch for ch in phone_last4 if ch.isdigit())
    if dossier is None or len(digits) != 4 or not phone.endswith(digits):
        raise ApplicationError(
            _("Mã hồ sơ hoặc 4 số cuối điện thoại không đúng."), code="not_found"
        )
    # Found by `code=` above, so its code is set.
    assert dossier.code is not None
    return dossier_ratable_by(dossier_code=dossier.code, user=dossier.applicant)


def survey_link_for(*, procedure_code: str) -> SurveyLink | None:
    return SurveyLink.objects.filter(procedure_code=procedure_code, active=True).first()


def rating_aggregates(*, since: dt.datetime, until: dt.datetime, by: str = "agency") -> list[dict]:
    """Mean scores and satisfied share per agency (`by="agency"`) or procedure, for metrics."""
    key = "agency__code" if by == "agency" else "procedure_code"
    rows = (
        DossierRating.objects.filter(created_at__gte=since, created_at__lt=until)
        .values(key)
        .annotate(
            count=Count("id"),
            mean_score=Avg("average"),
            satisfied=Count("id", filter=Q(average__gte=SATISFIED_FROM)),
        )
        .order_by(key)
    )
    return [
        {
            "key": r[key],
            "count": r["count"],
            "average": r["mean_score"],
            "satisfied": r["satisfied"],
        }
        for r in rows
    ]


# --- raw data for QĐ 766 indicators 5.1–5.4 -------------------------------------------------------


def indicator_raw_data(*, since: dt.datetime, until: dt.datetime) -> dict[str, Any]:
    """Counts behind indicators 5.1–5.3 (reports received in [since, until)) and the rating part
    of 5.4 (ratings in the period). `metrics` computes the scores; this only counts."""
    reports = FieldReport.objects.filter(received_at__gte=since, received_at__lt=until).exclude(
        status=ReportStatus.MERGED
    )
    by_category = {
        row["category"]: row["n"] for row in reports.values("category").annotate(n=Count("id"))
    }
    closed = reports.filter(status__in=[ReportStatus.REFUSED, ReportStatus.PUBLISHED])
    on_time = closed.filter(was_overdue=False).count()
    # Still open past its processing deadline at the end of the period counts as overdue too.
    late_open = Q(status__in=OPEN_REPORT_STATUSES, process_due_at__lt=until)
    unhappy = reports.filter(
        Q(rating__lt=SATISFIED_FROM) | Q(reopen_count__gt=0) | Q(was_overdue=True) | late_open
    ).count()
    ratings = DossierRating.objects.filter(created_at__gte=since, created_at__lt=until)
    return {
        "reports_total": reports.count(),
        "reports_by_category": by_category,  # 5.1
        "reports_closed": closed.count(),
        "reports_closed_on_time": on_time,  # 5.2
        "reports_unsatisfied_reopened_or_overdue": unhappy,  # 5.3
        "dossier_ratings": ratings.count(),  # 5.4 (with metrics' late-dossier rate)
        "dossier_ratings_unsatisfied": ratings.filter(average__lt=SATISFIED_FROM).count(),
        "reports_about_dossiers": reports.exclude(dossier_code="").count(),
    }


# --- what a user may do now (the transition tables of `helpdesk.workflow`) ------------------------


def report_actions(
    *, report: FieldReport, user: AnyUser, is_reporter: bool = False
) -> frozenset[str]:
    """The actions of `REPORT_TRANSITIONS` this user may take on the report now. `is_reporter`
    is the view's finding that the visitor filed it (signed in as its reporter, or holding its
    code and verified phone)."""
    actors: set[str] = set()
    if is_helpdesk_officer(user=user):
        actors.add(Actor.HELPDESK)
    if report.status == ReportStatus.ASSIGNED and report_answerable_by(report=report, user=user):
        actors.add(Actor.AGENCY)
    if is_reporter:
        actors.add(Actor.REPORTER)
    actions = allowed_actions(REPORT_TRANSITIONS, status=report.status, actors=actors)
    rated_since_published = (
        report.rated_at is not None
        and report.published_at is not None
        and report.rated_at >= report.published_at
    )
    if rated_since_published:  # one rating per publication (services.report_rate refuses more)
        actions -= {"rate", "reopen"}
    return actions


def question_actions(*, question: Question, user: AnyUser) -> frozenset[str]:
    """The actions of `QUESTION_TRANSITIONS` this user may take on the question now."""
    actors: set[str] = set()
    if is_helpdesk_officer(user=user):
        actors.add(Actor.HELPDESK)
    if question.status in question_transition("answer").sources and (
        question_answerable_by(question=question, user=user)
    ):
        actors.add(Actor.AGENCY)
    return allowed_actions(QUESTION_TRANSITIONS, status=question.status, actors=actors)
