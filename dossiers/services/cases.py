"""Writes of a dossier's case: the situation of the procedure whose documents it holds (ADR 0260).

A dossier's components are exactly the upload slots of its case (the common documents and the
case's own), so every later reader (the review page, the reception checklist, Mẫu 02, counter
intake) lists that case only. Choosing another case swaps the case's own slots; the common ones
and what is attached to them stay.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from common.exceptions import ApplicationError
from dossiers.constants import Actor, DossierStatus, EventKind
from dossiers.models import Dossier, DossierComponent, DossierEvent
from dossiers.selectors.cases import case_component_specs
from dossiers.services.drafts import _locked_draft, _release_use, procedure_for
from dossiers.services.transition import dossier_event_record
from procedures.selectors import procedure_case

S = DossierStatus
# Where the reception officer may still put the dossier in another case: before the
# completeness decision, or while the applicant supplements it.
CASE_CHANGE_STATUSES = frozenset({S.SUBMITTED, S.INTAKE_SUPPLEMENT})


def apply_case(locked: Dossier, *, procedure: Any, case_key: str, by: User) -> None:
    case = procedure_case(procedure=procedure, key=case_key)
    if case is None:
        raise ApplicationError(_("Chọn một trường hợp trong danh sách."), code="invalid_case")
    wanted = case_component_specs(procedure=procedure, case_key=case.key)
    codes = {spec["requirement_code"] for spec in wanted}
    existing = {c.requirement_code: c for c in locked.components.all()}
    for code, component in existing.items():
        if code not in codes:
            if component.document_uuid is not None:
                _release_use(locked, component.document_uuid, by)
            component.delete()
    for position, spec in enumerate(wanted):
        current = existing.get(spec["requirement_code"])
        if current is None:
            DossierComponent.objects.create(dossier=locked, position=position, **spec)
        elif current.position != position:
            current.position = position
            current.save(update_fields=["position", "updated_at"])
    locked.case_key = case.key
    locked.case_title = case.display_name[:500]
    locked.save(update_fields=["case_key", "case_title", "updated_at"])


@transaction.atomic
def dossier_case_choose(*, dossier: Dossier, case_key: str, by: User) -> Dossier:
    """The applicant's answer to "Trường hợp nào đúng với bạn?" on their draft."""
    locked = _locked_draft(dossier, by)
    procedure = procedure_for(locked)
    if procedure is None:
        raise ApplicationError(_("Thủ tục không còn trong danh mục."), code="no_procedure")
    apply_case(locked, procedure=procedure, case_key=case_key, by=by)
    return locked


@transaction.atomic
def dossier_case_change(*, dossier: Dossier, case_key: str, by: User, reason: str) -> DossierEvent:
    """At reception the officer puts a submitted dossier in the case that fits it; the history
    keeps the case it was in, the new one and the officer's reason."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Ghi rõ lý do đổi trường hợp."), code="reason_required")
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.status not in CASE_CHANGE_STATUSES:
        raise ApplicationError(
            _("Chỉ đổi được trường hợp trước khi tiếp nhận hồ sơ."), code="not_at_reception"
        )
    if locked.case_key == case_key:
        raise ApplicationError(_("Hồ sơ đã ở trường hợp này."), code="same_case")
    procedure = procedure_for(locked)
    if procedure is None:
        raise ApplicationError(_("Thủ tục không còn trong danh mục."), code="no_procedure")
    case = procedure_case(procedure=procedure, key=case_key)
    if case is None:
        raise ApplicationError(_("Chọn một trường hợp trong danh sách."), code="invalid_case")
    # The history first: it checks that the officer acts for the receiving agency.
    event = dossier_event_record(
        dossier=locked,
        kind=EventKind.CASE_CHANGED,
        by=by,
        role=Actor.RECEPTION_OFFICER,
        note=reason,
        data={
            "from_case": locked.case_key,
            "from_title": locked.case_title,
            "to_case": case.key,
            "to_title": case.display_name[:500],
        },
    )
    apply_case(locked, procedure=procedure, case_key=case_key, by=by)
    return event
