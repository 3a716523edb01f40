"""The dossier transition table and pure helpers: no ORM, no I/O (see ADR 0070).

Every edge names who may take it, whether a note is required, which standard form (01–07) it
produces and which guards must pass. Guards are looked up by name in `guards`; higher apps
register theirs in `AppConfig.ready()` (payments registers "fees_settled"), so this module never
imports them. An edge whose guard is not registered is refused (fail closed).

Article numbers are NĐ 118/2025/NĐ-CP unless said otherwise; [I] marks a design choice of ours
where the decree is silent (regulation-spec §5.3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from common.exceptions import ApplicationError
from common.registry import Registry
from dossiers.constants import Actor, DossierStatus, FormCode

S = DossierStatus
A = Actor
F = FormCode


class TransitionNotAllowed(ApplicationError):
    """The table, the actor's role or agency, a guard or a missing note refuses the move."""

    def __init__(self, message: str, *, code: str = "transition_not_allowed", **kwargs: Any):
        super().__init__(str(message), code=code, **kwargs)


@dataclass(frozen=True)
class Transition:
    source: DossierStatus
    target: DossierStatus
    actors: frozenset[Actor]
    article: str
    note_required: bool = False
    form_code: FormCode | None = None
    # A negative result (refusal after appraisal) is issued on Mẫu 03 instead (Art. 19.3).
    form_code_if_negative: FormCode | None = None
    guards: tuple[str, ...] = ()
    # The actor states the proposed result (positive or negative) when taking this edge.
    sets_result_kind: bool = False

    def allows(self, role: str) -> bool:
        return role in self.actors

    def form_for(self, result_kind: str | None) -> FormCode | None:
        if result_kind == "negative" and self.form_code_if_negative:
            return self.form_code_if_negative
        return self.form_code


def _t(
    source: DossierStatus,
    target: DossierStatus,
    actors: Iterable[Actor],
    article: str,
    **kwargs: Any,
) -> Transition:
    return Transition(source, target, frozenset(actors), article, **kwargs)


APPLICANT = (A.CITIZEN, A.COMMUNITY_HELPER)
# Withdrawal is possible from submission until the decision is issued (Art. 21: "đến trước khi
# cơ quan có thẩm quyền ban hành quyết định"): while the result is being signed (SIGNING) or
# numbered and issued by the records clerk (ISSUING) it is not issued yet; once DONE it is.
WITHDRAWABLE = (
    S.SUBMITTED,
    S.INTAKE_SUPPLEMENT,
    S.RECEIVED,
    S.IN_PROCESS,
    S.APPRAISING,
    S.CONSULTING,
    S.INTERAGENCY,
    S.AWAITING_APPROVAL,
    S.SIGNING,
    S.ISSUING,
    S.SUPPLEMENT_REQUESTED,
    S.SUPPLEMENT_SUBMITTED,
    S.AWAITING_PAYMENT,
)

TRANSITIONS: tuple[Transition, ...] = (
    # Submission: online by the applicant or a community helper, at the counter by the reception
    # officer, from the National Portal by the importer (Art. 15, 17.1, 17.2).
    _t(
        S.DRAFT,
        S.SUBMITTED,
        (*APPLICANT, A.RECEPTION_OFFICER, A.SYSTEM),
        "Điều 15, 17",
        guards=("agencies_set", "required_documents_present"),
    ),
    # Reception: receipt Mẫu 01, the clock starts (Art. 17.1.c, 17.2.c, 17.3).
    # A dossier the post is collecting is received once handed over (QĐ 45/2016/QĐ-TTg).
    _t(
        S.SUBMITTED,
        S.RECEIVED,
        (A.RECEPTION_OFFICER,),
        "Điều 17.1.c, 17.2.c, 17.3",
        form_code=F.RECEIPT,
        guards=("required_documents_present", "postal_collection_arrived"),
    ),
    # Incomplete at intake: list every missing item at once, only once (Art. 11.2.c, 16.3).
    _t(
        S.SUBMITTED,
        S.INTAKE_SUPPLEMENT,
        (A.RECEPTION_OFFICER,),
        "Điều 11.2.c, 16.3, 17.2.c",
        note_required=True,
        form_code=F.SUPPLEMENT_REQUEST,
        guards=("intake_supplement_not_used",),
    ),
    # Not admissible: refusal Mẫu 03 with reasons (Art. 17.1.c).
    _t(
        S.SUBMITTED,
        S.REJECTED_AT_INTAKE,
        (A.RECEPTION_OFFICER,),
        "Điều 17.1.c",
        note_required=True,
        form_code=F.REFUSAL,
    ),
    # Resubmission after an intake supplement keeps the same code (NĐ 45/2020 Art. 12).
    _t(
        S.INTAKE_SUPPLEMENT,
        S.SUBMITTED,
        (*APPLICANT, A.RECEPTION_OFFICER, A.SYSTEM),
        "NĐ 45/2020 Điều 12",
        guards=("required_documents_present",),
    ),
    # [I] An intake supplement never answered can only be closed by a refusal (Mẫu 03).
    _t(
        S.INTAKE_SUPPLEMENT,
        S.REJECTED_AT_INTAKE,
        (A.RECEPTION_OFFICER,),
        "Điều 17.1.c [I]",
        note_required=True,
        form_code=F.REFUSAL,
    ),
    # Transfer to the competent agency; the control sheet Mẫu 06 starts (Art. 18).
    _t(
        S.RECEIVED,
        S.IN_PROCESS,
        (A.RECEPTION_OFFICER, A.SYSTEM),
        "Điều 18",
        form_code=F.CONTROL_SHEET,
    ),
    # The head assigns a processing officer (or an assignment rule does) (Art. 19.1).
    _t(S.IN_PROCESS, S.APPRAISING, (A.AGENCY_HEAD, A.SYSTEM), "Điều 19.1"),
    # Inter-agency dossier sent to all participants at once, lead agency named (Art. 20).
    _t(S.IN_PROCESS, S.INTERAGENCY, (A.AGENCY_HEAD,), "Điều 20"),
    _t(S.APPRAISING, S.INTERAGENCY, (A.PROCESSING_OFFICER,), "Điều 20"),
    _t(S.INTERAGENCY, S.APPRAISING, (A.PROCESSING_OFFICER,), "Điều 20"),
    # Verification, field check or consultation, with content and deadline (Art. 19.4).
    _t(S.APPRAISING, S.CONSULTING, (A.PROCESSING_OFFICER,), "Điều 19.4", note_required=True),
    # ... and resumed once every consulted agency has answered.
    _t(
        S.CONSULTING,
        S.APPRAISING,
        (A.PROCESSING_OFFICER,),
        "Điều 19.4",
        guards=("consultations_answered",),
    ),
    # Supplement after appraisal, within 3 working days of receipt, Mẫu 02 (Art. 19.5), and only
    # once: a dossier received again after its supplement is not asked again (Art. 11.2.c; QĐ 766
    # indicator 2.1 counts a second request as late).
    _t(
        S.APPRAISING,
        S.SUPPLEMENT_REQUESTED,
        (A.PROCESSING_OFFICER, A.AGENCY_HEAD),
        "Điều 11.2.c, 19.5",
        note_required=True,
        form_code=F.SUPPLEMENT_REQUEST,
        guards=("supplement_window_open", "supplement_not_used"),
    ),
    # The applicant sends the missing items online (NĐ 45/2020 Art. 12) ...
    _t(
        S.SUPPLEMENT_REQUESTED,
        S.SUPPLEMENT_SUBMITTED,
        (*APPLICANT, A.SYSTEM),
        "Điều 19.5; NĐ 45/2020 Điều 12",
        guards=("required_documents_present",),
    ),
    # ... and the officer accepts them: new receipt, the clock restarts from zero (Art. 19.5).
    _t(
        S.SUPPLEMENT_SUBMITTED,
        S.RECEIVED,
        (A.RECEPTION_OFFICER,),
        "Điều 19.5",
        form_code=F.RECEIPT,
        guards=("required_documents_present",),
    ),
    # At the counter both happen at once (Art. 19.5).
    _t(
        S.SUPPLEMENT_REQUESTED,
        S.RECEIVED,
        (A.RECEPTION_OFFICER,),
        "Điều 19.5",
        form_code=F.RECEIPT,
        guards=("required_documents_present",),
    ),
    # No answer within 15 days: the one-stop unit closes the dossier, Mẫu 05 (Art. 19.5).
    _t(
        S.SUPPLEMENT_REQUESTED,
        S.STOPPED,
        (A.RECEPTION_OFFICER, A.ONESTOP_SUPERVISOR, A.SYSTEM),
        "Điều 19.5",
        note_required=True,
        form_code=F.STOP_NOTICE,
        guards=("supplement_deadline_passed",),
    ),
    # A fee assessed after reception (Art. 24); the payment settles it (payments' guard).
    _t(S.APPRAISING, S.AWAITING_PAYMENT, (A.PROCESSING_OFFICER,), "Điều 24", note_required=True),
    _t(
        S.AWAITING_PAYMENT,
        S.APPRAISING,
        (A.RECEPTION_OFFICER, A.SYSTEM),
        "Điều 24",
        guards=("fees_settled",),
    ),
    # Presentation for approval with the proposed result; the head approves or sends it back.
    _t(
        S.APPRAISING,
        S.AWAITING_APPROVAL,
        (A.PROCESSING_OFFICER,),
        "Điều 19.1, 19.3",
        sets_result_kind=True,
    ),
    _t(S.AWAITING_APPROVAL, S.APPRAISING, (A.AGENCY_HEAD,), "Điều 19.1", note_required=True),
    # The head approves a draft result in view (issue #20): not before the officer attached it.
    _t(
        S.AWAITING_APPROVAL,
        S.SIGNING,
        (A.AGENCY_HEAD,),
        "Điều 19.3",
        guards=("result_kind_set", "draft_result_attached"),
    ),
    # The result is digitally signed, numbered and issued by the records clerk (Art. 22.1).
    _t(
        S.SIGNING,
        S.ISSUING,
        (A.AGENCY_HEAD,),
        "Điều 22.1",
        guards=("result_document_attached", "result_signed"),
    ),
    _t(
        S.ISSUING,
        S.DONE,
        (A.RECORDS_CLERK,),
        "Điều 19.3, 22.1",
        form_code_if_negative=F.REFUSAL,
        guards=("result_kind_set", "result_document_attached", "result_signed"),
    ),
    # Return at the counter, by post or on the portal / data store (Art. 22.3, 22.5). A fee still
    # owed is paid before the result is handed over (Art. 24), so the guard sits on the hand-over.
    _t(
        S.DONE,
        S.RETURNED,
        (A.RECEPTION_OFFICER, A.SYSTEM),
        "Điều 22.3, 22.5, 24",
        guards=("fees_settled", "early_return_notified"),
    ),
    # Error in the result: sent back, corrected within 3 working days (Art. 23.1).
    _t(S.RETURNED, S.CORRECTION, (A.RECEPTION_OFFICER,), "Điều 23.1", note_required=True),
    _t(
        S.CORRECTION,
        S.RETURNED,
        (A.RECEPTION_OFFICER, A.SYSTEM),
        "Điều 23.1",
        guards=("result_document_attached",),
    ),
    # Withdrawal request from submission until the decision (Art. 21) ...
    *(
        _t(source, S.WITHDRAWAL_REQUESTED, (*APPLICANT, A.RECEPTION_OFFICER, A.SYSTEM), "Điều 21")
        for source in WITHDRAWABLE
    ),
    # ... accepted with the stop notice Mẫu 05 (Art. 21) ...
    _t(
        S.WITHDRAWAL_REQUESTED,
        S.STOPPED,
        (A.RECEPTION_OFFICER, A.AGENCY_HEAD),
        "Điều 21",
        form_code=F.STOP_NOTICE,
    ),
    # ... or cancelled by the applicant: back to where it was. [I] Withdrawal before the decision
    # is the applicant's right, so staff cannot refuse it, only accept it.
    *(
        _t(
            S.WITHDRAWAL_REQUESTED,
            source,
            (*APPLICANT, A.SYSTEM),
            "Điều 21 [I]",
            guards=("resumes_previous_status",),
        )
        for source in WITHDRAWABLE
    ),
)

# Keyed by plain strings: a DossierStatus hashes and compares as its value.
_BY_EDGE: dict[tuple[str, str], Transition] = {}
for _transition in TRANSITIONS:
    _edge = (_transition.source, _transition.target)
    if _edge in _BY_EDGE:  # one edge, one rule: the matrix test relies on it
        raise ValueError(f"duplicate transition {_edge}")
    _BY_EDGE[_edge] = _transition


def get_transition(source: str, target: str) -> Transition:
    """The edge source → target, or TransitionNotAllowed."""
    try:
        return _BY_EDGE[(DossierStatus(source), DossierStatus(target))]
    except (KeyError, ValueError):
        raise TransitionNotAllowed(
            _("Không thể chuyển hồ sơ từ “%(source)s” sang “%(target)s”.")
            % {"source": _label(source), "target": _label(target)}
        ) from None


def transition_allowed(source: str, target: str, role: str) -> bool:
    """Table and role only; guards and agency need the database (see `dossier_transition`)."""
    transition = _BY_EDGE.get((source, target))
    return transition is not None and transition.allows(role)


def available_transitions(status: str, roles: Iterable[str]) -> list[Transition]:
    """The edges out of `status` that any of `roles` may take, in table order (drives buttons)."""
    role_set = set(roles)
    return [t for t in TRANSITIONS if t.source == status and t.actors & role_set]


def available_targets(status: str, roles: Iterable[str]) -> list[DossierStatus]:
    return [t.target for t in available_transitions(status, roles)]


def _label(status: str) -> str:
    try:
        return str(DossierStatus(status).label)
    except ValueError:
        return status


# --- guards ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GuardContext:
    """What a guard sees. `dossier` is the locked `Dossier` row; guards read, never write."""

    dossier: Any
    transition: Transition
    by: Any
    role: str
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)


# A guard returns None when the transition may go ahead, or the reason it may not (translated).
Guard = Callable[[GuardContext], "str | None"]


class GuardRegistry(Registry[Guard]):
    @contextmanager
    def replaced(self, key: str, guard: Guard) -> Iterator[None]:
        """Swap a guard for the duration of a block (tests, and simulations in the demo)."""
        previous = self._items.get(key)
        self._items[key] = guard
        try:
            yield
        finally:
            if previous is None:
                del self._items[key]
            else:
                self._items[key] = previous


guards: GuardRegistry = GuardRegistry("dossier guard")


def guard_names() -> frozenset[str]:
    """Every guard the table refers to."""
    return frozenset(name for t in TRANSITIONS for name in t.guards)


def check_guards(context: GuardContext) -> list[str]:
    """Reasons the guards of `context.transition` refuse it; empty when it may go ahead."""
    reasons: list[str] = []
    for name in context.transition.guards:
        if name not in guards:
            reasons.append(
                str(
                    _("Điều kiện “%(name)s” chưa được đăng ký nên không thể chuyển.")
                    % {"name": name}
                )
            )
            continue
        reason = guards[name](context)
        if reason:
            reasons.append(str(reason))
    return reasons


# --- documentation ---------------------------------------------------------------------------


def mermaid_diagram() -> str:
    """The table as a Mermaid state diagram; `docs/dossier-workflow.md` embeds it."""
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    for t in TRANSITIONS:
        actors = ", ".join(sorted(t.actors))
        extras = [f"Mẫu {t.form_code}"] if t.form_code else []
        if t.form_code_if_negative:
            extras.append(f"Mẫu {t.form_code_if_negative} nếu từ chối")
        if t.note_required:
            extras.append("ghi chú")
        label = actors + (f" ({', '.join(extras)})" if extras else "")
        lines.append(f"    {t.source} --> {t.target}: {label}")
    for status in (S.REJECTED_AT_INTAKE, S.STOPPED):
        lines.append(f"    {status} --> [*]")
    return "\n".join(lines)


def who_may_do_what_table() -> str:
    """A Markdown table of every edge: actors, note, form, guards, article."""
    rows = [
        "| Từ | Sang | Ai được thực hiện | Ghi chú bắt buộc | Biểu mẫu | Điều kiện | Căn cứ |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in TRANSITIONS:
        form = t.form_code or ""
        if t.form_code_if_negative:
            form = (form + " / " if form else "") + f"{t.form_code_if_negative} (từ chối)"
        rows.append(
            f"| `{t.source}` | `{t.target}` | {', '.join(sorted(t.actors))} "
            f"| {'có' if t.note_required else ''} | {form} | {', '.join(t.guards)} | {t.article} |"
        )
    return "\n".join(rows)
