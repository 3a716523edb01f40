"""Reads for the citizen side: always scoped to who asks (`access.applicant_side`: the applicant,
a helper under a mandate in force, a current representative of the applying organisation).
Anyone else gets `Dossier.DoesNotExist` (a 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from dossiers.constants import DossierStatus, EventKind
from dossiers.models import Dossier, DossierComponent, DossierEvent
from dossiers.selectors.access import applicant_side

S = DossierStatus

# What each status means for the citizen, in plain words (the timeline and "my page").
PLAIN_STATUS: dict[str, Any] = {
    S.DRAFT: _("Bạn đang khai hồ sơ, chưa nộp."),
    S.SUBMITTED: _("Hồ sơ đã nộp, đang chờ cán bộ kiểm tra và tiếp nhận."),
    S.INTAKE_SUPPLEMENT: _("Cán bộ đề nghị bạn bổ sung giấy tờ trước khi tiếp nhận."),
    S.REJECTED_AT_INTAKE: _("Hồ sơ không được tiếp nhận. Xem lý do bên dưới."),
    S.RECEIVED: _("Hồ sơ đã được tiếp nhận; thời hạn giải quyết bắt đầu tính."),
    S.IN_PROCESS: _("Hồ sơ đã chuyển đến cơ quan giải quyết."),
    S.APPRAISING: _("Cán bộ đang xem xét hồ sơ."),
    S.CONSULTING: _("Cơ quan đang xác minh hoặc lấy ý kiến cơ quan khác."),
    S.INTERAGENCY: _("Hồ sơ đang được các cơ quan liên quan cùng giải quyết."),
    S.AWAITING_APPROVAL: _("Hồ sơ đang chờ lãnh đạo phê duyệt."),
    S.SIGNING: _("Kết quả đang được ký số."),
    S.ISSUING: _("Kết quả đang được ban hành."),
    S.SUPPLEMENT_REQUESTED: _("Cơ quan đề nghị bạn bổ sung hồ sơ."),
    S.SUPPLEMENT_SUBMITTED: _("Bạn đã bổ sung; đang chờ cán bộ tiếp nhận lại."),
    S.AWAITING_PAYMENT: _("Bạn cần nộp phí, lệ phí để hồ sơ được giải quyết tiếp."),
    S.WITHDRAWAL_REQUESTED: _("Bạn đã yêu cầu rút hồ sơ; đang chờ cơ quan xác nhận."),
    S.STOPPED: _("Hồ sơ đã dừng giải quyết."),
    S.DONE: _("Đã có kết quả giải quyết."),
    S.RETURNED: _("Kết quả đã được trả."),
    S.CORRECTION: _("Kết quả đang được đính chính."),
}

WAITING_ON_CITIZEN: dict[str, Any] = {
    S.INTAKE_SUPPLEMENT: _("Bổ sung giấy tờ"),
    S.SUPPLEMENT_REQUESTED: _("Bổ sung hồ sơ"),
    S.AWAITING_PAYMENT: _("Nộp phí, lệ phí"),
}


def dossiers_visible_to(*, user: User | AnonymousUser) -> QuerySet[Dossier]:
    if not user.is_authenticated:
        return Dossier.objects.none()
    return Dossier.objects.filter(applicant_side(user=user))


def dossier_drafts_for(*, user: User | AnonymousUser) -> QuerySet[Dossier]:
    return dossiers_visible_to(user=user).filter(status=S.DRAFT).order_by("-updated_at")


def dossier_list_for_citizen(*, user: User | AnonymousUser) -> QuerySet[Dossier]:
    return (
        dossiers_visible_to(user=user)
        .exclude(status=S.DRAFT)
        .select_related("receiving_agency", "competent_agency", "organisation")
        .order_by("-submitted_at")
    )


def dossier_get_for_citizen(*, user: User | AnonymousUser, uuid: Any) -> Dossier:
    """Raises Dossier.DoesNotExist unless `user` may see the dossier."""
    return (
        dossiers_visible_to(user=user)
        .select_related("receiving_agency", "competent_agency", "organisation", "applicant")
        .get(uuid=uuid)
    )


def dossier_by_code_for_citizen(*, user: User | AnonymousUser, code: str) -> Dossier:
    return dossiers_visible_to(user=user).get(code=code)


def dossier_component_get_or_none(*, dossier: Dossier, uuid: Any) -> DossierComponent | None:
    return dossier.components.filter(uuid=uuid).first()


def dossier_component_get(*, dossier: Dossier, uuid: Any) -> DossierComponent:
    return dossier.components.get(uuid=uuid)


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    title: str
    note: str
    # Who acted for whom, when someone acted on the applicant's behalf ("" otherwise).
    on_behalf: str = ""


def _on_behalf(event: DossierEvent) -> str:
    if event.on_behalf_of is None or event.actor is None:
        return ""
    return str(
        _("%(agent)s thực hiện thay cho %(principal)s (theo ủy quyền).")
        % {
            "agent": event.actor.get_full_name(),
            "principal": event.on_behalf_of.get_full_name(),
        }
    )


def dossier_timeline(*, dossier: Dossier) -> list[TimelineEntry]:
    """The history in plain Vietnamese: transitions and the facts a citizen cares about."""
    shown = {EventKind.TRANSITION, EventKind.COMPONENT_CHANGED, EventKind.EXTENDED}
    # The postal legs (collection, delivery of the result) are handovers the applicant follows;
    # a handover between agencies is not theirs to see.
    postal = Q(kind=EventKind.HANDOVER, data__has_key="postal_step")
    entries: list[TimelineEntry] = []
    event: DossierEvent
    events = dossier.events.filter(Q(kind__in=shown) | postal)
    for event in events.select_related("actor", "on_behalf_of").order_by("at", "id"):
        if event.kind == EventKind.TRANSITION:
            title = str(PLAIN_STATUS.get(event.to_status, event.get_to_status_display()))
        elif event.kind == EventKind.COMPONENT_CHANGED:
            title = str(_("Bạn đã cập nhật giấy tờ."))
        elif event.kind == EventKind.HANDOVER:
            entries.append(_postal_entry(event))
            continue
        else:
            title = str(_("Cơ quan gia hạn thời gian giải quyết."))
        entries.append(
            TimelineEntry(at=event.at, title=title, note=event.note, on_behalf=_on_behalf(event))
        )
    return entries


def _postal_entry(event: DossierEvent) -> TimelineEntry:
    """A postal step: its label (the event's note) and the parcel number to track it by."""
    number = str(event.data.get("order_number") or "")
    note = str(_("Số hiệu bưu gửi: %(number)s") % {"number": number}) if number else ""
    receiver = str((event.data.get("proof") or {}).get("receiver") or "")
    if receiver:
        note += " — " + str(_("người nhận: %(name)s") % {"name": receiver})
    return TimelineEntry(
        at=event.at, title=str(_("Bưu chính: %(step)s") % {"step": event.note}), note=note
    )


def waiting_on_citizen(dossier: Dossier) -> str:
    return str(WAITING_ON_CITIZEN.get(dossier.status, ""))


def plain_status(dossier: Dossier) -> str:
    return str(PLAIN_STATUS.get(dossier.status, dossier.get_status_display()))


# --- public lookup --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicStatus:
    """Everything the public lookup shows: nothing personal."""

    code: str
    procedure_name: str
    status: str
    status_text: str
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    due_at: dt.datetime | None


def _last4(value: str) -> str:
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


def dossier_public_lookup(*, code: str, verify: str) -> PublicStatus | None:
    """The dossier with `code` if `verify` is the last 4 digits of the applicant's phone or ID
    number as declared on it; None otherwise (no hint which part was wrong)."""
    code, verify = code.strip(), verify.strip()
    if not code or len(verify) != 4 or not verify.isdigit():
        return None
    # Codes are printed in capitals but read aloud and typed in any case (issue #25).
    dossier = Dossier.objects.exclude(status=S.DRAFT).filter(code__iexact=code).first()
    if dossier is None:
        return None
    declared = dossier.applicant_data or {}
    accepted = {_last4(declared.get("phone", "")), _last4(declared.get("id_number", ""))}
    if verify not in accepted - {""}:
        return None
    return PublicStatus(
        code=dossier.code or "",
        procedure_name=dossier.procedure_name,
        status=dossier.status,
        status_text=plain_status(dossier),
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
    )
