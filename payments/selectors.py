"""Reads on payments, scoped to who asks: a citizen sees the payments of dossiers they may see,
staff those of their agencies. The fee computation itself is procedures' (`procedure_fee_lines`,
the one function the submission fee step calls too)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import User
from agencies.selectors import memberships_in_force
from dossiers.models import Dossier
from dossiers.selectors import dossiers_visible_to
from payments.constants import ChargeStatus, PaymentStatus, Provider
from payments.models import Charge, Payment
from payments.providers.registry import get_provider
from procedures.selectors import FeeLine, procedure_fee_lines, procedure_in_request

if TYPE_CHECKING:
    from dossiers.models import Dossier

STAFF_VIEW_ROLES = frozenset(
    {
        Role.RECEPTION_OFFICER,
        Role.PROCESSING_OFFICER,
        Role.AGENCY_HEAD,
        Role.RECORDS_CLERK,
        Role.ONESTOP_SUPERVISOR,
    }
)
REFUND_ROLES = frozenset({Role.AGENCY_HEAD, Role.ONESTOP_SUPERVISOR})


# --- what is due -------------------------------------------------------------------------------


def fee_lines_for(
    *,
    procedure_code: str,
    channel: str,
    applicant_type_code: str = "",
    day: dt.date | None = None,
) -> list[FeeLine]:
    """The fees of a procedure on `channel` on `day`, computed by procedures (which owns the
    fee rules: channel, online discount, exemptions, effective dates)."""

    procedure = procedure_in_request(code=procedure_code)
    if procedure is None:
        return []
    return procedure_fee_lines(
        procedure=procedure, channel=channel, applicant_type_code=applicant_type_code, day=day
    )


def fee_channel_for(dossier: Any) -> str:
    """The fee channel of a dossier: anything submitted online pays the online fee (the one
    definition of "online", `dossiers.constants.is_online`)."""
    from dossiers.constants import catalogue_channel

    return catalogue_channel(dossier.channel)


def charges_open(*, dossier: Any) -> QuerySet[Charge]:
    return Charge.objects.filter(dossier=dossier, status=ChargeStatus.OPEN)


def amount_due_vnd(*, dossier: Any) -> int:
    return charges_open(dossier=dossier).aggregate(total=Sum("amount_vnd"))["total"] or 0


def submission_fee_uncharged_vnd(*, dossier: Any) -> int:
    """The submission fee a dossier owes by its procedure when no charge was ever computed for
    it (0 once any charge exists, or when the procedure is free): the guard's fail-closed case."""
    if dossier.status == "draft" or Charge.objects.filter(dossier=dossier).exists():
        return 0
    lines = fee_lines_for(
        procedure_code=dossier.procedure_code,
        channel=fee_channel_for(dossier),
        applicant_type_code=(dossier.applicant_data or {}).get("applicant_type_code", ""),
        day=timezone.localdate(dossier.submitted_at or timezone.now()),
    )
    return sum(line.amount_vnd for line in lines)


def dossier_fees_settled(*, dossier: Any) -> bool:
    """What the dossier workflow's `fees_settled` guard asks (no copied flag on the dossier)."""
    return not charges_open(dossier=dossier).exists()


def dossier_paid_online(*, dossier: Any) -> int:
    """QĐ 766 indicator 3.6 (`DuocThanhToanTrucTuyen`): 0 when not paid online, else the code
    of the portal it was paid on (1 National Portal, 2 this province portal)."""

    paid_online = Payment.objects.filter(
        dossier=dossier, status=PaymentStatus.PAID, provider=Provider.VNPAY
    ).exists()
    return settings.PAYMENT_ONLINE_KIND if paid_online else 0


def procedure_has_online_payment(*, procedure_code: str) -> bool:
    """QĐ 766 indicator 3.5: a fee-bearing procedure is integrated with online payment when its
    online fee is known here and a gateway is available."""

    if not get_provider(Provider.VNPAY).is_available():
        return False
    return any(
        line.amount_vnd > 0
        for line in fee_lines_for(procedure_code=procedure_code, channel="online")
    )


# --- scoped reads ------------------------------------------------------------------------------


def _staff_agency_ids(user: User, roles: frozenset[str] = STAFF_VIEW_ROLES) -> list[int]:

    return [m.agency_id for m in memberships_in_force(user) if m.role in roles]


def _dossier_in_agencies(agency_ids: list[int], prefix: str = "dossier__") -> Q:
    return Q(**{f"{prefix}receiving_agency_id__in": agency_ids}) | Q(
        **{f"{prefix}competent_agency_id__in": agency_ids}
    )


def payments_for_citizen(*, user: User) -> QuerySet[Payment]:

    return Payment.objects.filter(dossier__in=dossiers_visible_to(user=user)).select_related(
        "dossier", "charge"
    )


def payments_for_staff(*, user: User) -> QuerySet[Payment]:
    ids = _staff_agency_ids(user)
    return Payment.objects.filter(_dossier_in_agencies(ids)).select_related("dossier", "charge")


def payment_get(*, user: User, uuid: Any) -> Payment | None:
    """The payment if `user` may see it (its citizen, or staff of its dossier's agencies)."""
    if not user.is_authenticated:
        return None
    found = payments_for_citizen(user=user).filter(uuid=uuid).first()
    return found or payments_for_staff(user=user).filter(uuid=uuid).first()


def dossier_for_citizen(*, user: User, code: str) -> Any | None:

    return dossiers_visible_to(user=user).exclude(code=None).filter(code=code).first()


def dossier_for_staff(
    *, user: User, code: str, roles: frozenset[str] = STAFF_VIEW_ROLES
) -> Dossier | None:

    ids = _staff_agency_ids(user, roles)
    return Dossier.objects.filter(_dossier_in_agencies(ids, prefix="")).filter(code=code).first()


def dossier_in_staff_scope(
    *, user: User, dossier: Dossier, roles: frozenset[str] = STAFF_VIEW_ROLES
) -> bool:
    """`dossier_for_staff` for a dossier already read (the officer's page): no second read."""
    ids = _staff_agency_ids(user, roles)
    return dossier.receiving_agency_id in ids or dossier.competent_agency_id in ids


def may_refund(*, user: User, payment: Payment) -> bool:
    ids = _staff_agency_ids(user, REFUND_ROLES)
    dossier = payment.dossier
    return dossier.receiving_agency_id in ids or dossier.competent_agency_id in ids


def payments_pending_older_than(*, minutes: int) -> QuerySet[Payment]:
    """For the reconciliation task (system use, not a user's read)."""
    cutoff = timezone.now() - dt.timedelta(minutes=minutes)
    return Payment.objects.filter(
        status=PaymentStatus.PENDING, provider=Provider.VNPAY, created_at__lt=cutoff
    )


@dataclass(frozen=True)
class ReportRow:
    agency_name: str
    provider: str
    bank_code: str
    count: int
    amount_vnd: int
    refunded_vnd: int


def daily_report_rows(*, agency_id: int, day: dt.date) -> list[ReportRow]:
    """Amounts settled on `day` for an agency, by channel (provider) and gateway bank."""

    rows = (
        Payment.objects.filter(
            agency_id=agency_id,
            paid_at__date=day,
            status__in=(PaymentStatus.PAID, PaymentStatus.REFUNDED, PaymentStatus.DUPLICATE),
        )
        .values("agency__name", "provider", "bank_code")
        .annotate(count=Count("id"), amount=Sum("amount_vnd"), refunded=Sum("refunded_vnd"))
        .order_by("provider", "bank_code")
    )
    return [
        ReportRow(
            r["agency__name"], r["provider"], r["bank_code"], r["count"], r["amount"], r["refunded"]
        )
        for r in rows
    ]


def online_payment_available() -> bool:

    return get_provider(Provider.VNPAY).is_available()


PERSONAL_DATA_TITLE = _("Thanh toán phí, lệ phí")
PERSONAL_DATA_LABELS = {
    "dossier_code": _("Mã hồ sơ"),
    "amount_vnd": _("Số tiền (đồng)"),
    "provider": _("Hình thức"),
    "txn_ref": _("Mã giao dịch"),
    "paid_at": _("Thanh toán lúc"),
    "receipt_number": _("Số biên lai"),
}


def personal_data_payments(user: User) -> list[dict[str, Any]]:
    """The person's payments in their personal-data download (right of access, issue #25)."""
    return [
        {
            "dossier_code": p.dossier.code or "",
            "amount_vnd": p.amount_vnd,
            "provider": p.get_provider_display(),
            "status": p.get_status_display(),
            "txn_ref": p.txn_ref,
            "paid_at": p.paid_at,
            "receipt_number": p.receipt_number,
        }
        for p in payments_for_citizen(user=user)
        .filter(dossier__applicant=user)
        .order_by("-created_at")
    ]
