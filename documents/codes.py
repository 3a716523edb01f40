"""The code of a document in the data store (mã số giấy tờ)."""

from __future__ import annotations


def document_code_for(owner_code: str, doc_type_code: str, dossier_reference: str = "") -> str:
    """A document's code (NĐ 118 Art. 22.4): owner ID number + document-type code, then the
    dossier's code when it was issued for a dossier, so two dossiers of one person never share a
    code (issue #20, ADR 0276). Empty without an owner code or a type."""
    if not owner_code or not doc_type_code:
        return ""
    code = f"{owner_code}.{doc_type_code}"
    return f"{code}.{dossier_reference}"[:64] if dossier_reference else code
