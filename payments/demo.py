"""Demo data: a dossier of the demo citizen, submitted online, with a fee to pay through the
simulator at /thanh-toan/ho-so/<code>/ (idempotent; skipped when the demo users are missing)."""

from decimal import Decimal

from accounts.models import User
from agencies.models import Agency
from common.demo_types import DemoLogin
from dossiers.constants import Actor, DossierStatus
from dossiers.services import dossier_create_draft, dossier_transition
from payments.models import Charge
from payments.services import charge_create_for_submission

CITIZEN_EMAIL = "congdan@demo.tayninh.gov.vn"
SERVICE_CENTRE = "000.01.01.H59"
JUSTICE = "000.00.03.H59"
DEMO_PROCEDURE = ("2.000635", "Cấp bản sao trích lục hộ tịch")
DEMO_FEE_VND = 8_000


def seed(out) -> list[DemoLogin]:

    citizen = User.objects.filter(email__iexact=CITIZEN_EMAIL).first()
    agencies = {a.code: a for a in Agency.objects.filter(code__in=(SERVICE_CENTRE, JUSTICE))}
    if citizen is None or len(agencies) < 2:
        out.write("payments: demo citizen or agencies missing, nothing seeded")
        return []
    if Charge.objects.filter(dossier__applicant=citizen, label__startswith="[Demo]").exists():
        out.write("payments: demo dossier with a fee already present")
        return []
    code, name = DEMO_PROCEDURE
    dossier = dossier_create_draft(
        applicant=citizen,
        procedure_code=code,
        procedure_name=name,
        receiving_agency=agencies[SERVICE_CENTRE],
        competent_agency=agencies[JUSTICE],
        processing_time=Decimal(1),
        processing_time_unit="working_day",
    )
    dossier_transition(dossier=dossier, to=DossierStatus.SUBMITTED, by=citizen, role=Actor.CITIZEN)
    charge = charge_create_for_submission(dossier=dossier)
    if charge is None:  # the catalogue has no fee for it: a fixed demo fee
        charge = Charge.objects.create(
            dossier=dossier,
            agency=agencies[SERVICE_CENTRE],
            label="Lệ phí cấp bản sao trích lục",
            amount_vnd=DEMO_FEE_VND,
            full_amount_vnd=DEMO_FEE_VND,
        )
    charge.label = f"[Demo] {charge.label}"[:255]
    charge.save(update_fields=["label", "updated_at"])
    dossier.refresh_from_db()
    out.write(
        f"payments: demo dossier {dossier.code} has a fee; pay at /thanh-toan/ho-so/{dossier.code}/"
    )
    return []
