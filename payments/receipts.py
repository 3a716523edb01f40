"""The e-receipt (biên lai điện tử): HTML → PDF with the documents render service, signed with
the collecting agency's certificate, kept in the payer's data store.

documents' `document_issue_form` only knows its own official forms, so this module calls the
same building blocks it uses (render, sign, store) with our template."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.constants import DocumentSource
from documents.rendering import html_to_pdf, qr_data_uri, verify_url
from documents.services import Signature, document_store
from documents.signers import get_keystore
from documents.signing import sign_pdf
from payments.constants import Provider

RECEIPT_DOC_TYPE = "BLTT"  # biên lai thu tiền (our code; no national code was found)


def receipt_context(payment: Any) -> dict[str, Any]:

    return {
        "payment": payment,
        "dossier": payment.dossier,
        "agency": payment.agency,
        "charge": payment.charge,
        "amount_text": f"{payment.amount_vnd:,}".replace(",", "."),
        "paid_at": timezone.localtime(payment.paid_at) if payment.paid_at else None,
        "channel": (
            _("Trực tuyến qua cổng thanh toán")
            if payment.provider == Provider.VNPAY
            else payment.get_counter_method_display()
        ),
        "province_name": settings.PROVINCE_NAME,
    }


def receipt_issue(*, payment: Any) -> Any:

    agency = payment.agency
    identity = get_keystore().agency_identity(agency=agency)  # fails fast when no key
    document_uuid = uuid.uuid4()
    url = verify_url(document_uuid)
    html = render_to_string(
        "payments/receipt_pdf.html",
        {**receipt_context(payment), "verify_url": url, "qr_data_uri": qr_data_uri(url)},
    )
    title = _("Biên lai thu phí, lệ phí hồ sơ %(code)s") % {"code": payment.dossier.code}
    signed = sign_pdf(pdf=html_to_pdf(html), identity=identity, reason=title, location=agency.name)
    dossier = payment.dossier
    return document_store(
        data=signed,
        title=title,
        source=DocumentSource.ISSUED,
        owner_user=dossier.applicant if dossier.organisation_id is None else None,
        owner_organisation=dossier.organisation,
        original_name=f"bien-lai-{payment.txn_ref}.pdf",
        doc_type_code=RECEIPT_DOC_TYPE,
        signature=Signature(
            kind=identity.kind, name=identity.display_name, at=timezone.now(), agency=agency
        ),
        issued_by_system=True,
        dossier_reference=dossier.code or "",
        template_code="payments/receipt",
        template_version=1,
        document_uuid=document_uuid,
    )
