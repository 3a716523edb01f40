"""Writes for a dossier submitted elsewhere and taken in here: the National Portal's dossiers
(`integrations.dvcqg.inbound` fetches them and their files, then calls this, ADR 0180: the
network before the transaction, the writes through the dossiers app's own service)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accounts.models import User
from agencies.models import Agency
from common.text import fold
from dossiers.constants import Actor, Channel
from dossiers.models import Dossier
from dossiers.selectors.cases import case_choice_missing, case_component_specs
from dossiers.services.cases import apply_case
from dossiers.services.components import draft_component_upload
from dossiers.services.drafts import dossier_start
from dossiers.services.submission import dossier_submit
from procedures.selectors import procedure_cases


@dataclass(frozen=True)
class ImportedFile:
    """A file the applicant attached on the other portal, already downloaded."""

    requirement_code: str
    title: str
    name: str
    data: bytes


def _case_from_files(dossier: Dossier, procedure: Any, by: User, files: list[ImportedFile]) -> None:
    """The portal does not say which case (ADR 0260): the one whose documents the files answer
    best; the reception officer can still change it, with a reason."""
    if not case_choice_missing(dossier, procedure):
        return
    sent = {f.requirement_code for f in files} | {fold(f.title) for f in files}

    def answered(case: Any) -> int:
        specs = case_component_specs(procedure=procedure, case_key=case.key)
        return sum(
            s["requirement_code"] in sent or fold(s["requirement_name"]) in sent for s in specs
        )

    best = max(procedure_cases(procedure=procedure), key=answered)
    apply_case(dossier, procedure=procedure, case_key=best.key, by=by)


@transaction.atomic
def dossier_import_national_portal(
    *,
    procedure: Any,
    applicant: User,
    code: str,
    applicant_data: dict[str, Any],
    form_data: dict[str, Any],
    vneid_authenticated: bool,
    unit: Agency | None,
    files: list[ImportedFile],
) -> Dossier:
    """Start a draft of `procedure` for `applicant`, fill it with what the portal sent, attach
    the files (matched to requirements by code, then by name) and submit it as the system with
    the portal's `code` kept: status SUBMITTED, channel national_portal.

    `unit` is the agency the applicant chose on the portal; it fills what the catalogue leaves
    open (for a commune procedure, which commune). The National Portal signed the citizen in
    with VNeID, so its assurance is the portal's to check.
    """
    draft = dossier_start(procedure=procedure, user=applicant, require_assurance=False)
    dossier = Dossier.objects.select_for_update().get(pk=draft.pk)
    dossier.channel = Channel.NATIONAL_PORTAL
    dossier.form_data = {**dossier.form_data, **form_data}
    dossier.applicant_data = {
        **dossier.applicant_data,
        **{key: value for key, value in applicant_data.items() if value},
    }
    dossier.vneid_authenticated = vneid_authenticated
    if unit is not None:
        dossier.receiving_agency = dossier.receiving_agency or unit
        dossier.competent_agency = dossier.competent_agency or unit
    dossier.save(
        update_fields=[
            "channel",
            "form_data",
            "applicant_data",
            "vneid_authenticated",
            "receiving_agency",
            "competent_agency",
            "updated_at",
        ]
    )
    _case_from_files(dossier, procedure, applicant, files)
    _attach(dossier, applicant, files)
    dossier_submit(dossier=dossier, by=None, role=Actor.SYSTEM, code=code)
    dossier.refresh_from_db()
    return dossier


def _attach(dossier: Dossier, user: User, files: list[ImportedFile]) -> None:
    components = list(dossier.components.all())
    by_code = {c.requirement_code: c for c in components}
    by_name = {fold(c.requirement_name): c for c in components}
    for item in files:
        component = by_code.get(item.requirement_code) or by_name.get(fold(item.title))
        if component is None or component.document_uuid:
            continue
        updated = draft_component_upload(
            dossier=dossier, component=component, by=user, data=item.data, name=item.name
        )
        by_code[updated.requirement_code] = updated
        by_name[fold(updated.requirement_name)] = updated
