"""Acting on behalf: mandates (ủy quyền) and organisation representatives.

Services write (keyword-only, atomic, audited); selectors read, scoped to the person asking.
Other apps call `mandate_require` before an agent acts for a principal and store what
`attribution` returns, so every history line names both people.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import selectors as account_selectors
from accounts.constants import Role
from accounts.identity.constants import ConsentMethod, MandateStatus
from accounts.identity.hooks import mandate_changed
from accounts.models import Mandate, Organisation, OrganisationRepresentative, User
from common.audit import audit_record
from common.exceptions import ApplicationError

COUNTER_ROLES = frozenset({Role.RECEPTION_OFFICER, Role.ONESTOP_SUPERVISOR, Role.SYSTEM_ADMIN})


class MandateRequired(ApplicationError):
    pass


def _audit(action: str, mandate: Mandate, actor: User, request: HttpRequest | None) -> None:
    audit_record(
        action=action,
        actor=actor,
        obj=mandate,
        data={
            "principal": str(mandate.principal.uuid),
            "principal_name": mandate.principal.get_full_name(),
            "agent": str(mandate.agent.uuid),
            "agent_name": mandate.agent.get_full_name(),
            "procedure_codes": mandate.procedure_codes,
            "field_codes": mandate.field_codes,
            "consent_method": mandate.consent_method,
            "status": mandate.status,
        },
        request=request,
    )
    # In the same transaction: the other person's notices are outbox rows (ADR 0301).
    mandate_changed(action, mandate, actor)


def _clean_codes(codes: list[str] | None) -> list[str]:
    return sorted({c.strip() for c in codes or [] if c and c.strip()})


def _new_mandate(
    principal: User,
    agent: User,
    procedure_codes: list[str] | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    field_codes: list[str] | None = None,
    **consent: object,
) -> Mandate:
    """An unsaved mandate with the terms every way of creating one shares; `consent` says how."""
    return Mandate(
        principal=principal,
        agent=agent,
        procedure_codes=_clean_codes(procedure_codes),
        field_codes=_clean_codes(field_codes),
        valid_from=valid_from or timezone.localdate(),
        valid_to=valid_to,
        **consent,
    )


@transaction.atomic
def mandate_grant(
    *,
    principal: User,
    agent: User,
    procedure_codes: list[str] | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    field_codes: list[str] | None = None,
    request: HttpRequest | None = None,
) -> Mandate:
    """The citizen, in their own account, offers a mandate: their consent is given there and
    then; nothing can be done under it until the person named accepts (`mandate_accept`)."""
    mandate = _new_mandate(
        principal,
        agent,
        procedure_codes,
        valid_from,
        valid_to,
        field_codes,
        consent_method=ConsentMethod.CITIZEN_CONFIRMED,
        status=MandateStatus.PENDING_AGENT,
        consented_at=timezone.now(),
    )
    mandate.full_clean()
    mandate.save()
    _audit("mandate.offered", mandate, principal, request)
    return mandate


@transaction.atomic
def mandate_accept(
    *, mandate: Mandate, agent: User, accept: bool, request: HttpRequest | None = None
) -> Mandate:
    """The person named accepts (the mandate is in force) or declines a citizen's offer."""
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if mandate.agent_id != agent.pk:
        raise PermissionDenied
    if mandate.status != MandateStatus.PENDING_AGENT:
        raise ApplicationError(_("Ủy quyền này không còn chờ bạn nhận."))
    mandate.status = MandateStatus.ACTIVE if accept else MandateStatus.DECLINED
    mandate.agent_accepted_at = timezone.now() if accept else None
    mandate.save(update_fields=["status", "agent_accepted_at", "updated_at"])
    _audit("mandate.accepted" if accept else "mandate.refused", mandate, agent, request)
    return mandate


@transaction.atomic
def mandate_request(
    *,
    agent: User,
    principal: User,
    procedure_codes: list[str] | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    field_codes: list[str] | None = None,
    consent_method: str = ConsentMethod.CITIZEN_CONFIRMED,
    request: HttpRequest | None = None,
) -> Mandate:
    """A helper or relative asks; nothing can be done until the citizen confirms, in their
    account (`mandate_confirm`) or with the SMS code (`mandate_consent.mandate_confirm_by_code`)."""
    if agent.pk == principal.pk:
        raise ApplicationError(_("Không thể tự ủy quyền cho chính mình."))
    mandate = _new_mandate(
        principal,
        agent,
        procedure_codes,
        valid_from,
        valid_to,
        field_codes,
        consent_method=consent_method,
        status=MandateStatus.PENDING_CONSENT,
        agent_accepted_at=timezone.now(),
    )
    mandate.full_clean()
    mandate.save()
    _audit("mandate.requested", mandate, agent, request)
    return mandate


@transaction.atomic
def mandate_record_at_counter(
    *,
    officer: User,
    principal: User,
    agent: User,
    signed_authorisation: UploadedFile,
    procedure_codes: list[str] | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Mandate:
    """An officer records a paper authorisation the citizen signed, with its scan."""
    if not account_selectors.user_roles(user=officer) & COUNTER_ROLES:
        raise PermissionDenied
    mandate = _new_mandate(
        principal,
        agent,
        procedure_codes,
        valid_from,
        valid_to,
        consent_method=ConsentMethod.COUNTER_RECORDED,
        consent_document=signed_authorisation,
        recorded_by=officer,
        status=MandateStatus.ACTIVE,
        consented_at=timezone.now(),
        # Both signed the paper authorisation the officer holds.
        agent_accepted_at=timezone.now(),
    )
    mandate.full_clean()
    mandate.save()
    _audit("mandate.created", mandate, officer, request)
    return mandate


@transaction.atomic
def mandate_confirm(
    *, mandate: Mandate, principal: User, accept: bool, request: HttpRequest | None = None
) -> Mandate:
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if mandate.principal_id != principal.pk:
        raise PermissionDenied
    if mandate.status != MandateStatus.PENDING_CONSENT:
        raise ApplicationError(_("Ủy quyền này không còn chờ xác nhận."))
    mandate.status = MandateStatus.ACTIVE if accept else MandateStatus.DECLINED
    mandate.consented_at = timezone.now() if accept else None
    mandate.save(update_fields=["status", "consented_at", "updated_at"])
    _audit("mandate.confirmed" if accept else "mandate.declined", mandate, principal, request)
    return mandate


@transaction.atomic
def mandate_revoke(*, mandate: Mandate, by: User, request: HttpRequest | None = None) -> Mandate:
    """The citizen (or the agent giving it up, or a counter officer) ends a mandate at once."""
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    allowed = (
        by.pk in (mandate.principal_id, mandate.agent_id)
        or by.is_superuser
        or bool(account_selectors.user_roles(user=by) & COUNTER_ROLES)
    )
    if not allowed:
        raise PermissionDenied
    if mandate.status == MandateStatus.REVOKED:
        return mandate
    mandate.status = MandateStatus.REVOKED
    mandate.revoked_at = timezone.now()
    mandate.revoked_by = by
    mandate.save(update_fields=["status", "revoked_at", "revoked_by", "updated_at"])
    _audit("mandate.revoked", mandate, by, request)
    return mandate


# --- reads -------------------------------------------------------------------------------------


def _in_force(on: dt.date) -> Q:
    return Q(status=MandateStatus.ACTIVE, valid_from__lte=on) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


def mandate_covers(mandate: Mandate, *, procedure_code: str, field_code: str = "") -> bool:
    """Scope: every procedure (no codes), the procedure itself, or the field it belongs to."""
    if not mandate.procedure_codes and not mandate.field_codes:
        return True
    return procedure_code in mandate.procedure_codes or (
        bool(field_code) and field_code in mandate.field_codes
    )


def mandate_active_for(
    *,
    agent: User,
    principal: User,
    procedure_code: str = "",
    field_code: str = "",
    on: dt.date | None = None,
) -> Mandate | None:
    """The mandate in force today that lets `agent` act for `principal` on `procedure_code`
    (of the field `field_code`)."""
    candidates = Mandate.objects.filter(
        _in_force(on or timezone.localdate()), agent=agent, principal=principal
    ).order_by("-consented_at")
    for mandate in candidates:
        if mandate_covers(mandate, procedure_code=procedure_code, field_code=field_code):
            return mandate
    return None


def mandate_uuids_in_force(*, agent: User, on: dt.date | None = None) -> list[str]:
    """The mandates `agent` holds today, as the text a dossier filed under one records; what
    is not in this list (revoked, declined, pending, expired) opens nothing."""
    in_force = Mandate.objects.filter(_in_force(on or timezone.localdate()), agent=agent)
    return [str(uuid) for uuid in in_force.values_list("uuid", flat=True)]


def mandate_require(
    *, agent: User, principal: User, procedure_code: str = "", field_code: str = ""
) -> Mandate:
    if agent.pk == principal.pk:
        raise ApplicationError(_("Không cần ủy quyền để tự thực hiện."))
    mandate = mandate_active_for(
        agent=agent, principal=principal, procedure_code=procedure_code, field_code=field_code
    )
    if mandate is None:
        raise MandateRequired(_("Không có ủy quyền còn hiệu lực cho việc này."))
    return mandate


def attribution(*, mandate: Mandate) -> dict:
    """What a history line stores for an act under a mandate: both people, and the mandate."""
    return {
        "actor": str(mandate.agent.uuid),
        "actor_name": mandate.agent.get_full_name(),
        "on_behalf_of": str(mandate.principal.uuid),
        "on_behalf_of_name": mandate.principal.get_full_name(),
        "mandate": str(mandate.uuid),
    }


@transaction.atomic
def mandate_act(
    *,
    agent: User,
    principal: User,
    action: str,
    procedure_code: str = "",
    obj=None,
    data: dict | None = None,
    request: HttpRequest | None = None,
):
    """Records an act done for someone else; refuses it without a mandate in force."""
    mandate = mandate_require(agent=agent, principal=principal, procedure_code=procedure_code)
    return audit_record(
        action=action,
        actor=agent,
        obj=obj,
        data={**(data or {}), **attribution(mandate=mandate)},
        request=request,
    )


def mandates_given(*, user: User) -> QuerySet[Mandate]:
    return Mandate.objects.filter(principal=user).select_related("agent").order_by("-created_at")


def mandates_received(*, user: User) -> QuerySet[Mandate]:
    return Mandate.objects.filter(agent=user).select_related("principal").order_by("-created_at")


def mandate_get_for_user(*, user: User, uuid) -> Mandate:
    """Only the two people it concerns may open a mandate."""
    mandate = (
        Mandate.objects.select_related("principal", "agent")
        .filter(Q(principal=user) | Q(agent=user), uuid=uuid)
        .first()
    )
    if mandate is None:
        raise Mandate.DoesNotExist
    return mandate


def mandate_counter_require(*, officer: User) -> None:
    """Raises `PermissionDenied` unless `officer` serves at the one-stop counter."""
    if not (officer.is_superuser or account_selectors.user_roles(user=officer) & COUNTER_ROLES):
        raise PermissionDenied


def mandates_revocable_at_counter(
    *, officer: User, id_number: str, on: dt.date | None = None
) -> QuerySet[Mandate]:
    """The mandates a citizen gave that are in force or yet to start (nothing else needs
    revoking), found by the exact 12-digit ID number the officer reads from their card."""
    mandate_counter_require(officer=officer)
    if len(id_number) != 12 or not id_number.isdigit():
        return Mandate.objects.none()
    on = on or timezone.localdate()
    return (
        Mandate.objects.filter(principal__profile__id_number=id_number, status=MandateStatus.ACTIVE)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("principal__profile", "agent", "recorded_by")
        .order_by("-consented_at", "-created_at")
    )


def mandate_get_at_counter(*, officer: User, uuid) -> Mandate:
    """Any mandate, for a counter officer only; raises `Mandate.DoesNotExist` for none."""
    mandate_counter_require(officer=officer)
    return Mandate.objects.select_related("principal__profile", "agent").get(uuid=uuid)


def organisations_represented(*, user: User, on: dt.date | None = None) -> QuerySet[Organisation]:
    """Organisations `user` represents today (the representation has started and not ended)."""
    on = on or timezone.localdate()
    links = OrganisationRepresentative.objects.filter(user=user, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    return Organisation.objects.filter(pk__in=links.values("organisation_id")).order_by("name")


def organisation_get_for_representative(*, user: User, uuid) -> Organisation:
    """Raises `Organisation.DoesNotExist` for anyone who does not represent it today."""
    return organisations_represented(user=user).get(uuid=uuid)


def representative_require(*, user: User, organisation: Organisation) -> Organisation:
    """Raises `PermissionDenied` unless `user` represents `organisation` today."""
    if not organisations_represented(user=user).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    return organisation


def organisation_attribution(*, user: User, organisation: Organisation) -> dict:
    """What a history line stores for an act done for an organisation by its representative."""
    representative_require(user=user, organisation=organisation)
    return {
        "actor": str(user.uuid),
        "actor_name": user.get_full_name(),
        "on_behalf_of_organisation": str(organisation.uuid),
        "organisation_tax_code": organisation.tax_code,
        "organisation_name": organisation.name,
    }


def organisation_representatives(*, organisation: Organisation) -> QuerySet:
    return OrganisationRepresentative.objects.filter(organisation=organisation).select_related(
        "user"
    )
