"""Writes of the citizen's draft: start it (assurance, mandate), the applicant and form steps.

Every function is a service (keyword-only, atomic). Status changes go through
`dossiers.services.transition`; nothing here assigns `status`. See docs/submission.md, ADR 0090.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.identity.mandates import (
    MandateRequired,
    attribution,
    mandate_active_for,
    mandate_require,
    mandates_received,
)
from accounts.identity.selectors import assurance_satisfies
from accounts.models import Organisation, User
from accounts.selectors import profile_for
from accounts.services import profile_update
from accounts.validators import validate_id_number, validate_phone
from agencies.constants import AgencyKind
from agencies.models import Agency
from agencies.selectors import agencies_valid_on, agency_current, agency_for_commune_code
from common.exceptions import ApplicationError
from documents.constants import UseKind
from documents.selectors import documents_visible_to, organisations_represented
from documents.services import document_use_remove
from dossiers import eform
from dossiers.constants import (
    APPLICANT_LABELS,
    DRAFT_STEPS,
    Actor,
    Channel,
    DossierStatus,
    DraftStep,
    TimeUnit,
    catalogue_channel,
)
from dossiers.models import Dossier, DossierComponent
from dossiers.selectors.actors import dossier_actor_agency
from dossiers.selectors.cases import case_component_specs, initial_case
from dossiers.services.organisations import organisation_errors, organisation_prefill
from dossiers.workflow import TransitionNotAllowed
from procedures.deadlines import ONLINE_FIRST, procedure_due_terms
from procedures.selectors import (
    FeeLine,
    procedure_fee_lines,
    procedure_field_code,
    procedure_in_request,
    procedure_open_to_organisations,
)

S = DossierStatus
# The statuses in which the applicant may replace documents: answering a supplement request.
SUPPLEMENT_STATUSES = frozenset({S.INTAKE_SUPPLEMENT, S.SUPPLEMENT_REQUESTED})
# Where a supplement answer goes next (the table in dossiers.workflow holds both edges).
SUPPLEMENT_TARGET = {
    S.INTAKE_SUPPLEMENT: S.SUBMITTED,
    S.SUPPLEMENT_REQUESTED: S.SUPPLEMENT_SUBMITTED,
}

APPLICANT_KEYS = ("full_name", "id_number", "date_of_birth", "phone", "email", "address")
# Set when the draft starts (or by their own field) and kept when the applicant step is saved.
KEPT_APPLICANT_KEYS = ("mandate", "submitted_by", "applicant_type_code", "organisation")


# --- reading the catalogue --------------------------------------------------------------------


def procedure_for(dossier: Dossier) -> Any:
    """The dossier's procedure, read once per request (`procedures.selectors`, ADR 0331)."""
    return procedure_in_request(code=dossier.procedure_code)


def procedure_needs_commune(procedure: Any) -> bool:
    """True when the procedure is filed at "the commune" in general: the applicant picks which."""
    for mapping in (procedure.implementing_mapping, procedure.competent_mapping):
        if mapping is not None and mapping.agency_id:
            return False
    return bool(procedure.at_commune)


def procedure_online_fees(
    procedure: Any, *, dossier: Dossier | None = None, day: dt.date | None = None
) -> list[FeeLine]:
    """The fees due online, computed by procedures (discount, exemption of the applicant type the
    draft names, rules in force on `day`)."""
    applicant_type_code = ((dossier.applicant_data or {}) if dossier else {}).get(
        "applicant_type_code", ""
    )
    return procedure_fee_lines(
        procedure=procedure,
        # A dossier whose paper the post collects pays the postal channel's fees.
        channel=catalogue_channel(dossier.channel) if dossier is not None else "online",
        applicant_type_code=applicant_type_code or "",
        day=day,
    )


def _service_centre() -> Agency | None:
    return (
        agencies_valid_on()
        .filter(kind=AgencyKind.SERVICE_CENTRE, level="province")
        .order_by("position", "pk")
        .first()
    )


def _agencies_for(procedure: Any, commune: Agency | None) -> tuple[Agency | None, Agency | None]:
    """(receiving, competent): a named agency is received at the province centre; a commune
    procedure is received and decided by the commune the applicant chose."""
    for mapping in (procedure.implementing_mapping, procedure.competent_mapping):
        if mapping is not None and mapping.agency_id:
            competent = agency_current(mapping.agency)
            if competent.level == "commune":
                return competent, competent
            return (_service_centre() or competent), competent
    if procedure_needs_commune(procedure):
        return commune, commune
    centre = _service_centre()
    return centre, centre


def _processing_terms(procedure: Any) -> Any:
    """The procedure's time for an online dossier, by the catalogue rules of ADR 0252: as
    published, same-day with the 15:00 cut-off, or a missing unit read as working days."""
    return procedure_due_terms(procedure, order=ONLINE_FIRST)


# --- prefill ------------------------------------------------------------------------------------


def _profile(user: User) -> Any:
    return profile_for(user=user)


# "Not read yet": the caller that already holds the profile (or knows there is none) passes it.
_UNREAD: Any = object()


def applicant_prefill(user: User, profile: Any = _UNREAD) -> dict[str, str]:
    profile = _profile(user) if profile is _UNREAD else profile
    if profile is None:
        return {"full_name": user.get_full_name(), "email": user.email}
    return {
        "full_name": profile.full_name or user.get_full_name(),
        "id_number": profile.id_number or "",
        "date_of_birth": eform.to_json(profile.date_of_birth),
        "phone": profile.phone,
        "email": profile.email or user.email,
        "address": profile.permanent_address,
    }


def fields_prefill(
    *, user: User, specs: list[Any], exclude_pk: int | None = None, profile: Any = _UNREAD
) -> dict:
    """Enter once: the profile for fields with a prefill source, otherwise the value the citizen
    gave for the same key on their most recent dossier."""
    profile = _profile(user) if profile is _UNREAD else profile
    mine = Dossier.objects.filter(applicant=user)
    if exclude_pk is not None:
        mine = mine.exclude(pk=exclude_pk)
    recent = list(mine.order_by("-updated_at").values_list("form_data", flat=True)[:20])
    values: dict[str, Any] = {}
    for spec in specs:
        value = eform.profile_value(profile, spec.prefill_source) if spec.prefill_source else ""
        if value in ("", None):
            value = next((d[spec.key] for d in recent if d.get(spec.key) not in (None, "")), "")
        if value not in ("", None):
            values[spec.key] = value
    return values


# --- the draft ----------------------------------------------------------------------------------


def _check_applicant(dossier: Dossier, by: User) -> None:
    """Raises TransitionNotAllowed unless `by` may act for the applicant (404 in views)."""
    dossier_actor_agency(dossier=dossier, by=by, role=Actor.CITIZEN)


def _locked_draft(dossier: Dossier, by: User) -> Dossier:
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _check_applicant(locked, by)
    if locked.status != S.DRAFT:
        raise ApplicationError(_("Hồ sơ đã được nộp, không sửa được nữa."), code="not_a_draft")
    return locked


def _reach(dossier: Dossier, step: DraftStep) -> None:
    """Remember the furthest step reached (a draft resumes there)."""
    current = DraftStep(dossier.draft_step) if dossier.draft_step in DraftStep.values else None
    if current is None or DRAFT_STEPS.index(step) > DRAFT_STEPS.index(current):
        dossier.draft_step = step


class AssuranceRequired(ApplicationError):
    """The procedure needs a stronger national-identity sign-in (`extra["required"]`)."""


def assurance_check(*, procedure: Any, user: User) -> None:
    """Raise `AssuranceRequired` unless `user` signed in at the level the procedure requires
    (VNeID level 2 for the procedures configured so; the submitter's own level counts, also
    when acting for someone else)."""
    required = int(getattr(procedure, "min_assurance_level", 0) or 0)
    if required and not assurance_satisfies(user=user, required=required):
        raise AssuranceRequired(
            _(
                "Thủ tục này yêu cầu đăng nhập bằng tài khoản định danh điện tử mức %(level)s "
                "(VNeID)."
            )
            % {"level": required},
            code="assurance_required",
            extra={"required": required},
        )


def _mandate_for(*, agent: User, principal: User, procedure_code: str) -> Any:
    """The mandate in force that lets `agent` file `procedure_code` for `principal` (scoped to
    the procedure, its field, or everything)."""
    try:
        return mandate_require(
            agent=agent,
            principal=principal,
            procedure_code=procedure_code,
            field_code=procedure_field_code(code=procedure_code),
        )
    except MandateRequired as error:
        raise ApplicationError(error.message, code="no_mandate") from error


def on_behalf_choices(*, user: User, procedure_code: str) -> list[tuple[str, str]]:
    """(value, label) of whom `user` may file this procedure for: the organisations they
    represent (value: organisation UUID) and the people whose mandate in force covers it
    (value: "nguoi:" + the principal's UUID)."""
    choices = []
    if procedure_open_to_organisations(code=procedure_code):  # not for a person-only procedure
        choices = [(str(o.uuid), o.name) for o in organisations_represented(user=user)]
    field_code = procedure_field_code(code=procedure_code)
    seen: set[int] = set()
    for mandate in mandates_received(user=user):
        principal = mandate.principal
        if principal.pk in seen:
            continue
        if mandate_active_for(
            agent=user, principal=principal, procedure_code=procedure_code, field_code=field_code
        ):
            seen.add(principal.pk)
            label = _("%(name)s (theo ủy quyền)") % {"name": principal.get_full_name()}
            choices.append((f"nguoi:{principal.uuid}", label))
    return choices


def dossier_mandate(dossier: Dossier) -> str:
    """The UUID of the mandate a draft was started under ("" when filed in one's own name)."""
    return str((dossier.applicant_data or {}).get("mandate", ""))


@transaction.atomic
def dossier_start(
    *,
    procedure: Any,
    user: User,
    organisation: Organisation | None = None,
    principal: User | None = None,
    require_assurance: bool = True,
) -> Dossier:
    """A new online draft for `procedure`, prefilled from the profile and earlier dossiers.

    One component per document requirement; requirements the state already holds are marked
    so and never asked for (NĐ 118 Art. 5.1.i). `organisation`: filed for an organisation the
    user represents. `principal`: filed for another person under a mandate in force
    (`accounts.identity.mandates`); that person is the applicant, the user the submitter, and
    the prefill comes from the applicant's profile and dossiers. `require_assurance=False` is for
    channels that authenticated the citizen themselves (a dossier taken in from the National
    Portal); the web and the API keep the procedure's assurance gate.
    """

    if not procedure.offers_online:
        raise ApplicationError(
            _("Thủ tục này chưa cung cấp dịch vụ nộp hồ sơ trực tuyến."), code="not_online"
        )
    if require_assurance:
        assurance_check(procedure=procedure, user=user)
    if organisation is not None and principal is not None:
        raise ApplicationError(
            _("Chọn nộp cho một tổ chức hoặc một người, không chọn cả hai."), code="invalid"
        )
    if (
        organisation is not None
        and not organisations_represented(user=user).filter(pk=organisation.pk).exists()
    ):
        raise ApplicationError(_("Bạn không đại diện cho tổ chức này."), code="not_representative")
    if organisation is not None and not procedure_open_to_organisations(code=procedure.code):
        raise ApplicationError(
            _("Thủ tục này dành cho cá nhân: tổ chức không phải là đối tượng thực hiện."),
            code="not_for_organisations",
        )
    mandate = None
    applicant = user
    if principal is not None and principal.pk != user.pk:
        mandate = _mandate_for(agent=user, principal=principal, procedure_code=procedure.code)
        applicant = principal
    profile = _profile(applicant)
    commune = None
    if procedure_needs_commune(procedure) and profile and profile.permanent_commune_code:
        commune = agency_for_commune_code(profile.permanent_commune_code)
    receiving, competent = _agencies_for(procedure, commune)
    terms = _processing_terms(procedure)
    specs = list(procedure.form_fields.all())
    case_key, case_title = initial_case(procedure)
    components = case_component_specs(procedure=procedure, case_key=case_key)
    declared: dict[str, Any] = (
        organisation_prefill(organisation)
        if organisation
        else applicant_prefill(applicant, profile)
    )
    dossier = dossier_create_draft(
        applicant=applicant,
        submitter=user,
        organisation=organisation,
        procedure_code=procedure.code,
        procedure_name=procedure.name[:500],
        receiving_agency=receiving,
        competent_agency=competent,
        processing_time=terms.value,
        processing_time_unit=terms.unit,
        processing_cutoff=terms.cutoff,
        # An organisation's form is not prefilled from its representative's own data: only its
        # legal representative's name, which the organisation's record holds (ADR 0305).
        form_data=eform.legal_representative_prefill(specs, declared["organisation"])
        if organisation
        else fields_prefill(user=applicant, specs=specs, profile=profile),
        components=components,
    )
    dossier.applicant_data = declared
    if mandate is not None:
        dossier.applicant_data["mandate"] = str(mandate.uuid)
        dossier.applicant_data["submitted_by"] = attribution(mandate=mandate)
    dossier.draft_step = DraftStep.APPLICANT
    dossier.case_key, dossier.case_title = case_key, case_title
    dossier.fee_vnd = sum(
        line.amount_vnd for line in procedure_online_fees(procedure, dossier=dossier)
    )
    dossier.save(
        update_fields=[
            "applicant_data",
            "draft_step",
            "case_key",
            "case_title",
            "fee_vnd",
            "updated_at",
        ]
    )
    return dossier


def applicant_errors(data: dict[str, Any]) -> dict[str, list[str]]:
    """The applicant step's rules, shared by the web form, the API and the submission check."""
    errors: dict[str, list[str]] = {}
    for key in ("full_name", "id_number", "phone", "address"):
        if not str(data.get(key) or "").strip():
            errors[key] = [str(eform.REQUIRED_MESSAGE)]
    if data.get("organisation"):  # the applicant is an organisation: its tax code, no birth date
        return organisation_errors(data, errors)
    birth = None
    if data.get("date_of_birth"):
        try:
            birth = dt.date.fromisoformat(str(data["date_of_birth"]))
        except ValueError:
            errors["date_of_birth"] = [str(eform.NOT_A_DATE_MESSAGE)]
        else:
            if birth > timezone.localdate():
                errors["date_of_birth"] = [_("Ngày sinh không thể sau ngày hôm nay.")]
                birth = None
    for key, check in (
        ("id_number", lambda v: validate_id_number(v, birth)),
        ("phone", validate_phone),
    ):
        if key not in errors and data.get(key):
            try:
                check(str(data[key]).strip())
            except ValidationError as error:
                errors[key] = [str(m) for m in error.messages]
    return errors


def applicant_problem_lines(errors: dict[str, list[str]]) -> list[str]:
    """`applicant_errors` as sentences a citizen reads: "Số định danh cá nhân: …"."""
    return [
        f"{APPLICANT_LABELS.get(key, key)}: {' '.join(messages)}"
        for key, messages in errors.items()
    ]


def applicant_type_choices(procedure: Any) -> list[tuple[str, str]]:
    """The applicant types a citizen may declare for this procedure: those the catalogue lists
    and those a fee rule exempts (`procedures.selectors.procedure_fee_lines`)."""
    types = {t.code: t.name for t in procedure.applicant_types.all()}
    for rule in procedure.fee_rules.all():
        types.update({t.code: t.name for t in rule.exempt_applicant_types.all()})
    return sorted(types.items(), key=lambda item: item[1])


def _applicant_type(dossier: Dossier, code: str) -> str:
    if not code:
        return ""
    procedure = procedure_for(dossier)
    if procedure is None or code not in dict(applicant_type_choices(procedure)):
        raise ApplicationError(
            _("Đối tượng thực hiện không hợp lệ."),
            code="invalid",
            extra={"errors": {"applicant_type_code": [_("Chọn một đối tượng trong danh sách.")]}},
        )
    return code


@transaction.atomic
def draft_applicant_save(
    *,
    dossier: Dossier,
    by: User,
    data: dict[str, Any],
    filing_agency: Agency | None = None,
    save_to_profile: bool = False,
) -> Dossier:
    """Save the applicant step; optionally write the changes back to the citizen's profile."""
    locked = _locked_draft(dossier, by)
    organisation = (locked.applicant_data or {}).get("organisation")
    errors = applicant_errors({**data, "organisation": organisation})
    if errors:
        raise ApplicationError(
            _("Thông tin người nộp chưa hợp lệ."), code="invalid", extra={"errors": errors}
        )
    kept = {k: v for k, v in (locked.applicant_data or {}).items() if k in KEPT_APPLICANT_KEYS}
    locked.applicant_data = {
        **kept,
        **{key: str(eform.to_json(data.get(key)) or "").strip() for key in APPLICANT_KEYS},
    }
    if "applicant_type_code" in data:
        locked.applicant_data["applicant_type_code"] = _applicant_type(
            locked, str(data.get("applicant_type_code") or "")
        )
    procedure = procedure_for(locked)
    if procedure is not None:  # the fee follows the applicant type (exemptions)
        locked.fee_vnd = sum(
            line.amount_vnd for line in procedure_online_fees(procedure, dossier=locked)
        )
    fields = ["applicant_data", "form_data", "fee_vnd", "draft_step", "updated_at"]
    if procedure is not None:  # asked once: the procedure's fields that repeat these answers
        specs = list(procedure.form_fields.all())
        locked.form_data = eform.with_applicant_answers(
            specs, locked.form_data or {}, locked.applicant_data
        )
    if filing_agency is not None:
        locked.receiving_agency = locked.competent_agency = filing_agency
        fields += ["receiving_agency", "competent_agency"]
    _reach(locked, DraftStep.FIELDS)
    locked.forget_typed(DraftStep.APPLICANT)
    locked.save(update_fields=[*fields, "draft_typed"])
    # Never another person's profile, nor anyone's with an organisation's data.
    if save_to_profile and by.pk == locked.applicant_id and locked.organisation_id is None:
        applicant = locked.applicant_data
        profile_update(
            user=by,
            data={
                "full_name": applicant["full_name"],
                "id_number": applicant["id_number"],
                "date_of_birth": dt.date.fromisoformat(applicant["date_of_birth"])
                if applicant["date_of_birth"]
                else None,
                "phone": applicant["phone"],
                "email": applicant["email"],
                "permanent_address": applicant["address"],
            },
        )
    return locked


@transaction.atomic
def draft_fields_save(*, dossier: Dossier, by: User, data: dict[str, Any]) -> Dossier:
    """Validate and save the procedure's own fields (the e-form spec); nothing saved on error."""
    locked = _locked_draft(dossier, by)
    procedure = procedure_for(locked)
    specs = list(procedure.form_fields.all()) if procedure else []
    data = eform.with_applicant_answers(specs, data, locked.applicant_data or {})
    values, errors = eform.validate_values(specs, data)
    if errors:
        raise ApplicationError(
            _("Thông tin hồ sơ chưa hợp lệ."), code="invalid", extra={"errors": errors}
        )
    locked.form_data = {**locked.form_data, **values}
    _reach(locked, DraftStep.DOCUMENTS)
    locked.forget_typed(DraftStep.FIELDS)
    locked.save(update_fields=["form_data", "draft_step", "draft_typed", "updated_at"])
    return locked


@transaction.atomic
def dossier_draft_delete(*, dossier: Dossier, by: User) -> None:
    """Discard a draft and release its document uses (the files stay in the data store)."""

    locked = _locked_draft(dossier, by)
    for document_uuid in {c.document_uuid for c in locked.components.all() if c.document_uuid}:
        _release_use(locked, document_uuid, by)
    dossier_draft_discard(dossier=locked)


def _release_use(dossier: Dossier, document_uuid: uuid.UUID, by: User) -> None:
    document = documents_visible_to(user=by).filter(uuid=document_uuid).first()
    if document is not None:
        document_use_remove(
            document=document, kind=UseKind.DOSSIER, reference=document_reference(dossier)
        )


# --- drafts and submission -----------------------------------------------------------------------


@transaction.atomic
def dossier_create_draft(
    *,
    applicant: User,
    submitter: User | None = None,
    procedure_code: str,
    procedure_name: str,
    receiving_agency: Agency | None = None,
    competent_agency: Agency | None = None,
    organisation: Organisation | None = None,
    channel: Channel | str = Channel.ONLINE,
    processing_time: Decimal | int | None = None,
    processing_time_unit: TimeUnit | str = "",
    processing_cutoff: dt.time | None = None,
    is_interagency: bool = False,
    form_data: dict[str, Any] | None = None,
    components: list[dict[str, Any]] | None = None,
) -> Dossier:
    """A new draft for a procedure, with one component row per document requirement.

    `components` items: `requirement_code`, `requirement_name`, optional `is_required`,
    `document_uuid`, `source`, `copy_type`, `quantity`. A draft has no code and no event yet:
    it is private to its author until submitted.
    """
    dossier = Dossier(
        applicant=applicant,
        submitter=submitter or applicant,
        organisation=organisation,
        procedure_code=procedure_code,
        procedure_name=procedure_name,
        receiving_agency=receiving_agency,
        competent_agency=competent_agency,
        channel=channel,
        processing_time=processing_time,
        processing_time_unit=processing_time_unit,
        processing_cutoff=processing_cutoff,
        is_interagency=is_interagency,
        form_data=form_data or {},
    )
    # Field validation (types, choices, lengths) here; the table's constraints are enforced by
    # the database itself, and checking each one from Python costs a query and a savepoint apiece
    # (about 40 round trips per draft under load, ADR 0093). Nor are the people and agencies
    # handed in read again to see that they exist (four queries, ADR 0340).
    dossier.full_clean(exclude=_HANDED_IN, validate_unique=False, validate_constraints=False)
    dossier.save()
    rows = [
        DossierComponent(dossier=dossier, position=position, **spec)
        for position, spec in enumerate(components or ())
    ]
    for component in rows:
        component.full_clean(exclude=["dossier"], validate_unique=False, validate_constraints=False)
    DossierComponent.objects.bulk_create(rows)  # one INSERT for all the requirements
    return dossier


_HANDED_IN = ["applicant", "submitter", "organisation", "receiving_agency", "competent_agency"]


@transaction.atomic
def dossier_draft_discard(*, dossier: Dossier) -> None:
    """Delete a draft (never a submitted dossier: its history is kept)."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.status != S.DRAFT or locked.events.exists():
        raise TransitionNotAllowed(_("Chỉ xóa được hồ sơ còn là bản nháp."), code="not_a_draft")
    locked.delete()


def document_reference(dossier: Dossier) -> str:
    """How the documents app names this dossier's uses (stable from draft to result)."""
    return str(dossier.uuid)
