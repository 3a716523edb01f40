"""Demo data for the data store (idempotent): the development CA and signing certificates for
every agency in force and every staff member, and two documents in the demo citizen's store — an
uploaded application PDF (to try remote signing) and a signed reception receipt (to try /verify/).
"""

from django.conf import settings

from accounts.constants import Role
from accounts.demo import demo_email
from accounts.models import User
from agencies.models import Agency, StaffMembership
from common.demo_types import DemoLogin
from documents import devca, selectors, services
from documents.constants import DocumentSource
from documents.models import StoredDocument
from documents.rendering import html_to_pdf
from documents.signers.base import agency_key_label, officer_key_label

APPLICATION_TITLE = "Tờ khai đăng ký khai sinh (bản mẫu)"
RECEIPT_TITLE = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (bản mẫu)"


def seed(out) -> list[DemoLogin]:
    if settings.SIGNING_KEYSTORE != "pkcs12":
        out.write("documents: SIGNING_KEYSTORE is not pkcs12; no demo keys made")
        return []
    folder = settings.SIGNING_KEYS_DIR
    ca = devca.ensure_ca(folder)
    staffed = Agency.objects.filter(memberships__isnull=False).distinct()
    # Every agency in force, not only staffed ones: a commune takes fees and issues receipts too.
    for agency in selectors.agencies_needing_signing_keys():
        if not (folder / f"{agency_key_label(agency)}.p12").exists():
            devca.issue_agency_file(
                ca,
                agency=agency,
                folder=folder,
                passphrase=settings.SIGNING_KEYS_PASSPHRASE,
                key=devca.new_ec_key(),  # ~1 ms each instead of ~0.1 s for RSA
            )
    for membership in StaffMembership.objects.select_related("user", "agency"):
        if not (folder / f"{officer_key_label(membership.user)}.p12").exists():
            devca.issue_officer_file(
                ca,
                user=membership.user,
                organisation=membership.agency.name,
                folder=folder,
                passphrase=settings.SIGNING_KEYS_PASSPHRASE,
            )
    out.write(f"documents: development CA and certificates in {folder}")
    _seed_citizen_store(out, agency=staffed.first())
    return []


def _seed_citizen_store(out, *, agency: Agency | None) -> None:

    citizen = User.objects.filter(email__iexact=demo_email(Role.CITIZEN)).first()
    if citizen is None:
        return
    mine = StoredDocument.objects.filter(owner_user=citizen)
    if not mine.filter(title=APPLICATION_TITLE).exists():
        pdf = html_to_pdf(
            "<html><body style='font-family: Portal Serif'><h1>TỜ KHAI ĐĂNG KÝ KHAI SINH</h1>"
            f"<p>Người yêu cầu: {citizen.full_name}</p><p>Nơi cư trú: xã Tân Biên, tỉnh Tây Ninh</p>"
            "</body></html>"
        )
        services.document_store(
            data=pdf,
            title=APPLICATION_TITLE,
            source=DocumentSource.UPLOADED,
            owner_user=citizen,
            created_by=citizen,
            original_name="to-khai-khai-sinh.pdf",
        )
    if agency is not None and settings.DEBUG and not mine.filter(title=RECEIPT_TITLE).exists():
        services.document_issue_form(
            form_code="mau_01",
            title=RECEIPT_TITLE,
            agency=agency,
            owner_user=citizen,
            dossier_reference="DEMO-0001",
            context={
                "applicant_name": citizen.full_name,
                "procedure_name": "Đăng ký khai sinh",
                "components": [
                    {"name": "Tờ khai đăng ký khai sinh", "kind": "Bản điện tử", "quantity": 1}
                ],
                "processing_days": 3,
                "return_place": agency.name,
            },
        )
    out.write("documents: demo citizen's data store has an application PDF and a signed receipt")
