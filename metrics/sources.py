"""Batch reads of the live data behind the indicators (dossiers, events, components, and the
few flags other apps hold: online payments, ratings and complaints, staff memberships).

`metrics` is the top layer that "reads all of it" (ARCHITECTURE.md). These are read-only batch
queries, one per table per chunk, so that building the facts of thousands of dossiers does not
issue a query per dossier.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet

from agencies.models import StaffMembership
from agencies.selectors import working_calendar
from dossiers.models import Dossier, DossierComponent, DossierEvent
from helpdesk.constants import SATISFIED_FROM, ReportStatus
from helpdesk.models import DossierRating, FieldReport
from metrics.facts import ComponentRow, CrossAppFlags, EventRow, Facts, chunks, facts_from
from payments.constants import PaymentStatus, Provider
from payments.models import Charge, Payment

CHUNK = 500


def _paid_online(ids: list[int]) -> set[int]:

    return set(
        Payment.objects.filter(
            dossier_id__in=ids, status=PaymentStatus.PAID, provider=Provider.VNPAY
        ).values_list("dossier_id", flat=True)
    )


def _charged(ids: list[int]) -> set[int]:

    return set(
        Charge.objects.filter(dossier_id__in=ids, amount_vnd__gt=0).values_list(
            "dossier_id", flat=True
        )
    )


def _disliked(ids: list[int], codes: dict[int, str]) -> set[int]:
    """Dossiers rated below "satisfied", or named in a complaint (PAKN) — indicator 5.4."""

    out = set(
        DossierRating.objects.filter(dossier_id__in=ids, average__lt=SATISFIED_FROM).values_list(
            "dossier_id", flat=True
        )
    )
    by_code = {code: pk for pk, code in codes.items() if code}
    reported = (
        FieldReport.objects.filter(dossier_code__in=list(by_code))
        .exclude(status__in=[ReportStatus.MERGED, ReportStatus.REFUSED])
        .values_list("dossier_code", flat=True)
    )
    out.update(by_code[code] for code in reported)
    return out


def _rated(ids: list[int]) -> set[int]:
    """Dossiers the applicant rated (any score): 5.4 is N/A when no dossier got feedback."""

    return set(
        DossierRating.objects.filter(dossier_id__in=ids).values_list("dossier_id", flat=True)
    )


def _civil_servants(user_ids: set[int]) -> set[int]:

    return set(
        StaffMembership.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)
    )


def received_dossiers() -> QuerySet[Dossier]:
    """Dossiers that reached reception at least once (the index's population)."""
    return Dossier.objects.filter(received_at__isnull=False)


def iter_facts(dossiers: QuerySet[Dossier]) -> Iterator[Facts]:
    """Facts of every received dossier of `dossiers`, built in chunks."""

    calendar = working_calendar()
    ids = list(
        dossiers.filter(received_at__isnull=False).order_by("pk").values_list("pk", flat=True)
    )
    for chunk in chunks(ids, CHUNK):
        rows = list(
            Dossier.objects.filter(pk__in=chunk).select_related(
                "competent_agency", "receiving_agency"
            )
        )
        events: dict[int, list[EventRow]] = defaultdict(list)
        for e in (
            DossierEvent.objects.filter(dossier_id__in=chunk)
            .filter(Q(kind="transition") | Q(kind="extended"))
            .values("dossier_id", "kind", "from_status", "to_status", "at", "data")
        ):
            events[e["dossier_id"]].append(
                EventRow(e["kind"], e["to_status"], e["at"], e["data"] or {}, e["from_status"])
            )
        components: dict[int, list[ComponentRow]] = defaultdict(list)
        for c in DossierComponent.objects.filter(dossier_id__in=chunk).values(
            "dossier_id", "source", "document_uuid", "is_required"
        ):
            components[c["dossier_id"]].append(
                ComponentRow(c["source"], c["document_uuid"], c["is_required"])
            )
        paid = _paid_online(chunk)
        charged = _charged(chunk)
        disliked = _disliked(chunk, {d.pk: d.code or "" for d in rows})
        rated = _rated(chunk)
        servants = _civil_servants({d.applicant_id for d in rows})
        for d in rows:
            agency: Any = d.competent_agency or d.receiving_agency
            facts = facts_from(
                d,
                events[d.pk],
                components[d.pk],
                CrossAppFlags(
                    paid_online=d.pk in paid,
                    disliked=d.pk in disliked,
                    civil_servant=d.applicant_id in servants,
                    charged=d.pk in charged,
                    rated=d.pk in rated,
                ),
                agency_level=agency.level if agency else "",
                calendar=calendar,
            )
            if facts is not None:
                yield facts
