"""Writes of counter intake: the officer finds or creates the citizen, starts a draft for them,
fills the form, attaches scans and submits (accepting at once if asked).

Status changes go through `dossiers.services.transition`; see docs/back-office.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import NO_MAILBOX_DOMAIN, Role
from accounts.identity.presence import PresentIdentity
from accounts.models import CitizenProfile, User
from accounts.services import citizen_register
from accounts.validators import validate_id_number
from agencies.models import Agency
from agencies.selectors import agency_for_commune_code, staff_agencies
from common.audit import audit_record
from common.exceptions import ApplicationError
from documents.constants import DocumentSource, UseKind
from documents.services import (
    document_sign_scan,
    document_store,
    document_use_add,
    document_uses_lock,
)
from dossiers import eform
from dossiers.constants import (
    Actor,
    Channel,
    ComponentSource,
    DossierStatus,
    ResultDelivery,
)
from dossiers.models import Dossier, DossierComponent, DossierEvent, IdentityConfirmation
from dossiers.selectors.actors import dossier_actor_agency
from dossiers.selectors.cases import (
    CASE_NOT_CHOSEN,
    case_choice_missing,
    case_component_specs,
    initial_case,
)
from dossiers.services.cases import apply_case
from dossiers.services.drafts import (
    APPLICANT_KEYS,
    _agencies_for,
    applicant_errors,
    applicant_prefill,
    document_reference,
    dossier_create_draft,
    fields_prefill,
    procedure_for,
)
from dossiers.services.submission import dossier_submit
from dossiers.services.transition import dossier_transition
from dossiers.workflow import TransitionNotAllowed
from notifications.phone_codes import (
    CONFIRMATION_FRESH_MINUTES,
    phone_code_confirm,
    phone_code_confirmed,
    phone_code_send,
)
from procedures.deadlines import COUNTER_FIRST, ONLINE_FIRST, procedure_due_terms
from procedures.selectors import procedure_fee_lines, procedure_online_only_on

S = DossierStatus


# --- counter intake -----------------------------------------------------------------------------


def counter_agency(*, by: User) -> Agency | None:
    """The reception point the officer works at (their first reception membership)."""
    return staff_agencies(by, role=Role.RECEPTION_OFFICER).first()


def citizen_by_id_number(*, id_number: str) -> User | None:
    profile = (
        CitizenProfile.objects.filter(id_number=id_number.strip()).select_related("user").first()
    )
    return profile.user if profile is not None else None


@transaction.atomic
def counter_citizen_get_or_create(
    *,
    id_number: str,
    full_name: str,
    by: User,
    date_of_birth: dt.date | None = None,
    phone: str = "",
    email: str = "",
    address: str = "",
) -> tuple[User, bool]:
    """The citizen with this personal ID number, or a new account without a password for them
    (Art. 17.1.a: the officer helps when the applicant has no account). Returns (user, created)."""
    id_number = id_number.strip()
    try:
        validate_id_number(id_number, date_of_birth)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), code="invalid_id_number") from None
    existing = citizen_by_id_number(id_number=id_number)
    if existing is not None:
        return existing, False
    if not full_name.strip():
        raise ApplicationError(_("Nhập họ tên công dân."), code="name_required")
    email = email.strip().lower()
    if not email or User.objects.filter(email__iexact=email).exists():
        email = f"cccd-{id_number}@{NO_MAILBOX_DOMAIN}"
    user = User(email=email, full_name=full_name.strip(), phone=phone.strip())
    user.set_unusable_password()
    user.save()
    citizen_register(user=user)
    profile = CitizenProfile.objects.get(user=user)
    profile.id_number = id_number
    profile.date_of_birth = date_of_birth
    profile.phone = phone.strip()
    profile.permanent_address = address.strip()
    profile.full_clean(exclude=["user"])
    profile.save()
    audit_record(action="office.counter_citizen_created", actor=by, obj=user)
    return user, True


@transaction.atomic
def counter_draft_start(*, procedure: Any, citizen: User, by: User) -> Dossier:
    """A counter dossier (channel counter) for `citizen`, prefilled from their profile and
    earlier dossiers, received at the officer's reception point."""
    agency = counter_agency(by=by)
    if agency is None:
        raise TransitionNotAllowed(
            _("Bạn không phải cán bộ tiếp nhận của đơn vị nào."), code="actor_not_allowed"
        )
    # An online-only procedure (today, here) takes no paper: the officer files it online with
    # the citizen present, who confirms it (assisted submission, ADR 0291).
    assisted = procedure_online_only_on(
        procedure=procedure, day=timezone.localdate(), agency=agency
    )
    commune = None
    profile = getattr(citizen, "profile", None)
    if profile is not None and profile.permanent_commune_code:
        commune = agency_for_commune_code(profile.permanent_commune_code)
    _receiving, competent = _agencies_for(procedure, commune)
    terms = procedure_due_terms(procedure, order=ONLINE_FIRST if assisted else COUNTER_FIRST)
    specs = list(procedure.form_fields.all())
    case_key, case_title = initial_case(procedure)
    dossier = dossier_create_draft(
        applicant=citizen,
        submitter=citizen,
        procedure_code=procedure.code,
        procedure_name=procedure.name[:500],
        receiving_agency=agency,
        competent_agency=competent or agency,
        channel=Channel.ONLINE if assisted else Channel.COUNTER,
        processing_time=terms.value,
        processing_time_unit=terms.unit,
        processing_cutoff=terms.cutoff,
        form_data=fields_prefill(user=citizen, specs=specs),
        components=case_component_specs(procedure=procedure, case_key=case_key),
    )
    dossier.case_key, dossier.case_title = case_key, case_title
    dossier.applicant_data = applicant_prefill(citizen)
    # A full-online procedure returns its result online (NĐ 42/2022 Art. 11).
    dossier.result_delivery = ResultDelivery.ELECTRONIC if assisted else ResultDelivery.COUNTER
    dossier.assisted_by = by if assisted else None
    dossier.fee_vnd = sum(
        line.amount_vnd
        for line in procedure_fee_lines(
            procedure=procedure, channel="online" if assisted else "in_person"
        )
    )
    dossier.save(
        update_fields=[
            "applicant_data",
            "case_key",
            "case_title",
            "result_delivery",
            "assisted_by",
            "fee_vnd",
            "updated_at",
        ]
    )
    return dossier


def _counter_locked(dossier: Dossier, by: User) -> Dossier:
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    at_counter = locked.channel == Channel.COUNTER or locked.assisted_by_id is not None
    if locked.status != S.DRAFT or not at_counter:
        raise ApplicationError(_("Hồ sơ đã được nộp, không sửa được nữa."), code="not_a_draft")
    dossier_actor_agency(dossier=locked, by=by, role=Actor.RECEPTION_OFFICER)
    return locked


# --- assisted submission: the citizen's confirmation by SMS code ---------------------------------

ASSISTED_PURPOSE = "counter_assisted"


def _citizen_phone(dossier: Dossier) -> str:
    profile = getattr(dossier.applicant, "profile", None)
    return (
        (dossier.applicant_data or {}).get("phone")
        or dossier.applicant.phone
        or (profile.phone if profile is not None else "")
        or ""
    )


@transaction.atomic
def counter_confirmation_send(*, dossier: Dossier, by: User) -> str:
    """Text the citizen a code that says what they agree to; returns the number it went to
    (masked). The code is kept hashed (`notifications.phone_codes`)."""
    locked = _counter_locked(dossier, by)
    if locked.assisted_by_id is None:
        raise ApplicationError(_("Hồ sơ này nộp trực tiếp, không cần mã xác nhận."), code="paper")
    phone = _citizen_phone(locked)
    if not phone:
        raise ApplicationError(
            _("Chưa có số điện thoại của công dân: nhập ở phần thông tin người nộp."),
            code="no_phone",
        )
    phone_code_send(
        phone=phone,
        purpose=ASSISTED_PURPOSE,
        reference=str(locked.uuid),
        label=_("nộp trực tuyến hồ sơ %(procedure)s tại quầy")
        % {"procedure": locked.procedure_code},
    )
    audit_record(action="office.assisted_code_sent", actor=by, obj=locked)
    return f"{phone[:3]}****{phone[-3:]}"


def counter_confirmation_check(*, dossier: Dossier, by: User, code: str) -> None:
    """The code the citizen reads back. A wrong try is counted (and committed) before the
    refusal, so guessing is bounded (`notifications.phone_codes.MAX_ATTEMPTS`)."""
    dossier_actor_agency(dossier=dossier, by=by, role=Actor.RECEPTION_OFFICER)
    phone_code_confirm(purpose=ASSISTED_PURPOSE, reference=str(dossier.uuid), code=code)


# --- assisted submission: the citizen's confirmation with the national identity (ADR 0306) ------

BY_SMS = "sms"
BY_NATIONAL_IDENTITY = "national_identity"


@dataclass(frozen=True)
class CounterConfirmation:
    """The citizen agreed to this assisted dossier: how (`BY_SMS` or `BY_NATIONAL_IDENTITY`)."""

    method: str
    confirmed_at: dt.datetime


class IdentityMismatch(ApplicationError):
    pass


def counter_identity_confirm(
    *, dossier: Dossier, by: User, identity: PresentIdentity
) -> IdentityConfirmation:
    """The applicant signed in with the national identity on the counter device (checked by
    `accounts.identity.presence`); their verified ID number must be the dossier's applicant's.
    A refusal is audited (someone else signed in) and changes nothing else."""
    declared = str((dossier.applicant_data or {}).get("id_number") or "")
    verified = identity.claims.id_number
    if identity.purpose != ASSISTED_PURPOSE or identity.reference != str(dossier.uuid):
        raise ApplicationError(_("Phiên xác nhận không dành cho hồ sơ này."), code="reference")
    if not verified or verified != declared:
        audit_record(
            action="office.assisted_identity_refused",
            actor=by,
            obj=dossier,
            data={"issuer": identity.issuer, "subject": identity.subject},
        )
        raise IdentityMismatch(
            _(
                "Người vừa đăng nhập định danh điện tử không phải người nộp hồ sơ này "
                "(số định danh cá nhân không khớp)."
            ),
            code="identity_mismatch",
        )
    return _identity_confirmation_record(dossier=dossier, by=by, identity=identity)


@transaction.atomic
def _identity_confirmation_record(
    *, dossier: Dossier, by: User, identity: PresentIdentity
) -> IdentityConfirmation:
    locked = _counter_locked(dossier, by)
    if locked.assisted_by_id is None:
        raise ApplicationError(_("Hồ sơ này nộp trực tiếp, không cần xác nhận."), code="paper")
    row = IdentityConfirmation.objects.create(
        dossier=locked,
        officer=by,
        issuer=identity.issuer,
        subject=identity.subject,
        acr=identity.acr[:64],
        id_number=identity.claims.id_number,
        authenticated_at=identity.authenticated_at,
    )
    audit_record(action="office.assisted_identity_confirmed", actor=by, obj=locked)
    return row


def counter_confirmation(dossier: Dossier) -> CounterConfirmation | None:
    """The citizen's fresh confirmation of this assisted dossier (the last half hour), or None.
    A national-identity confirmation counts only for the ID number it verified."""
    found: list[CounterConfirmation] = []
    code = phone_code_confirmed(purpose=ASSISTED_PURPOSE, reference=str(dossier.uuid))
    if code is not None and code.confirmed_at is not None:
        found.append(CounterConfirmation(BY_SMS, code.confirmed_at))
    fresh_after = timezone.now() - dt.timedelta(minutes=CONFIRMATION_FRESH_MINUTES)
    identity = (
        IdentityConfirmation.objects.filter(
            dossier=dossier,
            confirmed_at__gte=fresh_after,
            id_number=str((dossier.applicant_data or {}).get("id_number") or ""),
        )
        .order_by("-confirmed_at")
        .first()
    )
    if identity is not None:
        found.append(CounterConfirmation(BY_NATIONAL_IDENTITY, identity.confirmed_at))
    return max(found, key=lambda c: c.confirmed_at, default=None)


@transaction.atomic
def counter_case_choose(*, dossier: Dossier, case_key: str, by: User) -> Dossier:
    """The reception officer picks the applicant's case on a counter draft (ADR 0260)."""
    locked = _counter_locked(dossier, by)
    procedure = procedure_for(locked)
    if procedure is None:
        raise ApplicationError(_("Thủ tục không còn trong danh mục."), code="no_procedure")
    apply_case(locked, procedure=procedure, case_key=case_key, by=by)
    return locked


@transaction.atomic
def counter_fields_save(
    *, dossier: Dossier, by: User, applicant: dict[str, Any], fields: dict[str, Any]
) -> Dossier:
    """The applicant's details and the e-form values, checked by the online form's own rules."""

    locked = _counter_locked(dossier, by)
    errors = applicant_errors(applicant)
    procedure = procedure_for(locked)
    specs = list(procedure.form_fields.all()) if procedure else []
    values, field_errors = eform.validate_values(specs, fields)
    errors.update({f"f_{k}": v for k, v in field_errors.items()})
    if errors:
        raise ApplicationError(
            _("Thông tin hồ sơ chưa hợp lệ."), code="invalid", extra={"errors": errors}
        )
    locked.applicant_data = {
        key: str(eform.to_json(applicant.get(key)) or "").strip() for key in APPLICANT_KEYS
    }
    locked.form_data = {**locked.form_data, **values}
    locked.save(update_fields=["applicant_data", "form_data", "updated_at"])
    return locked


@transaction.atomic
def counter_scan_attach(
    *, dossier: Dossier, component: DossierComponent, by: User, data: bytes, name: str
) -> DossierComponent:
    """A paper document scanned at the counter: kept in the applicant's store (source scanned),
    signed with the officer's personal certificate (Art. 17.1.c) and attached to the slot."""
    locked = _counter_locked(dossier, by)
    if component.dossier_id != locked.pk:
        raise DossierComponent.DoesNotExist
    agency = locked.receiving_agency
    assert agency is not None
    owner = (
        {"owner_organisation": locked.organisation}
        if locked.organisation_id
        else {"owner_user": locked.applicant}
    )
    scan = document_store(
        data=data,
        title=component.requirement_name[:255],
        source=DocumentSource.SCANNED,
        original_name=name,
        created_by=by,
        **owner,
    )
    signed = document_sign_scan(
        document=scan, officer=by, agency=agency, role=str(Actor.RECEPTION_OFFICER.label)
    )
    document_use_add(
        document=signed,
        kind=UseKind.DOSSIER,
        reference=document_reference(locked),
        label=locked.procedure_name[:255],
        locked=False,
    )
    component.document_uuid = signed.uuid
    component.source = ComponentSource.SCANNED
    component.copy_type = "copy"
    component.save(update_fields=["document_uuid", "source", "copy_type", "updated_at"])
    return component


def _assisted_note(facts: dict[str, Any]) -> str:
    if not facts:
        return ""
    if facts["assisted"]["confirmed_by"] == BY_NATIONAL_IDENTITY:
        return _("Nộp trực tuyến tại quầy, công dân có mặt và xác nhận bằng định danh điện tử.")
    return _("Nộp trực tuyến tại quầy, công dân có mặt và xác nhận bằng mã qua tin nhắn.")


def counter_problems(dossier: Dossier) -> list[str]:

    problems: list[str] = []
    if applicant_errors(dossier.applicant_data):
        problems.append(_("Thông tin người nộp chưa đủ hoặc chưa hợp lệ."))
    procedure = procedure_for(dossier)
    specs = list(procedure.form_fields.all()) if procedure else []
    if eform.validate_values(specs, dossier.form_data)[1]:
        problems.append(_("Thông tin tờ khai chưa đủ hoặc chưa hợp lệ."))
    if procedure is not None and case_choice_missing(dossier, procedure):
        problems.append(str(CASE_NOT_CHOSEN))
    problems += [
        _("Còn thiếu: %(name)s") % {"name": c.requirement_name}
        for c in dossier.components.all()
        if c.is_required and not c.is_provided
    ]
    return problems


@transaction.atomic
def counter_submit(*, dossier: Dossier, by: User, accept_now: bool = False) -> DossierEvent:
    """Submit the counter dossier as the reception officer (channel counter); with
    `accept_now`, receive it at once (the paper was checked at the counter: form 01)."""
    locked = _counter_locked(dossier, by)
    problems = counter_problems(locked)
    if problems:
        raise ApplicationError(
            _("Hồ sơ chưa đủ để nộp."), code="incomplete", extra={"problems": problems}
        )
    facts: dict[str, Any] = {}
    if locked.assisted_by_id is not None:
        confirmation = counter_confirmation(locked)
        if confirmation is None:
            raise ApplicationError(
                _(
                    "Công dân chưa xác nhận nộp hồ sơ: bằng mã gửi qua tin nhắn hoặc bằng định "
                    "danh điện tử."
                ),
                code="not_confirmed",
                extra={
                    "problems": [
                        _(
                            "Công dân chưa xác nhận bằng mã gửi qua tin nhắn hoặc bằng định danh "
                            "điện tử."
                        )
                    ]
                },
            )
        facts["assisted"] = {
            "by": str(by.uuid),
            "confirmed_by": confirmation.method,
            "confirmed_at": confirmation.confirmed_at.isoformat(),
        }
    locked.declared_at = timezone.now()
    locked.save(update_fields=["declared_at", "updated_at"])
    event = dossier_submit(
        dossier=locked,
        by=by,
        role=Actor.RECEPTION_OFFICER,
        note=_assisted_note(facts),
        data=facts or None,
    )
    document_uses_lock(kind=UseKind.DOSSIER, reference=document_reference(locked))
    if accept_now:
        event = dossier_transition(
            dossier=locked, to=S.RECEIVED, by=by, role=Actor.RECEPTION_OFFICER
        )
    if dossier is not locked:
        dossier.refresh_from_db()
    return event
