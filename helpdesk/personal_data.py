"""The citizen's field reports (1022), questions and ratings in their personal-data download
(right of access, issue #25). Registered with `accounts.personal_data` in `HelpdeskConfig.ready()`;
only rows the person filed themselves."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from helpdesk.constants import RatingCriterion
from helpdesk.models import DossierRating, FieldReport, Question

REPORTS_TITLE = _("Phản ánh hiện trường (1022)")
QUESTIONS_TITLE = _("Câu hỏi")
RATINGS_TITLE = _("Đánh giá sự hài lòng")
LABELS = {
    "category": _("Lĩnh vực"),
    "description": _("Nội dung"),
    "body": _("Nội dung câu hỏi"),
    "answer_text": _("Trả lời"),
    "answered_at": _("Trả lời lúc"),
    "dossier_code": _("Mã hồ sơ"),
    "average": _("Điểm trung bình"),
    "comment": _("Ý kiến khác"),
    "scores": _("Điểm từng tiêu chí"),
}


def personal_data_reports(user: User) -> list[dict[str, Any]]:
    return [
        {
            "code": r.code,
            "title": r.title,
            "category": r.get_category_display(),
            "description": r.description,
            "address": r.address,
            "status": r.get_status_display(),
            "received_at": r.received_at,
            "answer_text": r.answer,
            "answered_at": r.answered_at,
        }
        for r in FieldReport.objects.filter(reporter=user).order_by("-received_at")
    ]


def personal_data_questions(user: User) -> list[dict[str, Any]]:
    return [
        {
            "code": q.code,
            "title": q.title,
            "body": q.body,
            "status": q.get_status_display(),
            "created_at": q.created_at,
            "answer_text": q.answer,
            "answered_at": q.answered_at,
        }
        for q in Question.objects.filter(asker=user).order_by("-created_at")
    ]


def personal_data_ratings(user: User) -> list[dict[str, Any]]:
    ratings = DossierRating.objects.filter(rated_by=user).select_related("dossier")
    return [
        {
            "dossier_code": r.dossier.code or "",
            "created_at": r.created_at,
            "average": r.average,
            "scores": {
                str(criterion.label): getattr(r, criterion.value)
                for criterion in RatingCriterion
                if getattr(r, criterion.value) is not None
            },
            "comment": r.comment,
        }
        for r in ratings.order_by("-created_at")
    ]
