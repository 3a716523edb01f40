"""Writes of the one-stop desk: the action bar's transitions (stale-status guard, ADR 0111),
reception decisions and internal notes.

Status changes go through `dossiers.services.transition`; nothing here assigns `Dossier.status`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from common.exceptions import ApplicationError
from dossiers.constants import (
    NOTE_ROLES,
    STAFF_ACTORS,
    Actor,
    DossierStatus,
)
from dossiers.models import Dossier, DossierEvent
from dossiers.selectors.actions import dossier_acting_role
from dossiers.selectors.cases import checklist_components
from dossiers.services.processing import dossier_correction_complete, dossier_note_add
from dossiers.services.transition import dossier_transition
from dossiers.workflow import TransitionNotAllowed

S = DossierStatus


class StaleDossier(TransitionNotAllowed):
    """The dossier moved on since the officer opened it (another officer acted first)."""

    def __init__(self, dossier: Dossier) -> None:
        super().__init__(
            _(
                "Hồ sơ %(code)s vừa được cán bộ khác xử lý, trạng thái hiện tại là “%(status)s”. "
                "Trang đã được tải lại, vui lòng kiểm tra trước khi thao tác tiếp."
            )
            % {"code": dossier.code, "status": dossier.get_status_display()},
            code="stale_status",
        )


def _locked(dossier: Dossier, expected_status: str | None) -> Dossier:
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if expected_status and locked.status != expected_status:
        raise StaleDossier(locked)
    return locked


def acting_role(*, dossier: Dossier, by: User, roles: Iterable[str]) -> str:
    """The first of `roles` in which `by` may act on `dossier` (agency checked), or refuse."""
    role = dossier_acting_role(dossier=dossier, user=by, roles=roles)
    if role is not None:
        return role
    raise TransitionNotAllowed(
        _("Bạn không có quyền thực hiện thao tác này trên hồ sơ này."), code="actor_not_allowed"
    )


# --- one action from the action bar ------------------------------------------------------------


@transaction.atomic
def office_transition(
    *,
    dossier: Dossier,
    to: str,
    by: User,
    role: str,
    expected_status: str | None = None,
    note: str = "",
    result_kind: str | None = None,
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    """A transition taken from the officer's page. `expected_status` is the status the officer
    saw: when another officer moved the dossier meanwhile, `StaleDossier` says so plainly."""
    if role not in STAFF_ACTORS:
        raise TransitionNotAllowed(_("Vai trò không hợp lệ."), code="role_not_allowed")
    locked = _locked(dossier, expected_status)
    if locked.status == S.CORRECTION and to == S.RETURNED:
        # A corrected result must have been attached since it was sent back (Art. 23).
        return dossier_correction_complete(dossier=locked, by=by, role=role)
    return dossier_transition(
        dossier=locked,
        to=to,
        by=by,
        role=role,
        note=note,
        result_kind=result_kind or None,
        data=data,
    )


# --- reception ----------------------------------------------------------------------------------

ACCEPT, SUPPLEMENT, REFUSE = "accept", "supplement", "refuse"


def supplement_note(missing: list[str], extra: str = "") -> str:
    """Every missing item at once, numbered (NĐ 118 Art. 16.3), then the officer's guidance."""
    lines = [_("Hồ sơ cần bổ sung, hoàn thiện các thành phần sau:")]
    lines += [f"{n}. {name}" for n, name in enumerate(missing, start=1)]
    if extra.strip():
        lines.append(extra.strip())
    return "\n".join(lines)


@transaction.atomic
def reception_decide(
    *,
    dossier: Dossier,
    by: User,
    decision: str,
    complete_components: Iterable[Any],
    note: str = "",
    expected_status: str | None = None,
) -> DossierEvent:
    """The reception officer's completeness check on a submitted dossier (Art. 17).

    `complete_components`: UUIDs of the components the officer ticked as present and valid.
    * accept: every required component ticked → RECEIVED (form 01 is issued by its listener);
    * supplement: the unticked components and the guidance in `note` (required) become the
      list of missing items, all at once → INTAKE_SUPPLEMENT (form 02);
    * refuse: the reasons in `note` → REJECTED_AT_INTAKE (form 03).
    """
    locked = _locked(dossier, expected_status)
    ticked = {str(u) for u in complete_components}
    components = checklist_components(locked)
    missing = [c for c in components if str(c.uuid) not in ticked]
    if decision == ACCEPT:
        required_missing = [c.requirement_name for c in missing if c.is_required]
        if required_missing:
            raise TransitionNotAllowed(
                _("Chưa xác nhận đủ thành phần bắt buộc: %(items)s.")
                % {"items": "; ".join(required_missing)},
                code="checklist_incomplete",
            )
        return dossier_transition(
            dossier=locked, to=S.RECEIVED, by=by, role=Actor.RECEPTION_OFFICER, note=note
        )
    if decision == SUPPLEMENT:
        names = [c.requirement_name for c in missing]
        if not note.strip():
            # The one request (Art. 16.3) guides the applicant: a bare list is not enough.
            raise TransitionNotAllowed(
                _("Nhập hướng dẫn cho người nộp: bổ sung gì, theo cách nào."),
                code="guidance_required",
            )
        return dossier_transition(
            dossier=locked,
            to=S.INTAKE_SUPPLEMENT,
            by=by,
            role=Actor.RECEPTION_OFFICER,
            note=supplement_note(names, note),
            data={
                "missing_items": names + ([note.strip()] if note.strip() else []),
                "missing_components": [str(c.uuid) for c in missing],
            },
        )
    if decision == REFUSE:
        return dossier_transition(
            dossier=locked, to=S.REJECTED_AT_INTAKE, by=by, role=Actor.RECEPTION_OFFICER, note=note
        )
    raise TransitionNotAllowed(_("Quyết định tiếp nhận không hợp lệ."), code="bad_decision")


# --- notes and results ---------------------------------------------------------------------------


@transaction.atomic
def office_note_add(*, dossier: Dossier, by: User, text: str) -> DossierEvent:
    """An internal note on the dossier (never shown to the citizen)."""
    text = text.strip()
    if not text:
        raise ApplicationError(_("Nhập nội dung ghi chú."), code="empty_note")
    role = acting_role(dossier=dossier, by=by, roles=NOTE_ROLES)
    return dossier_note_add(dossier=dossier, by=by, role=role, text=text, internal=True)
