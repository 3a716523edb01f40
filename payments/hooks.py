"""What payments registers with dossiers (ARCHITECTURE: a higher app takes part in a lower
app's rule by registering with it): the `fees_settled` guard and a dossier event participant."""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext as _

from common.money import format_vnd
from dossiers.constants import DossierStatus, EventKind
from payments.selectors import amount_due_vnd, submission_fee_uncharged_vnd
from payments.services import charge_create_for_submission, payments_flag_for_refund

logger = logging.getLogger(__name__)


def fees_settled_guard(ctx: Any) -> str | None:
    """Fails closed: an open charge blocks, and so does a fee the dossier owes by its procedure
    for which no charge was ever computed ("no charge yet" is not "settled")."""
    due = amount_due_vnd(dossier=ctx.dossier)
    if due:
        return _("Hồ sơ còn %(amount)s phí, lệ phí chưa nộp.") % {"amount": format_vnd(due)}
    uncharged = submission_fee_uncharged_vnd(dossier=ctx.dossier)
    if uncharged:
        return _(
            "Phí, lệ phí %(amount)s của hồ sơ chưa được lập khoản thu, nên chưa thể coi là đã nộp."
        ) % {"amount": format_vnd(uncharged)}
    return None


def charge_on_dossier_event(event: Any) -> None:
    """`dossier_event_participants` entry, inside the event's transaction (ADR 0180): a submitted
    dossier gets its charge (fees computed for its channel) with the submission itself; a dossier
    refused at intake or stopped (withdrawn) has its payments put up for a refund review."""
    if event.kind != EventKind.TRANSITION:
        return
    if event.to_status == DossierStatus.SUBMITTED and event.from_status == DossierStatus.DRAFT:
        charge_create_for_submission(dossier=event.dossier)
    elif event.to_status in (DossierStatus.REJECTED_AT_INTAKE, DossierStatus.STOPPED):
        payments_flag_for_refund(dossier=event.dossier, reason=str(event.to_status))
