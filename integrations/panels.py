"""The integrations panel on the officer's dossier page (`dossiers.hooks.office_panels`):
National Portal sync state and postal legs, with the postal actions the officer may take."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.constants import Channel, DossierStatus, ResultDelivery
from dossiers.hooks import office_panels
from integrations import selectors
from integrations.constants import SYNC_PROBLEM_STATUSES, PostalKind, PostalStatus
from integrations.dvcqg.provider import dvcqg
from integrations.views import POSTAL_ROLES, acting_role
from integrations.vnpost.provider import vnpost

# What the officer reads instead of a Python exception (issue #20: the page showed
# "ConnectionError: HTTPConnectionPool(…)"); the raw text stays under "Chi tiết kỹ thuật".
_UNREACHABLE = ("ConnectionError", "HTTPConnectionPool", "Max retries", "unreachable", "Timeout")


def readable_sync_error(raw: str) -> str:
    if not raw:
        return ""
    if any(marker.lower() in raw.lower() for marker in _UNREACHABLE):
        return str(_("Không kết nối được Cổng Dịch vụ công quốc gia; hệ thống sẽ tự gửi lại."))
    return str(_("Cổng Dịch vụ công quốc gia từ chối dữ liệu; xem chi tiết kỹ thuật."))


def _retry_time_passed(state: Any) -> bool:
    """A retry time already past means the worker has not run it yet: not "retry at 22:53"."""
    due = getattr(state, "next_attempt_at", None)
    return due is not None and due <= timezone.now()


def office_integrations_panel(*, request: HttpRequest, dossier: Any) -> str | None:

    if dossier.status == DossierStatus.DRAFT:
        return None
    state = selectors.sync_state_for(dossier=dossier) if dvcqg.is_enabled() else None
    orders = list(selectors.postal_orders_for(dossier=dossier))
    live = {o.kind for o in orders if o.status != PostalStatus.CANCELLED}
    can_post = vnpost.is_enabled() and acting_role(dossier, request.user, POSTAL_ROLES) is not None
    can_pickup = (
        can_post
        and dossier.channel == Channel.POSTAL
        and dossier.status == DossierStatus.SUBMITTED
        and PostalKind.PICKUP not in live
    )
    can_dispatch = (
        can_post
        and dossier.status == DossierStatus.DONE
        and dossier.result_delivery == ResultDelivery.POST
        and PostalKind.DISPATCH not in live
    )
    if state is None and not orders and not can_pickup and not can_dispatch:
        return None
    return render_to_string(
        "integrations/_panel.html",
        {
            "dossier": dossier,
            "state": state,
            "orders": orders,
            "can_pickup": can_pickup,
            "can_dispatch": can_dispatch,
            "error_text": readable_sync_error(state.last_error if state else ""),
            # A retry time already past means the worker has not run it yet: not "retry at 22:53".
            "retry_pending": _retry_time_passed(state),
            # Only a state in trouble is among the failures (no query for a healthy one).
            "can_retry": state is not None
            and state.status in SYNC_PROBLEM_STATUSES
            and selectors.sync_failures(user=request.user).filter(pk=state.pk).exists(),
        },
        request=request,
    )


def register() -> None:

    office_panels.register("integrations", order=30)(office_integrations_panel)
