"""Questions and answers: each step is an action of `helpdesk.workflow` taken through
`transitions.question_take`, with an audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.models import Agency
from common.audit import audit_record
from common.links import site_url
from common.text import fold
from helpdesk import selectors
from helpdesk.constants import (
    Stage,
)
from helpdesk.models import (
    Question,
)
from helpdesk.services.base import (
    HelpdeskError,
    _next_code,
    _notify_answer_ready,
    _notify_assigned,
    _require_helpdesk,
    stage_due,
)
from helpdesk.services.transitions import question_take
from helpdesk.workflow import Actor
from notifications.constants import Event
from notifications.services import notify


def _question_audit(question: Question, action: str, by: User | None, **data: Any) -> None:
    audit_record(action=f"helpdesk.question.{action}", actor=by, obj=question, data=data)


@transaction.atomic
def question_ask(*, asker: User, title: str, body: str, procedure_code: str = "") -> Question:
    if not title.strip() or not body.strip():
        raise HelpdeskError(_("Tiêu đề và nội dung câu hỏi là bắt buộc."), code="required")
    now = timezone.now()
    question = Question.objects.create(
        code=_next_code("HD", now),
        asker=asker,
        title=title.strip()[:200],
        body=body.strip(),
        procedure_code=procedure_code.strip()[:32],
        search_text=fold(f"{title} {body}"),
        due_at=stage_due(Stage.PROCESS, now),
    )
    _question_audit(question, "asked", asker)
    return question


def _question_locked(question: Question) -> Question:
    return Question.objects.select_for_update().get(pk=question.pk)


@transaction.atomic
def question_assign(*, question: Question, by: User, agency: Agency) -> Question:
    _require_helpdesk(by)
    question = _question_locked(question)
    step = question_take(question, "assign", actor=Actor.HELPDESK)
    question.status, question.assigned_agency = step.target, agency
    question.save(update_fields=["status", "assigned_agency", "updated_at"])
    _question_audit(question, "assigned", by, agency=agency.code)
    _notify_assigned(
        agency=agency,
        code=question.code,
        title=question.title,
        url=site_url("helpdesk:question_detail", question.code),
    )
    return question


@transaction.atomic
def question_answer(*, question: Question, by: User, answer: str) -> Question:
    if not answer.strip():
        raise HelpdeskError(_("Hãy nhập nội dung trả lời."), code="answer")
    question = _question_locked(question)
    step = question_take(question, "answer", actor=Actor.AGENCY)
    if not selectors.question_answerable_by(question=question, user=by):
        raise HelpdeskError(_("Câu hỏi này không được giao cho cơ quan của bạn."), code="forbidden")
    question.status, question.answer = step.target, answer.strip()
    question.answered_by, question.answered_at = by, timezone.now()
    question.save(update_fields=["status", "answer", "answered_by", "answered_at", "updated_at"])
    _question_audit(question, "answered", by)
    _notify_answer_ready(
        by=by,
        agency=question.assigned_agency,
        code=question.code,
        title=question.title,
        url=site_url("helpdesk:question_detail", question.code),
    )
    return question


@transaction.atomic
def question_publish(*, question: Question, by: User, answer: str) -> Question:
    _require_helpdesk(by)
    if not answer.strip():
        raise HelpdeskError(_("Hãy nhập nội dung trả lời."), code="answer")
    question = _question_locked(question)
    step = question_take(question, "publish", actor=Actor.HELPDESK)
    question.status, question.answer, question.published_at = (
        step.target,
        answer.strip(),
        timezone.now(),
    )
    question.search_text = fold(f"{question.title} {question.body} {question.answer}")
    question.save(update_fields=["status", "answer", "published_at", "search_text", "updated_at"])
    _question_audit(question, "published", by)
    if question.asker is not None:
        notify(
            event=Event.HELPDESK_ANSWERED,
            recipient=question.asker,
            context={
                "citizen_name": question.asker.get_full_name(),
                "question_code": question.code,
                "question_title": question.title,
                "answer_url": site_url("helpdesk:faq_entry", question.code),
            },
            reference=question.code,
        )
    return question


@transaction.atomic
def question_refuse(*, question: Question, by: User, reason: str) -> Question:
    _require_helpdesk(by)
    if not reason.strip():
        raise HelpdeskError(_("Hãy nêu lý do."), code="reason")
    question = _question_locked(question)
    step = question_take(question, "refuse", actor=Actor.HELPDESK)
    question.status, question.refusal_reason = step.target, reason.strip()
    question.save(update_fields=["status", "refusal_reason", "updated_at"])
    _question_audit(question, "refused", by, reason=reason)
    return question
