"""The payment panel for the dossier pages, ready for the panel registry dossiers will offer
(ARCHITECTURE: "pages that gather a dossier from several apps take panels that higher apps
register"). Until that hook exists nothing calls it; see docs/payments.md."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from payments import selectors


def dossier_payment_panel(*, request: HttpRequest, dossier: Any) -> str:
    """HTML of the fees block: what is due, the pay button link, past payments and receipts."""
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
