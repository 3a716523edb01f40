"""What payments registers with dossiers (ARCHITECTURE: a higher app takes part in a lower
app's rule by registering with it): the `fees_settled` guard and a dossier event listener."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from common.money import format_vnd
from dossiers.constants import DossierStatus, EventKind
from dossiers.models import DossierEvent
from payments.selectors import amount_due_vnd
from payments.services import charge_create_for_submission, payments_flag_for_refund

logger = logging.getLogger(__name__)


def fees_settled_guard(ctx) -> str | None:

    due = amount_due_vnd(dossier=ctx.dossier)
    if due:
        return _("Hồ sơ còn %(amount)s phí, lệ phí chưa nộp.") % {"amount": format_vnd(due)}
    return None


def on_dossier_event(event_id: int) -> None:
    """A submitted dossier gets its charge (fees computed for its channel) straight away; a
    dossier refused at intake or stopped (withdrawn) has its payments put up for a refund review."""

    event = DossierEvent.objects.select_related("dossier").filter(pk=event_id).first()
    if event is None or event.kind != EventKind.TRANSITION:
        return
    if event.to_status == DossierStatus.SUBMITTED and event.from_status == DossierStatus.DRAFT:
        charge_create_for_submission(dossier=event.dossier)
    elif event.to_status in (DossierStatus.REJECTED_AT_INTAKE, DossierStatus.STOPPED):
        payments_flag_for_refund(dossier=event.dossier, reason=str(event.to_status))
