"""Postal legs of a dossier, each recorded on its history as a HANDOVER event.

* `postal_pickup_order` — the applicant asked for collection: order VNPost to collect.
* status callbacks (`postal_callback`): collected from the applicant (2), handed over to the
  agency (3: **the legal reception time** of a postal dossier, QĐ 45/2016 step 5 — stored on
  the order and in the event's `data["legal_reception_at"]`), cancelled (4), result out for
  delivery (5), delivered with proof (6: the result is handed over, so the dossier moves
  DONE → RETURNED as the system, when the workflow allows).
* `postal_result_dispatch` — send the result by post.

Ordering is two-phase (ADR 0180): the request is written under the dossier's lock, VNPost is
called after commit with an idempotency key naming the order (`postal_order_send`), and
`postal_orders_sweep` places any order VNPost never confirmed. No network under a lock.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.exceptions import ApplicationError
from dossiers.constants import (
    APPLICANT_ACTORS,
    Actor,
    Channel,
    DossierStatus,
    EventKind,
    ResultDelivery,
)
from dossiers.models import Dossier
from dossiers.services import dossier_event_record, dossier_transition
from dossiers.workflow import TransitionNotAllowed
from integrations.base import IntegrationError
from integrations.constants import PostalKind, PostalStatus, PostalStep
from integrations.dvcqg.payloads import parse_portal_date
from integrations.models import PostalOrder
from integrations.vnpost.provider import vnpost

logger = logging.getLogger(__name__)

# The order of the statuses of each leg: a callback never moves an order backwards.
_RANK = {
    PostalStatus.REQUESTED: 0,
    PostalStatus.REGISTERED: 1,
    PostalStatus.COLLECTING: 2,
    PostalStatus.HANDED_OVER: 3,
    PostalStatus.IN_TRANSIT: 3,
    PostalStatus.DELIVERED: 4,
    PostalStatus.CANCELLED: 5,
}
_STEP_FOR = {
    (PostalKind.PICKUP, PostalStatus.COLLECTING): PostalStep.PICKED_UP,
    (PostalKind.PICKUP, PostalStatus.HANDED_OVER): PostalStep.HANDED_OVER,
    (PostalKind.PICKUP, PostalStatus.CANCELLED): PostalStep.PICKUP_CANCELLED,
    (PostalKind.DISPATCH, PostalStatus.IN_TRANSIT): PostalStep.OUT_FOR_DELIVERY,
    (PostalKind.DISPATCH, PostalStatus.DELIVERED): PostalStep.DELIVERED,
}


class PostalError(ApplicationError):
    pass


def _record(
    *, dossier: Dossier, step: str, by: User | None, role: str, data: dict[str, Any], note: str = ""
) -> None:

    dossier_event_record(
        dossier=dossier,
        kind=EventKind.HANDOVER,
        by=by,
        role=role,
        note=note or str(PostalStep(step).label),
        data={"postal_step": step, **data},
    )


def _applicant_address(dossier: Dossier) -> dict[str, str]:
    data = dossier.applicant_data or {}
    return {
        "name": data.get("full_name") or dossier.applicant.get_full_name(),
        "tel": data.get("phone") or dossier.applicant.phone or "",
        "address": dossier.delivery_address or data.get("address", ""),
        "wardCode": dossier.delivery_commune_code or "",
    }


def _agency_address(agency: Any) -> dict[str, str]:
    if agency is None:
        return {"name": "", "tel": "", "address": "", "wardCode": ""}
    return {
        "name": agency.name,
        "tel": agency.phone,
        "address": agency.address,
        "wardCode": agency.commune_code,
    }


def _check_vnpost_on(dossier: Dossier, kind: str) -> None:
    if not vnpost.is_enabled():
        raise PostalError(_("Dịch vụ bưu chính chưa được bật."), code="postal_off")
    existing = dossier.postal_orders.filter(kind=kind).exclude(status=PostalStatus.CANCELLED)
    if existing.exists():
        raise PostalError(_("Hồ sơ đã có bưu gửi này."), code="postal_exists")


def _request(*, dossier: Dossier, kind: str, by: User | None, role: str) -> PostalOrder:
    """The intent, in the caller's transaction under the dossier's lock: no network here."""
    _check_vnpost_on(dossier, kind)
    return PostalOrder.objects.create(
        dossier=dossier,
        kind=kind,
        status=PostalStatus.REQUESTED,
        requested_by=by,
        requested_role=role,
    )


def _send_after_commit(order: PostalOrder) -> PostalOrder:
    """Call VNPost once the request is committed: now when no transaction is open, else when
    the caller's commits. Either way the sweep retries an order VNPost never confirmed."""
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: postal_order_send(order_id=order.pk), robust=True)
        return order
    return postal_order_send(order_id=order.pk)


def _parties(order: PostalOrder) -> tuple[dict[str, str], dict[str, str]]:
    dossier = order.dossier
    if order.kind == PostalKind.PICKUP:
        return _applicant_address(dossier), _agency_address(dossier.receiving_agency)
    return _agency_address(dossier.receiving_agency), _applicant_address(dossier)


_ORDERED_STEP = {
    PostalKind.PICKUP: PostalStep.PICKUP_ORDERED,
    PostalKind.DISPATCH: PostalStep.RESULT_DISPATCHED,
}


def postal_order_send(*, order_id: int) -> PostalOrder:
    """Create a requested order at VNPost and record its number (ADR 0180: no network inside a
    transaction). The idempotency key names the order, so a retry after a lost answer is one
    order at VNPost. A refusal cancels the order and says why; an unreachable VNPost leaves it
    requested for `postal_orders_sweep`."""
    order = PostalOrder.objects.select_related(
        "dossier__applicant", "dossier__receiving_agency"
    ).get(pk=order_id)
    if order.status != PostalStatus.REQUESTED:
        return order
    dossier = order.dossier
    sender, receiver = _parties(order)
    try:
        answer = vnpost.create_order(
            kind=order.kind,
            key=f"{dossier.code}:{order.kind}:{order.uuid}",
            body={
                "referenceCode": dossier.code,
                "description": dossier.procedure_name[:200],
                **{f"sender{k[0].upper()}{k[1:]}": v for k, v in sender.items()},
                **{f"receiver{k[0].upper()}{k[1:]}": v for k, v in receiver.items()},
            },
        )
    except IntegrationError as exc:
        if exc.retryable:
            logger.warning("VNPost order %s not placed yet: %s", order.pk, exc)
            return order
        PostalOrder.objects.filter(pk=order.pk, status=PostalStatus.REQUESTED).update(
            status=PostalStatus.CANCELLED, updated_at=timezone.now()
        )
        raise PostalError(str(exc), code="postal_refused") from exc
    return _confirmed(order.pk, answer)


@transaction.atomic
def _confirmed(order_id: int, answer: dict[str, Any]) -> PostalOrder:
    order = PostalOrder.objects.select_for_update().select_related("dossier").get(pk=order_id)
    if order.status != PostalStatus.REQUESTED:
        return order  # another sender recorded VNPost's answer first
    order.order_number = str(answer["orderNumber"])[:32]
    order.status = PostalStatus(str(answer.get("orderStatus") or PostalStatus.REGISTERED))
    order.save(update_fields=["order_number", "status", "updated_at"])
    _record(
        dossier=order.dossier,
        step=_ORDERED_STEP[PostalKind(order.kind)],
        by=order.requested_by,
        role=order.requested_role or Actor.SYSTEM,
        data={"order_number": order.order_number},
    )
    return order


def postal_orders_sweep(*, older_than: dt.timedelta = dt.timedelta(minutes=2)) -> int:
    """Periodic: send again every order still requested (VNPost was unreachable, or the process
    died between the commit and the call). Returns how many were placed."""
    if not vnpost.is_enabled():
        return 0
    cutoff = timezone.now() - older_than
    placed = 0
    for order_id in PostalOrder.objects.filter(
        status=PostalStatus.REQUESTED, created_at__lte=cutoff
    ).values_list("pk", flat=True)[:200]:
        try:
            order = postal_order_send(order_id=order_id)
        except PostalError:
            continue
        placed += order.status != PostalStatus.REQUESTED
    return placed


def postal_pickup_order(*, dossier: Dossier, by: User | None, role: str) -> PostalOrder:
    """Order VNPost to collect a postal dossier from the applicant."""
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if locked.channel != Channel.POSTAL or locked.status != DossierStatus.SUBMITTED:
            raise PostalError(
                _("Chỉ đặt thu gom cho hồ sơ nộp qua bưu chính đang chờ tiếp nhận."),
                code="not_postal",
            )
        order = _request(dossier=locked, kind=PostalKind.PICKUP, by=by, role=role)
    return _send_after_commit(order)


def postal_pickup_on_submission(event: Any) -> None:
    """`dossier_event_participants` entry, in the submission's transaction (ADR 0180): the
    applicant chose collection by the post (channel postal), so the order is written with the
    submission and placed with VNPost after commit. Nothing when VNPost is off (the officer's
    "Đặt bưu điện thu gom hồ sơ" is there once it is on) or an order is already live."""
    if event.kind != EventKind.TRANSITION or event.to_status != DossierStatus.SUBMITTED:
        return
    if event.from_status != DossierStatus.DRAFT or not vnpost.is_enabled():
        return
    if event.role not in APPLICANT_ACTORS:  # staff filing a postal dossier order it themselves
        return
    dossier = event.dossier
    if dossier.channel != Channel.POSTAL:
        return
    live = dossier.postal_orders.filter(kind=PostalKind.PICKUP).exclude(
        status=PostalStatus.CANCELLED
    )
    if live.exists():
        return
    order = _request(dossier=dossier, kind=PostalKind.PICKUP, by=event.actor, role=event.role)
    transaction.on_commit(lambda: _queue_send(order.pk), robust=True)


def _queue_send(order_id: int) -> None:
    # Not in the applicant's request: the worker places it (and the sweep, should this be lost).
    from integrations.tasks import vnpost_order_send

    vnpost_order_send.delay(order_id)


def postal_collection_arrived_guard(ctx: Any) -> str | None:
    """The `postal_collection_arrived` guard of SUBMITTED → RECEIVED: while the post is still
    collecting the paper, there is nothing at the counter to check, and the legal reception time
    (the handover, QĐ 45/2016 step 5) is not known yet."""
    underway = ctx.dossier.postal_orders.filter(kind=PostalKind.PICKUP).exclude(
        status__in=(PostalStatus.CANCELLED, PostalStatus.HANDED_OVER)
    )
    if underway.exists():
        return _(
            "Bưu điện chưa bàn giao hồ sơ giấy cho cơ quan; tiếp nhận sau khi nhận được hồ sơ."
        )
    return None


def postal_result_dispatch(*, dossier: Dossier, by: User | None, role: str) -> PostalOrder:
    """Send the result by post (the applicant chose delivery by post)."""
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if locked.status != DossierStatus.DONE or locked.result_delivery != ResultDelivery.POST:
            raise PostalError(
                _("Chỉ gửi bưu chính hồ sơ đã có kết quả và chọn nhận kết quả qua bưu chính."),
                code="not_dispatchable",
            )
        order = _request(dossier=locked, kind=PostalKind.DISPATCH, by=by, role=role)
    return _send_after_commit(order)


@transaction.atomic
def postal_callback(*, payload: dict[str, Any]) -> PostalOrder:
    """Apply one VNPost status callback (signature checked by the view). Idempotent."""
    try:
        status = PostalStatus(str(payload.get("status") or ""))
    except ValueError:
        raise PostalError("unknown status", code="bad_status") from None
    order = (
        PostalOrder.objects.select_for_update()
        .select_related("dossier")
        .filter(order_number=str(payload.get("orderNumber") or ""))
        .first()
    )
    if order is None:
        raise PostalError("unknown order", code="unknown_order")
    if _RANK[status] <= _RANK[PostalStatus(order.status)]:
        return order  # a repeat or a late, older status
    at: dt.datetime = parse_portal_date(str(payload.get("time") or "")) or timezone.now()
    order.status = status
    step = _STEP_FOR.get((PostalKind(order.kind), status))
    data: dict[str, Any] = {"order_number": order.order_number, "at": at.isoformat()}
    if status == PostalStatus.COLLECTING:
        order.picked_up_at = at
    elif status == PostalStatus.HANDED_OVER:
        order.handed_over_at = at
        data["legal_reception_at"] = at.isoformat()
    elif status == PostalStatus.DELIVERED:
        order.delivered_at = at
        raw = payload.get("proof")
        proof: dict[str, Any] = raw if isinstance(raw, dict) else {}
        order.proof = {k: str(v)[:500] for k, v in proof.items()}
        data["proof"] = order.proof
    order.save()
    if step is not None:
        _record(dossier=order.dossier, step=step, by=None, role=Actor.SYSTEM, data=data)
    if status == PostalStatus.DELIVERED:
        _returned(order.dossier)
    return order


def _returned(dossier: Dossier) -> None:

    dossier.refresh_from_db()
    if dossier.status != DossierStatus.DONE:
        return
    try:
        with transaction.atomic():
            dossier_transition(
                dossier=dossier,
                to=DossierStatus.RETURNED,
                by=None,
                role=Actor.SYSTEM,
                note=_("Đã phát kết quả qua bưu chính."),
            )
    except TransitionNotAllowed as exc:  # e.g. a fee still owed: the officer hands over later
        logger.warning("postal delivery did not return the dossier", extra={"reason": str(exc)})
