"""Issue #24: a fee paid to an agency that cannot sign yet (no certificate) keeps its receipt
owed, never lost: the citizen is told it will follow, and the sweep issues it, signed, once the
agency's key exists."""

import pytest

from accounts.constants import Role
from payments import services
from payments.tests.helpers import dossier_with_charge


@pytest.mark.django_db
def test_receipt_waits_for_the_agency_key_then_the_sweep_issues_it(client, dev_signing, pdfsig):
    from documents.models import StoredDocument
    from documents.signers.base import agency_key_label

    cast, dossier, _charge = dossier_with_charge(amount=25_000)
    payment = services.payment_record_counter(
        dossier=dossier,
        by=cast.staff[Role.RECEPTION_OFFICER],
        method="cash",
        receipt_number="BL-0077",
    )
    client.force_login(cast.citizen)
    response = client.get(f"/thanh-toan/giao-dich/{payment.uuid}/bien-lai.pdf", follow=True)
    assert response.status_code == 200
    assert "biên lai sẽ được cấp tự động" in response.content.decode()
    payment.refresh_from_db()
    assert payment.receipt_document_uuid is None
    assert services.payment_receipts_sweep() == 0  # still no key: still owed

    dev_signing.issue(
        path=dev_signing.folder / f"{agency_key_label(cast.receiving)}.p12",
        common_name=cast.receiving.name,
        organisation=cast.receiving.name,
    )
    assert services.payment_receipts_sweep() == 1
    payment.refresh_from_db()
    document = StoredDocument.objects.get(uuid=payment.receipt_document_uuid)
    assert document.owner_user == cast.citizen
    with document.file.open("rb") as fh:
        report = pdfsig(fh.read())
    assert "Signature is Valid" in report, report
    assert services.payment_receipts_sweep() == 0  # issued once
