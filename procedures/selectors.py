"""Reads: catalogue search and filters, procedure detail, online-level shares and proposals.

The public catalogue is public, so its selectors need no user; the classification selectors take
the requesting user and scope to what their role may see.
"""

import datetime as dt
import threading
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import Role
from accounts.models import User
from accounts.selectors import user_has_role
from agencies.models import Agency
from procedures.constants import DueRule, OnlineLevel, ProposalStatus, RequirementKind
from procedures.deadlines import procedure_due_terms
from procedures.models import (
    ApplicantType,
    DocumentRequirement,
    FormField,
    OnlineLevelProposal,
    OnlineOnlyDay,
    Procedure,
    ProcedureCase,
    ProcedureChannel,
    ProcedureField,
)

# The catalogue search lives in its own module; its readers import it from here.
from procedures.search import (  # noqa: F401
    CatalogueChannel,
    CatalogueEntry,
    CatalogueFilters,
    SearchPage,
    catalogue_cached,
    catalogue_entries,
    catalogue_entry_of,
    catalogue_filter_options,
    catalogue_has_code,
    catalogue_version,
    forget_catalogue_version,
    fresh_catalogue_version,
    highlight,
    procedure_search,
    procedure_search_page,
    procedures_for_agency,
    query_words,
    search_cache_key,
    search_vocabulary,
)


def field_choices() -> list[tuple[str, str]]:
    """(code, name) of the catalogue's fields (lĩnh vực) that have procedures."""
    return list(
        ProcedureField.objects.filter(procedures__isnull=False)
        .distinct()
        .order_by("name")
        .values_list("code", "name")
    )


# The catalogue's applicant types that are organisations rather than people ("Tổ chức (không bao
# gồm doanh nghiệp, HTX)", "Doanh nghiệp có vốn đầu tư nước ngoài", "Hợp tác xã", "Tổ chức Đảng").
ORGANISATION_APPLICANT_PREFIXES = ("tổ chức", "doanh nghiệp", "hợp tác xã")


def procedure_open_to_organisations(*, code: str) -> bool:
    """Whether an organisation may be the applicant of procedure `code`: the catalogue lists an
    organisation among its applicant types, or lists none (unknown is not a refusal)."""
    names = ApplicantType.objects.filter(procedures__code=code).values_list("name", flat=True)
    types = [name.lower() for name in names]
    return not types or any(name.startswith(ORGANISATION_APPLICANT_PREFIXES) for name in types)


def procedure_field_code(*, code: str) -> str:
    """The field (lĩnh vực) code of the procedure `code`, "" when unknown."""
    return Procedure.objects.filter(code=code).values_list("field__code", flat=True).first() or ""


def procedure_get(*, code: str) -> Procedure | None:
    """One procedure with everything its public page and API show."""
    return (
        Procedure.objects.select_related(
            "field",
            "implementing_mapping__agency",
            "competent_mapping__agency",
            "coordinating_mapping__agency",
            "online_level_set_by",
        )
        .prefetch_related(
            "applicant_types",
            Prefetch("channels", queryset=ProcedureChannel.objects.order_by("channel")),
            "requirements",
            "form_fields",
            "workflow_steps__agency",
            "workflow_steps__lead_agency",
            "workflow_steps__participating_agencies",
            "fee_rules__exempt_applicant_types",
        )
        .filter(code=code)
        .first()
    )


# The procedures read during the current request, by code: a citizen's step reads the whole
# procedure (nine queries) in two or three services, and a submission's charge reads its fees
# from it again; once per request is enough (ADR 0331, 0340). Outside a request (tasks, the
# shell, service tests) every call reads it afresh, so no task keeps a stale catalogue.
_request_procedures = threading.local()


def _request_began(**_kwargs: object) -> None:
    _request_procedures.by_code = {}


def _request_ended(**_kwargs: object) -> None:
    _request_procedures.by_code = None


request_started.connect(_request_began, dispatch_uid="procedures.selectors.request_began")
request_finished.connect(_request_ended, dispatch_uid="procedures.selectors.request_ended")


def procedure_in_request(*, code: str) -> Procedure | None:
    """`procedure_get`, read once per request (a catalogue edit is another request)."""
    read: dict[str, Procedure | None] | None = getattr(_request_procedures, "by_code", None)
    if read is None:
        return procedure_get(code=code)
    if code not in read:
        read[code] = procedure_get(code=code)
    return read[code]


def procedure_form_specs(*, code: str) -> list[FormField]:
    """The e-form's fields in their order: one query, for pages that print a dossier's form data
    with their labels and need nothing else of the procedure."""
    return list(
        FormField.objects.filter(procedure__code=code)
        .order_by("position", "id")
        .only("key", "label_vi", "label_en", "prefill_source")
    )


def procedure_form_labels(*, code: str) -> list[tuple[str, str]]:
    """The e-form's (key, Vietnamese label) pairs in their order: one query, for pages that
    print a dossier's form data and need nothing else of the procedure."""
    return list(
        FormField.objects.filter(procedure__code=code)
        .order_by("position", "id")
        .values_list("key", "label_vi")
    )


@dataclass(frozen=True)
class FeeLine:
    """One fee due: `amount_vnd` after the online discount or exemption, `full_amount_vnd` before."""

    name: str
    amount_vnd: int
    full_amount_vnd: int
    discount_percent: int
    exempt: bool = False

    @property
    def label(self) -> str:
        return self.name


def procedure_fee_lines(
    *,
    procedure: Procedure,
    channel: str,
    applicant_type_code: str = "",
    day: dt.date | None = None,
) -> list[FeeLine]:
    """The one fee computation (payments' charges and the submission fee step both call it).

    The local fee rules in force on `day` for `channel` (or for every channel), with the online
    discount on the online channel, and zero for an applicant type the rule exempts. Without a
    local rule, the catalogue's published fee for the channel."""

    day = day or timezone.localdate()
    lines: list[FeeLine] = []
    for rule in procedure.fee_rules.all():
        if rule.channel not in ("", channel):
            continue
        if (rule.valid_from and day < rule.valid_from) or (rule.valid_to and day > rule.valid_to):
            continue
        exempt = bool(applicant_type_code) and any(
            t.code == applicant_type_code for t in rule.exempt_applicant_types.all()
        )
        lines.append(
            FeeLine(
                name=rule.name,
                amount_vnd=0 if exempt else rule.amount_for(channel),
                full_amount_vnd=rule.amount_vnd,
                discount_percent=rule.online_discount_percent if channel == "online" else 0,
                exempt=exempt,
            )
        )
    if not lines:
        published = next((c for c in procedure.channels.all() if c.channel == channel), None)
        if published is not None and published.fee_vnd and not published.is_free:
            lines.append(FeeLine(str(_("Phí, lệ phí")), published.fee_vnd, published.fee_vnd, 0))
    return lines


def procedure_online_only_on(
    *, procedure: Procedure, day: dt.date, agency: Agency | None = None
) -> bool:
    """Counter intake asks this: on `day` at `agency`, is paper refused (assisted online instead)?"""
    if procedure.online_only:
        return True
    days = OnlineOnlyDay.objects.filter(procedure=procedure, day=day)
    return days.filter(Q(agency__isnull=True) | Q(agency=agency)).exists()


def procedure_upcoming_online_only_days(
    *, procedure: Procedure, today: dt.date
) -> list[OnlineOnlyDay]:
    return list(
        OnlineOnlyDay.objects.filter(procedure=procedure, day__gte=today)
        .select_related("agency")
        .order_by("day")[:10]
    )


# --- online-service classification -------------------------------------------------------


@dataclass(frozen=True)
class OnlineShare:
    label: str
    total: int
    full: int
    partial: int

    @property
    def full_percent(self) -> float:
        return round(100 * self.full / self.total, 1) if self.total else 0.0


def online_share_province() -> OnlineShare:
    """Province-wide share over procedures performed at province or commune level."""
    counts = Procedure.objects.filter(Q(at_province=True) | Q(at_commune=True)).aggregate(
        total=Count("id"),
        full=Count("id", filter=Q(online_level=OnlineLevel.FULL)),
        partial=Count("id", filter=Q(online_level=OnlineLevel.PARTIAL)),
    )
    return OnlineShare(label=str(settings.PORTAL_NAME), **counts)


def online_share_by_agency() -> list[tuple[Agency, OnlineShare]]:
    """Share per agency that has procedures mapped to it directly (departments) or by level."""
    rows = []
    agencies = Agency.objects.filter(valid_to__isnull=True).order_by("level", "name")
    for agency in agencies:
        counts = Procedure.objects.filter(procedures_for_agency(agency)).aggregate(
            total=Count("id", distinct=True),
            full=Count("id", filter=Q(online_level=OnlineLevel.FULL), distinct=True),
            partial=Count("id", filter=Q(online_level=OnlineLevel.PARTIAL), distinct=True),
        )
        if counts["total"]:
            rows.append((agency, OnlineShare(label=agency.name, **counts)))
    return rows


def proposals_for(*, user: User) -> QuerySet[OnlineLevelProposal]:
    """Supervisors see every proposal; other staff see the ones they made."""
    qs = OnlineLevelProposal.objects.select_related(
        "procedure", "proposed_by", "decided_by", "agency"
    )
    if user_has_role(user=user, role=Role.ONESTOP_SUPERVISOR):
        return qs
    return qs.filter(proposed_by=user)


def proposals_pending_for(*, user: User) -> QuerySet[OnlineLevelProposal]:
    return proposals_for(user=user).filter(status=ProposalStatus.PENDING)


@dataclass(frozen=True)
class DueRuleRow:
    code: str
    name: str
    rule: str
    value: Decimal | None
    unit: str
    cutoff: dt.time | None


def procedures_due_rule_report(*, include_published: bool = False) -> list[DueRuleRow]:
    """Every procedure whose due date does not simply follow its published time (or has a
    cut-off), with the rule `procedures.deadlines` applies to it: the review list of ADR 0252."""

    rows = []
    queryset = Procedure.objects.only("code", "name", "receipt_cutoff").prefetch_related("channels")
    for procedure in queryset.order_by("code"):
        terms = procedure_due_terms(procedure)
        if include_published or terms.rule != DueRule.PUBLISHED or terms.cutoff is not None:
            rows.append(
                DueRuleRow(
                    procedure.code,
                    procedure.name,
                    terms.rule,
                    terms.value,
                    terms.unit,
                    terms.cutoff,
                )
            )
    return rows


# --- cases of a procedure's document list (ADR 0260) ---------------------------------------


def procedure_cases(*, procedure: Procedure) -> list[ProcedureCase]:
    """The situations the applicant chooses among; every imported procedure has at least one."""
    return list(ProcedureCase.objects.filter(procedure=procedure))


def procedure_case(*, procedure: Procedure, key: str) -> ProcedureCase | None:
    return ProcedureCase.objects.filter(procedure=procedure, key=key).first()


def _lines_for(procedure: Procedure | int, case_key: str) -> QuerySet[DocumentRequirement]:
    in_case = Q(case__isnull=True)
    if case_key:
        in_case |= Q(case__key=case_key)
    return DocumentRequirement.objects.filter(in_case, procedure=procedure).order_by(
        "position", "id"
    )


def case_documents(*, procedure: Procedure, case_key: str) -> list[DocumentRequirement]:
    """The upload slots of a case: the common documents and the case's own, nothing else."""
    return list(_lines_for(procedure, case_key).filter(kind=RequirementKind.DOCUMENT))


@dataclass
class CaseGuidance:
    """What is shown beside the upload slots and is never one of them."""

    notes: list[DocumentRequirement]
    state_held: list[DocumentRequirement]
    alternatives: dict[str, list[DocumentRequirement]]  # by the source key of their line
    # The same, as the requirement's wording and the documents that meet it (ADR 0315).
    choices: list["AlternativeChoice"] = field(default_factory=list)


@dataclass
class AlternativeChoice:
    requirement: str
    lines: list[DocumentRequirement]


def case_guidance(*, procedure: Procedure, case_key: str) -> CaseGuidance:
    lines = list(_lines_for(procedure, case_key))
    return _guidance_of(lines)


@dataclass
class CaseReads:
    """A procedure's cases with one case's upload slots and guidance."""

    cases: list[ProcedureCase]
    documents: list[DocumentRequirement]
    guidance: CaseGuidance


def procedure_case_reads(*, code: str, case_key: str) -> CaseReads | None:
    """`procedure_cases`, `case_documents` and `case_guidance` in three small queries, without
    loading the whole procedure (the officer's dossier page); None for an unknown code."""
    procedure_id = Procedure.objects.filter(code=code).values_list("pk", flat=True).first()
    if procedure_id is None:
        return None
    cases = list(ProcedureCase.objects.filter(procedure_id=procedure_id))
    lines = list(_lines_for(procedure_id, case_key))
    return CaseReads(
        cases=cases,
        documents=[line for line in lines if line.kind == RequirementKind.DOCUMENT],
        guidance=_guidance_of(lines),
    )


def _guidance_of(lines: list[DocumentRequirement]) -> CaseGuidance:
    """The guidance among a case's lines (its documents name the lines alternatives meet)."""
    guidance = CaseGuidance(notes=[], state_held=[], alternatives={})
    requirements = {}
    for line in lines:
        if line.kind == RequirementKind.DOCUMENT:
            requirements[line.source_key] = line.name
        elif line.kind == RequirementKind.STATE_HELD:
            guidance.state_held.append(line)
        elif line.kind == RequirementKind.ALTERNATIVE:
            guidance.alternatives.setdefault(line.alternative_of, []).append(line)
        else:
            guidance.notes.append(line)
    guidance.choices = [
        AlternativeChoice(requirement=requirements.get(key, ""), lines=options)
        for key, options in guidance.alternatives.items()
    ]
    return guidance


def procedures_with_case_guesses() -> QuerySet[Procedure]:
    """The procedures whose split into cases was a guess somewhere, for a person to review."""
    return Procedure.objects.exclude(case_guesses=[]).order_by("code")
