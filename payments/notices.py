"""The applicant's messages about money, written to the notification outbox inside the caller's
transaction (sent after commit): a fee is due, a payment was received."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from notifications.services import notify
from payments.models import Charge, Payment


def notify_payment_due(charge: Charge) -> None:

    dossier = charge.dossier
    notify(
        event="payment_due",
        recipient=dossier.applicant,
        reference=dossier.code or "",
        context={
            "dossier_code": dossier.code or "",
            "procedure_name": dossier.procedure_name,
            "dossier_url": settings.SITE_URL + reverse("payments:dossier", args=[dossier.code]),
            "amount": charge.amount_vnd,  # formatted in the message's own language
            "payment_url": settings.SITE_URL + reverse("payments:dossier", args=[dossier.code]),
        },
    )


def notify_payment_received(payment: Payment) -> None:
    """The applicant's "we have your money" (inbox, e-mail/SMS per preferences): an outbox row in
    the settlement's own transaction, so it is sent once the payment is committed."""
    dossier = payment.dossier
    notify(
        event="payment_received",
        recipient=dossier.applicant,
        reference=dossier.code or "",
        context={
            "dossier_code": dossier.code or "",
            "procedure_name": dossier.procedure_name,
            "dossier_url": settings.SITE_URL + reverse("payments:dossier", args=[dossier.code]),
            "amount": payment.amount_vnd,  # formatted in the message's own language
            "receipt_url": settings.SITE_URL + reverse("payments:detail", args=[payment.uuid]),
        },
    )
