"""The payment panel for the dossier pages, registered in `dossiers.hooks.dossier_panels`
(ARCHITECTURE: "pages that gather a dossier from several apps take panels that higher apps
register"); see docs/payments.md."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from accounts.http import AuthenticatedHttpRequest
from payments import selectors
from payments.constants import ChargeStatus
from payments.models import Charge


def dossier_payment_panel(*, request: AuthenticatedHttpRequest, dossier: Any) -> str | None:
    """HTML of the fees block: what is due, the pay button link, past payments and receipts;
    None for a dossier that never had a charge (nothing to show)."""
    if not Charge.objects.filter(dossier=dossier).exists():
        return None
    user = request.user
    staff = selectors.payments_for_staff(user=user).filter(dossier=dossier)
    payments = (
        staff
        if staff.exists()
        else selectors.payments_for_citizen(user=user).filter(dossier=dossier)
    )
    return render_to_string(
        "payments/_panel.html",
        {
            "dossier": dossier,
            "amount_due": selectors.amount_due_vnd(dossier=dossier),
            "payments": payments,
            "is_staff_view": staff.exists(),
        },
        request=request,
    )


def confirmation_payment_panel(*, request: AuthenticatedHttpRequest, dossier: Any) -> str | None:
    """The fee on the page right after submission: how much, and "Thanh toán ngay" (a POST that
    opens the gateway at once); None when nothing is due."""
    due = selectors.amount_due_vnd(dossier=dossier)
    if not due or not dossier.code:
        return None
    return render_to_string(
        "payments/_confirmation_panel.html",
        {
            "dossier": dossier,
            "amount_due": due,
            "online_available": selectors.online_payment_available(),
        },
        request=request,
    )


def office_payment_panel(*, request: AuthenticatedHttpRequest, dossier: Any) -> str | None:
    """The fees block on the officer's dossier page: charges, what is still due, payments, and
    the link to assess a fee after reception or record a counter payment. Shown whenever the
    officer's agency may handle this dossier's money; None otherwise (and for a draft)."""
    if not dossier.code:
        return None
    if not selectors.dossier_in_staff_scope(user=request.user, dossier=dossier):
        return None
    charges = list(Charge.objects.filter(dossier=dossier).order_by("created_at"))
    return render_to_string(
        "payments/_office_panel.html",
        {
            "dossier": dossier,
            "charges": charges,
            # `amount_due_vnd` summed from the charges just read (one query less per page).
            "amount_due": sum(c.amount_vnd for c in charges if c.status == ChargeStatus.OPEN),
            "payments": selectors.payments_for_staff(user=request.user).filter(dossier=dossier),
        },
        request=request,
    )
