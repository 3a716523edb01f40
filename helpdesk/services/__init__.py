"""Writes of the citizen-voice app: field reports and their triage, questions, dossier ratings.

Every state change is an action of `helpdesk.workflow`'s tables taken through `transitions`,
writes a `ReportEvent` (reports) or an audit event (questions, ratings), and queues messages in
the outbox in the same transaction. The modules: `intake` (phone verification, submission),
`reports`, `questions`, `ratings`, `transitions`, and `base` (shared helpers).
"""

from helpdesk.services.base import MAX_PHOTOS, PROVINCE_BOUNDS, HelpdeskError, stage_due
from helpdesk.services.intake import (
    Photo,
    kiosk_attempt,
    normalise_phone,
    phone_verification_check,
    phone_verification_start,
    report_submit,
    tracking_attempt,
)
from helpdesk.services.questions import (
    question_answer,
    question_ask,
    question_assign,
    question_publish,
    question_refuse,
)
from helpdesk.services.ratings import RATING_FIELDS, dossier_rate
from helpdesk.services.reports import (
    report_answer,
    report_assign,
    report_merge,
    report_photo_hide,
    report_publish,
    report_rate,
    report_refuse,
    report_request_info,
    report_return_answer,
    report_supply_info,
    report_triage,
)
from helpdesk.services.transitions import Step, question_take, report_take

__all__ = [
    "MAX_PHOTOS",
    "PROVINCE_BOUNDS",
    "RATING_FIELDS",
    "HelpdeskError",
    "Photo",
    "Step",
    "dossier_rate",
    "kiosk_attempt",
    "normalise_phone",
    "phone_verification_check",
    "phone_verification_start",
    "question_answer",
    "question_ask",
    "question_assign",
    "question_publish",
    "question_refuse",
    "question_take",
    "report_answer",
    "report_assign",
    "report_merge",
    "report_photo_hide",
    "report_publish",
    "report_rate",
    "report_refuse",
    "report_request_info",
    "report_return_answer",
    "report_submit",
    "report_supply_info",
    "report_take",
    "report_triage",
    "stage_due",
    "tracking_attempt",
]
