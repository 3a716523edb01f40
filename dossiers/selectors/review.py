"""The "check your answers" page (GOV.UK pattern, issue #25): every answer and document of a
draft, in sections that follow the steps, each row with the place on its step where it is
changed. Labels are the ones the citizen read while filling in, never the stored keys; values
are written as a person reads them (dates dd/mm/yyyy, yes/no, the agency's name).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import User
from documents.selectors import documents_visible_to
from dossiers import eform
from dossiers.constants import (
    APPLICANT_LABELS,
    Channel,
    ComponentSource,
    DraftStep,
    ResultDelivery,
)
from dossiers.models import Dossier, DossierComponent
from procedures.constants import FieldType


@dataclass(frozen=True)
class AnswerRow:
    label: str
    value: str
    anchor: str = ""  # the id of the field (or upload slot) on its step
    missing: bool = False


@dataclass(frozen=True)
class DocumentRow:
    component: DossierComponent
    file_name: str = ""
    size: int = 0
    state_holds: bool = False

    @property
    def anchor(self) -> str:
        return f"slot-{self.component.uuid}"

    @property
    def missing(self) -> bool:
        return self.component.is_required and not self.component.is_provided


@dataclass
class AnswerSection:
    step: DraftStep
    rows: list[AnswerRow] = field(default_factory=list)
    documents: list[DocumentRow] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.step.label)


def readable(value: Any, kind: str = FieldType.TEXT) -> str:
    """A stored answer as the citizen reads it."""
    if value in (None, ""):
        return ""
    if kind == FieldType.CHECKBOX or isinstance(value, bool):
        return _("Có") if value else _("Không")
    if kind == FieldType.DATE or (isinstance(value, str) and _looks_like_iso_date(value)):
        try:
            return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    return str(value)


def _looks_like_iso_date(text: str) -> bool:
    return len(text) == 10 and text[4] == "-" and text[7] == "-"


def _applicant_section(dossier: Dossier, procedure: Any) -> AnswerSection:
    data = dossier.applicant_data or {}
    section = AnswerSection(DraftStep.APPLICANT)
    for key in ("full_name", "id_number", "date_of_birth", "phone", "email", "address"):
        required = key in ("full_name", "id_number", "phone", "address")
        value = readable(data.get(key))
        section.rows.append(
            AnswerRow(str(APPLICANT_LABELS[key]), value, f"id_{key}", required and not value)
        )
    type_code = data.get("applicant_type_code")
    if type_code:
        names = {t.code: t.name for t in procedure.applicant_types.all()}
        for rule in procedure.fee_rules.all():
            names.update({t.code: t.name for t in rule.exempt_applicant_types.all()})
        section.rows.append(
            AnswerRow(
                str(APPLICANT_LABELS["applicant_type_code"]),
                names.get(type_code, type_code),
                "id_applicant_type_code",
            )
        )
    organisation = dossier.organisation
    if organisation is not None:
        section.rows.append(AnswerRow(_("Tổ chức"), organisation.name))
    agency = dossier.receiving_agency
    section.rows.append(
        AnswerRow(_("Nơi tiếp nhận"), agency.name if agency else "", "id_filing_commune")
    )
    return section


def _fields_section(dossier: Dossier, procedure: Any) -> AnswerSection:
    section = AnswerSection(DraftStep.FIELDS)
    specs = list(procedure.form_fields.all())
    organisation = eform.is_for_organisation(dossier.applicant_data)
    # shown once, under the applicant
    answered = eform.answered_by_applicant(specs, organisation=organisation)
    for spec in specs:
        if spec.field_type == FieldType.DOCUMENT or spec.key in answered:
            continue
        value = readable(dossier.form_data.get(spec.key), spec.field_type)
        label = eform.field_label(spec, organisation=organisation)
        section.rows.append(
            AnswerRow(label, value, f"id_{spec.key}", bool(spec.required and not value))
        )
    return section


def _documents_section(dossier: Dossier, user: User) -> AnswerSection:
    components = list(dossier.components.all())
    uuids = [c.document_uuid for c in components if c.document_uuid]
    files = {
        d.uuid: d
        for d in documents_visible_to(user=user)
        .filter(uuid__in=uuids)
        .only("uuid", "original_name", "title", "size")
    }
    section = AnswerSection(DraftStep.DOCUMENTS)
    for component in components:
        stored = files.get(component.document_uuid) if component.document_uuid else None
        section.documents.append(
            DocumentRow(
                component,
                file_name=(stored.original_name or stored.title) if stored else "",
                size=stored.size if stored else 0,
                state_holds=component.source == ComponentSource.STATE_HOLDS,
            )
        )
    return section


def _delivery_section(dossier: Dossier) -> AnswerSection:
    section = AnswerSection(DraftStep.DELIVERY)
    if dossier.channel == Channel.POSTAL:  # the paper collected by the post (ADR 0290)
        section.rows.append(
            AnswerRow(
                _("Gửi hồ sơ giấy"),
                _("Bưu điện đến thu gom tại %(address)s") % {"address": dossier.delivery_address},
                "id_submission_channel_1",
            )
        )
    section.rows.append(
        AnswerRow(
            _("Cách nhận kết quả"),
            dossier.get_result_delivery_display() if dossier.result_delivery else "",
            "id_result_delivery_0",
            not dossier.result_delivery,
        )
    )
    if dossier.result_delivery == ResultDelivery.POST or dossier.channel == Channel.POSTAL:
        section.rows.append(
            AnswerRow(_("Địa chỉ nhận"), dossier.delivery_address, "id_delivery_address")
        )
    return section


def draft_answers(*, dossier: Dossier, user: User, procedure: Any) -> list[AnswerSection]:
    """The sections of the check-your-answers page, in the order of the steps. `user` is the
    one reviewing: file names come from what they may see."""
    return [
        _applicant_section(dossier, procedure),
        _fields_section(dossier, procedure),
        _documents_section(dossier, user),
        _delivery_section(dossier),
    ]
