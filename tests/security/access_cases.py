"""The case registry of the access matrix, keyed by route name.

Every route that takes an object identifier (a URL parameter) must have an entry here, or the
matrix test fails and names it. An entry says how to build the URL for a real object, which
actors may reach it and with which status, and (for writes) what must stay unchanged when an
actor is refused. Anyone not listed in `allowed` is refused: 403/404, or for the anonymous
visitor a redirect to sign-in or 401.

Kinds:
- "owned": the object belongs to someone; outsiders are refused.
- "public": the identifier names something public by design (a procedure code, a published
  report, a document's verification page); every actor gets `public_status`, nobody gets a 5xx.
- "exempt": not an object of the portal (a provider id, a one-time token that allauth checks, a
  protocol simulator that is off in production); the reason is written down.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OK = frozenset({200})
REDIRECT = frozenset({302})
OK_OR_REDIRECT = frozenset({200, 302})


@dataclass(frozen=True)
class Case:
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    method: str = "get"
    data: dict[str, Any] | Callable[[Any], dict[str, Any]] | None = None
    json: bool = False
    allowed: dict[str, frozenset[int]] = field(default_factory=dict)
    # Extra statuses that count as a refusal for this route (e.g. a redirect away with a message).
    refusals: frozenset[int] = frozenset()
    # A snapshot taken before and after each refused request; it must not change.
    unchanged: Callable[[Any], Any] | None = None
    kind: str = "owned"
    public_status: frozenset[int] = OK
    reason: str = ""
    settings: dict[str, Any] = field(default_factory=dict)


def _refresh(obj, *fields):
    try:
        obj.refresh_from_db()
    except obj.DoesNotExist:  # a refused request must not delete it either: that is a change
        return ("deleted",)
    return tuple(getattr(obj, f) for f in fields)


def _sms_codes_sent(mandate) -> int:
    from notifications.models import PhoneCode

    return PhoneCode.objects.filter(reference=str(mandate.uuid)).count()


def dossier(w):
    return {"uuid": w.dossier.uuid}


def draft(w):
    return {"uuid": w.draft.uuid}


CASES: dict[str, Case] = {
    # --- dossiers (citizen side): 404 to anyone but the applicant side (ADR 0092) -------------
    "dossiers:detail": Case(dossier, allowed={"owner": OK}),
    "dossiers:resume": Case(draft, allowed={"owner": REDIRECT}),
    "dossiers:step": Case(
        lambda w: {"uuid": w.draft.uuid, "step": "nguoi-nop"}, allowed={"owner": OK}
    ),
    "dossiers:step_autosave": Case(
        lambda w: {"uuid": w.draft.uuid, "step": "nguoi-nop"},
        method="post",
        data={"full_name": "Người lạ", "address": "Chỗ khác"},
        allowed={"owner": OK},
        unchanged=lambda w: _refresh(w.draft, "draft_typed"),
    ),
    "dossiers:draft_delete": Case(
        draft,
        method="post",
        allowed={"owner": REDIRECT},
        unchanged=lambda w: w.draft.__class__.objects.filter(pk=w.draft.pk).exists(),
    ),
    "dossiers:case_choose": Case(
        draft,
        allowed={"owner": OK_OR_REDIRECT},
        reason="a procedure with one case redirects its owner to the documents step",
    ),
    "dossiers:confirmation": Case(dossier, allowed={"owner": OK}),
    "dossiers:confirmation_pdf": Case(dossier, allowed={"owner": OK}),
    "dossiers:component_download": Case(
        lambda w: {"uuid": w.dossier.uuid, "component": w.component.uuid},
        allowed={"owner": OK},
    ),
    "dossiers:withdraw": Case(
        dossier,
        method="post",
        data={"reason": "Tôi không cần nữa"},
        allowed={"owner": OK_OR_REDIRECT},
        unchanged=lambda w: _refresh(w.dossier, "status"),
    ),
    "dossiers:withdraw_cancel": Case(
        dossier,
        method="post",
        allowed={"owner": OK_OR_REDIRECT},
        unchanged=lambda w: _refresh(w.dossier, "status"),
    ),
    "dossiers:supplement": Case(
        dossier,
        method="post",
        allowed={"owner": frozenset({200, 302, 400})},
        unchanged=lambda w: _refresh(w.dossier, "status"),
    ),
    "dossiers:start": Case(
        lambda w: {"code": w.procedure.code},
        kind="public",
        public_status=frozenset({200, 302}),
        reason="a procedure code from the public catalogue; signing in is asked for",
    ),
    # --- documents (the e-data store) ------------------------------------------------------------
    "documents:detail": Case(lambda w: {"uuid": w.document.uuid}, allowed={"owner": OK}),
    "documents:download": Case(lambda w: {"uuid": w.document.uuid}, allowed={"owner": OK}),
    "documents:rename": Case(
        lambda w: {"uuid": w.document.uuid},
        method="post",
        data={"title": "Đổi tên trái phép"},
        allowed={"owner": OK_OR_REDIRECT},
        unchanged=lambda w: _refresh(w.document, "title"),
    ),
    "documents:validity": Case(
        lambda w: {"uuid": w.document.uuid},
        method="post",
        data={"valid_from": "01/01/2020", "valid_to": "01/01/2021"},
        allowed={"owner": frozenset({200, 302, 400})},
        unchanged=lambda w: _refresh(w.document, "valid_from", "valid_to"),
    ),
    "documents:delete": Case(
        lambda w: {"uuid": w.document.uuid},
        allowed={"owner": OK},
    ),
    "documents:sign_remote": Case(
        lambda w: {"uuid": w.document.uuid},
        allowed={"owner": OK},
        settings={"REMOTE_SIGNING_ENABLED": True},
    ),
    "documents:org_list": Case(lambda w: {"org_uuid": w.org.uuid}, allowed={"owner": OK}),
    "documents:org_upload": Case(lambda w: {"org_uuid": w.org.uuid}, allowed={"owner": OK}),
    "verify:document": Case(
        lambda w: {"uuid": w.document.uuid},
        kind="public",
        public_status=frozenset({200, 404}),
        reason="verification of an issued document by its printed UUID (QR code); shows only "
        "what the paper itself shows",
    ),
    # --- notifications ---------------------------------------------------------------------------
    "notifications:detail": Case(lambda w: {"uuid": w.notification.uuid}, allowed={"owner": OK}),
    "notifications:mark_read": Case(
        lambda w: {"uuid": w.notification.uuid},
        method="post",
        allowed={"owner": REDIRECT},
        unchanged=lambda w: _refresh(w.notification, "read_at"),
    ),
    "notifications:twilio_status": Case(
        lambda w: {"uuid": w.notification.uuid},
        method="post",
        data={"MessageStatus": "delivered", "MessageSid": "SM0"},
        allowed={},
        refusals=frozenset({403}),
        unchanged=lambda w: _refresh(w.notification, "status"),
        reason="a webhook: only a request signed with the Twilio auth token is heard",
    ),
    "notifications:simulator_report": Case(
        lambda w: {"message_id": "SM0"},
        kind="exempt",
        reason="the SMS provider simulator (off in production)",
    ),
    "notifications:sim_twilio_messages": Case(
        lambda w: {"account_sid": "AC0"},
        kind="exempt",
        reason="the SMS provider simulator (off in production)",
    ),
    # --- payments --------------------------------------------------------------------------------
    "payments:dossier": Case(lambda w: {"code": w.dossier.code}, allowed={"owner": OK}),
    "payments:detail": Case(lambda w: {"uuid": w.payment.uuid}, allowed={"owner": OK}),
    "payments:receipt": Case(
        lambda w: {"uuid": w.payment.uuid},
        # The owner is sent to the payment page until the receipt PDF is issued.
        allowed={"owner": frozenset({200, 302})},
    ),
    "payments:refund": Case(
        lambda w: {"uuid": w.payment.uuid},
        method="post",
        data={"amount_vnd": 1, "reason": "Hoàn trái phép"},
        # The owner sees the payment but may not refund: sent back to it, nothing refunded.
        refusals=frozenset({302}),
        unchanged=lambda w: _refresh(w.payment, "refunded_vnd", "status"),
    ),
    "payments:staff_dossier": Case(lambda w: {"code": w.dossier.code}, allowed={"reception": OK}),
    "payments:simulator_submit": Case(
        lambda w: {"transaction_no": "1"},
        kind="exempt",
        reason="the payment gateway simulator (off in production)",
    ),
    # --- accounts / identity ---------------------------------------------------------------------
    "identity:mandate_revoke": Case(
        lambda w: {"uuid": w.mandate.uuid},
        method="post",
        allowed={"owner": REDIRECT},
        unchanged=lambda w: _refresh(w.mandate, "status"),
    ),
    "identity:mandate_confirm": Case(
        lambda w: {"uuid": w.mandate.uuid},
        method="post",
        data={"decision": "accept"},
        allowed={"owner": REDIRECT},
        unchanged=lambda w: _refresh(w.mandate, "status"),
    ),
    # The owner offered `w.mandate`; only its agent may accept it or type an SMS code for it.
    "identity:mandate_accept": Case(
        lambda w: {"uuid": w.mandate.uuid},
        method="post",
        data={"decision": "accept"},
        allowed={},
        unchanged=lambda w: _refresh(w.mandate, "status"),
    ),
    "identity:mandate_code": Case(
        lambda w: {"uuid": w.sms_mandate.uuid},
        method="post",
        data={"code": "000000"},
        allowed={},
        unchanged=lambda w: _refresh(w.sms_mandate, "status"),
    ),
    "identity:mandate_code_resend": Case(
        lambda w: {"uuid": w.sms_mandate.uuid},
        method="post",
        allowed={},
        unchanged=lambda w: _sms_codes_sent(w.sms_mandate),
    ),
    "identity:organisation": Case(lambda w: {"uuid": w.org.uuid}, allowed={"owner": OK}),
    "identity:privacy_request": Case(
        lambda w: {"uuid": w.privacy_request.uuid},
        allowed={"supervisor": OK, "superuser": OK},
    ),
    "identity:oidc_callback": Case(
        lambda w: {"provider_id": "vneid"},
        kind="exempt",
        reason="an identity provider id; the strict callback is tested in accounts (ADR 0030)",
    ),
    "openid_connect_login": Case(
        lambda w: {"provider_id": "vneid"}, kind="exempt", reason="an identity provider id"
    ),
    "openid_connect_callback": Case(
        lambda w: {"provider_id": "vneid"}, kind="exempt", reason="an identity provider id"
    ),
    "account_confirm_email": Case(
        kind="exempt", reason="allauth's one-time e-mail confirmation key"
    ),
    "account_reset_password_from_key": Case(
        kind="exempt", reason="allauth's one-time password-reset key"
    ),
    # --- procedures ------------------------------------------------------------------------------
    "procedures:detail": Case(
        lambda w: {"code": w.procedure.code}, kind="public", reason="the public catalogue"
    ),
    "procedures:propose": Case(
        lambda w: {"code": w.procedure.code},
        allowed={
            "reception": OK,
            "processing": OK,
            "head": OK,
            "staff_other_agency": OK,
        },
        reason="a public procedure; any agency's staff may propose a level, citizens may not",
    ),
    "procedures:decide": Case(
        lambda w: {"uuid": w.proposal.uuid},
        method="post",
        data={"decision": "approve", "note": "Đồng ý"},
        allowed={"supervisor": frozenset({200, 302})},
        unchanged=lambda w: _refresh(w.proposal, "status"),
    ),
    # --- helpdesk --------------------------------------------------------------------------------
    "helpdesk:public_detail": Case(
        lambda w: {"code": w.report.code},
        kind="public",
        public_status=frozenset({404}),
        reason="only published reports are shown; an unpublished one is 404 to everybody",
    ),
    "helpdesk:faq_entry": Case(
        lambda w: {"code": w.question.code},
        kind="public",
        public_status=frozenset({404}),
        reason="only published answers are shown; an unanswered question is 404 to everybody",
    ),
    "helpdesk:photo": Case(
        lambda w: {"uuid": w.photo.uuid},
        allowed={"owner": OK, "helpdesk": OK},
    ),
    "helpdesk:track_detail": Case(lambda w: {"code": w.report.code}, allowed={"owner": OK}),
    "helpdesk:track_supply": Case(
        lambda w: {"code": w.report.code},
        method="post",
        data={"text": "Thêm thông tin"},
        allowed={"owner": frozenset({200, 302, 400})},
        unchanged=lambda w: w.report.events.count(),
    ),
    "helpdesk:track_rate": Case(
        lambda w: {"code": w.report.code},
        method="post",
        data={"score": "5"},
        allowed={"owner": frozenset({200, 302, 400})},
        unchanged=lambda w: _refresh(w.report, "rated_at"),
    ),
    "helpdesk:staff_detail": Case(lambda w: {"code": w.report.code}, allowed={"helpdesk": OK}),
    "helpdesk:staff_action": Case(
        lambda w: {"code": w.report.code, "action": "tu-choi"},
        method="post",
        data={"refuse-reason": "Trùng lặp"},
        allowed={"helpdesk": frozenset({200, 302, 400})},
        unchanged=lambda w: _refresh(w.report, "status"),
    ),
    "helpdesk:staff_hide_photo": Case(
        lambda w: {"code": w.report.code, "uuid": w.photo.uuid},
        method="post",
        allowed={"helpdesk": frozenset({200, 302})},
        unchanged=lambda w: _refresh(w.photo, "hidden") if hasattr(w.photo, "hidden") else None,
    ),
    "helpdesk:question_detail": Case(lambda w: {"code": w.question.code}, allowed={"helpdesk": OK}),
    "helpdesk:question_action": Case(
        lambda w: {"code": w.question.code, "action": "tu-choi"},
        method="post",
        data={"refuse-reason": "Không thuộc phạm vi"},
        allowed={"helpdesk": frozenset({200, 302, 400})},
        unchanged=lambda w: _refresh(w.question, "status"),
    ),
    "helpdesk:dossier_rate": Case(
        lambda w: {"code": w.returned_dossier.code},
        allowed={"owner": OK},
        # Outsiders are sent back to their own page with "no dossier of yours with this code".
        refusals=frozenset({302}),
    ),
    # --- the REST API (django-ninja) -------------------------------------------------------------
    "api:procedure_detail": Case(
        lambda w: {"code": w.procedure.code}, kind="public", reason="the public catalogue"
    ),
    "api:issued_record": Case(
        lambda w: {"uuid": w.document.uuid},
        kind="public",
        public_status=frozenset({200, 404}),
        reason="verification of an issued document by its printed UUID",
    ),
    "api:dossier_detail": Case(lambda w: {"ref": str(w.dossier.uuid)}, allowed={"owner": OK}),
    "api:dossier_patch": Case(
        lambda w: {"ref": str(w.draft.uuid)},
        method="patch",
        json=True,
        data={"fields": {}},
        allowed={"owner": frozenset({200, 422})},
        unchanged=lambda w: _refresh(w.draft, "form_data", "applicant_data"),
    ),
    "api:dossier_document_add": Case(
        lambda w: {"ref": str(w.draft.uuid)},
        method="post",
        data=lambda w: {"requirement_code": "TK01", "document_uuid": str(w.document.uuid)},
        allowed={"owner": frozenset({200, 201, 422})},
        unchanged=lambda w: w.draft.components.count(),
    ),
    "api:dossier_submit": Case(
        lambda w: {"ref": str(w.draft.uuid)},
        method="post",
        json=True,
        data={"declaration": False},
        allowed={"owner": frozenset({200, 422})},
        unchanged=lambda w: _refresh(w.draft, "status"),
    ),
    "api:report_status": Case(
        lambda w: {"code": w.report.code},
        allowed={},
        refusals=frozenset({401}),
        reason="for intake partners with a bearer token only (and the reporter's phone)",
    ),
}


# --- the back office (/office/…, added by the office, processing and forms helpers) -----------


def _office_state(dossier_attr: str = "dossier"):
    def snapshot(w):
        dossier = getattr(w, dossier_attr)
        dossier.refresh_from_db()
        return (dossier.status, dossier.assignee_id, dossier.events.count())

    return snapshot


def _office_post(path_kwargs=dossier, data=None, dossier_attr="dossier", **extra):
    return Case(
        path_kwargs,
        method="post",
        data=data or {},
        unchanged=_office_state(dossier_attr),
        **extra,
    )


def _mandate_in_force(w):
    from accounts.identity.constants import MandateStatus

    w.mandate.__class__.objects.filter(pk=w.mandate.pk).update(status=MandateStatus.ACTIVE)
    return {"uuid": w.mandate.uuid}


def appraising(w):
    return {"uuid": w.appraising_dossier.uuid}


CASES.update(
    {
        "office:detail": Case(dossier, allowed={"reception": OK, "processing": OK}),
        "office:dossier": Case(lambda w: {"code": w.dossier.code}, allowed={"reception": REDIRECT}),
        "office:queue": Case(
            lambda w: {"queue": "tiep-nhan"},
            allowed={"reception": OK, "staff_other_agency": frozenset({200, 404})},
            reason="a queue name, not an object: each officer sees their own agency's queue",
        ),
        "api:office_queue": Case(
            lambda w: {"slug": "tiep-nhan"},
            allowed={"reception": OK, "staff_other_agency": frozenset({200, 404})},
            refusals=frozenset({401}),
            reason="a queue name, not an object: each officer sees their own agency's queue",
        ),
        "office:action": _office_post(data={"to": "received", "note": "Trái phép"}),
        "office:reception": _office_post(data={"decision": "accept"}),
        "office:case_change": _office_post(data={"case": "", "reason": "Trái phép"}),
        "office:note": _office_post(
            data={"text": "Ghi chú trái phép"},
            allowed={"reception": frozenset({200, 302})},
        ),
        "office:assign": _office_post(
            appraising, data={"assignee": ""}, dossier_attr="appraising_dossier"
        ),
        "office:consult": _office_post(
            appraising,
            data={"agency": "", "question": "Trái phép", "due_at": "01/01/2030"},
            dossier_attr="appraising_dossier",
        ),
        "office:consult_reply": Case(
            lambda w: {"uuid": w.appraising_dossier.uuid, "consultation": w.consultation.uuid},
            method="post",
            data={"answer": "Ý kiến trái phép"},
            unchanged=lambda w: _refresh(w.consultation, "answer", "answered_at"),
            allowed={"consulted": frozenset({200, 302})},
        ),
        "office:task_complete": Case(
            lambda w: {"uuid": w.interagency_task.dossier.uuid, "task": w.interagency_task.uuid},
            method="post",
            data={"result_note": "Trái phép"},
            unchanged=lambda w: _refresh(w.interagency_task, "completed_at"),
            allowed={"consulted": frozenset({200, 302})},
        ),
        "office:extend": _office_post(
            appraising,
            data={"new_due_at": "01/01/2030", "reason": "Trái phép"},
            dossier_attr="appraising_dossier",
        ),
        "office:extension_proposal": _office_post(
            appraising,
            data={"de-xuat-new_due_date": "01/01/2030", "de-xuat-reason": "Trái phép"},
            dossier_attr="appraising_dossier",
        ),
        "office:extension_decision": _office_post(
            appraising, data={"decision": "approve"}, dossier_attr="appraising_dossier"
        ),
        "office:interagency": _office_post(
            appraising, data={"lead_agency": ""}, dossier_attr="appraising_dossier"
        ),
        "office:result": _office_post(appraising, dossier_attr="appraising_dossier"),
        "office:result_sign": _office_post(appraising, dossier_attr="appraising_dossier"),
        "office:result_register": _office_post(
            appraising, data={"number": "1/QĐ"}, dossier_attr="appraising_dossier"
        ),
        "office:result_file": Case(
            dossier,
            allowed={"reception": frozenset({404})},
            reason="no result issued yet: 404 for everybody; outsiders must not learn more",
        ),
        "office:result_page": Case(
            lambda w: {"uuid": w.dossier.uuid, "page": 1},
            allowed={"reception": frozenset({404})},
            reason="no result attached yet: 404 for everybody; outsiders must not learn more",
        ),
        "office:component_file": Case(
            lambda w: {"uuid": w.dossier.uuid, "component": w.component.uuid},
            allowed={"reception": OK},
        ),
        "office:counter_draft": Case(
            lambda w: {"uuid": w.counter_draft.uuid}, allowed={"reception": OK}
        ),
        # A citizen in person at the counter (ADR 0360): only a counter officer revokes here,
        # not the owner (who does it online), nor another agency's head; the mandate is in force,
        # so a refused POST that revoked it would show.
        "office:mandate_revoke": Case(
            _mandate_in_force,
            method="post",
            allowed={"reception": REDIRECT},
            unchanged=lambda w: _refresh(w.mandate, "status"),
        ),
        "official_forms:panel": Case(dossier, allowed={"reception": OK, "processing": OK}),
        "official_forms:file": Case(
            lambda w: {"uuid": w.dossier.uuid, "document": w.document.uuid},
            reason="a dossier's issued form; the citizen's own upload is not one (404 to all)",
        ),
        "integrations:sync_retry": _office_post(
            lambda w: {"dossier_uuid": w.dossier.uuid},
        ),
        "integrations:postal_pickup": _office_post(lambda w: {"dossier_uuid": w.dossier.uuid}),
        "integrations:postal_dispatch": _office_post(lambda w: {"dossier_uuid": w.dossier.uuid}),
        "integrations:dvcqg_file": Case(
            lambda w: {"code": "X", "name": "a.png"},
            kind="exempt",
            reason="the national-portal simulator's sample file (off in production)",
        ),
        "metrics_office:export": Case(
            lambda w: {"fmt": "csv"},
            allowed={"supervisor": OK, "staff_other_agency": frozenset({200, 403})},
            reason="an export format, not an object; leaders see only their own scope",
        ),
        "stats:export": Case(
            lambda w: {"fmt": "csv"},
            kind="public",
            reason="the public transparency export (no personal data)",
        ),
    }
)

# Route families handled by one rule: every admin page with an object id is for superusers who
# passed MFA; nobody else reaches it.
ADMIN_PREFIX = "admin/"
