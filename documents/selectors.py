"""Reads of the documents app, always scoped to who is asking."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Organisation, OrganisationRepresentative, User
from agencies.selectors import agencies_valid_on
from common.text import fold
from documents.hooks import is_withheld, withheld_for
from documents.models import DocumentUse, StoredDocument
from documents.signers import get_keystore


@dataclass(frozen=True)
class DocumentFilters:
    query: str = ""
    source: str = ""
    doc_type_code: str = ""
    validity: str = ""  # "", "valid", "expired"


def organisations_represented(*, user: User | AnonymousUser) -> QuerySet[Organisation]:
    """Organisations whose data store `user` may see: a representation valid today."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    today = timezone.localdate()
    links = OrganisationRepresentative.objects.filter(
        organisation=OuterRef("pk"), user=user, valid_from__lte=today
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    return Organisation.objects.filter(Exists(links)).order_by("name")


def documents_visible_to(*, user: User | AnonymousUser) -> QuerySet[StoredDocument]:
    """Every document `user` may open: their own and those of organisations they represent,
    except what another app withholds for now (a dossier's result before it is issued)."""
    if not user.is_authenticated:
        return StoredDocument.objects.none()
    return StoredDocument.objects.filter(
        Q(owner_user=user) | Q(owner_organisation__in=organisations_represented(user=user))
    ).exclude(uuid__in=withheld_for(user=user))


def document_list(
    *,
    user: User | AnonymousUser,
    organisation: Organisation | None = None,
    filters: DocumentFilters | None = None,
) -> QuerySet[StoredDocument]:
    """One data store: the user's own, or an organisation's the user represents."""
    visible = documents_visible_to(user=user)
    if organisation is None:
        documents = visible.filter(owner_user=user) if user.is_authenticated else visible
    else:
        documents = visible.filter(owner_organisation=organisation)
    documents = documents.annotate(
        locked=Exists(DocumentUse.objects.filter(document=OuterRef("pk"), locked=True))
    ).select_related("signer_agency")
    return _apply_filters(documents, filters or DocumentFilters())


def _apply_filters(
    documents: QuerySet[StoredDocument], filters: DocumentFilters
) -> QuerySet[StoredDocument]:
    if filters.source:
        documents = documents.filter(source=filters.source)
    if filters.doc_type_code:
        documents = documents.filter(doc_type_code=filters.doc_type_code)
    today = timezone.localdate()
    if filters.validity == "valid":
        documents = documents.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    elif filters.validity == "expired":
        documents = documents.filter(valid_to__lt=today)
    if filters.query.strip():
        # Accent-insensitive match on title and summary, done in Python on the owner's store
        # (a store holds tens of documents, not thousands).
        needle = fold(filters.query)
        ids = [
            pk
            for pk, title, summary in documents.values_list("pk", "title", "summary")
            if needle in fold(title) or needle in fold(summary)
        ]
        documents = documents.filter(pk__in=ids)
    return documents


def document_get(*, user: User | AnonymousUser, uuid: str) -> StoredDocument:
    """Raises StoredDocument.DoesNotExist (a 404) unless `user` may open the document."""
    return documents_visible_to(user=user).select_related("owner_organisation").get(uuid=uuid)


def document_referenced_by_dossier(*, uuid: Any) -> StoredDocument | None:
    """The stored document a dossier points at (a component's file, the result), for a caller
    the dossiers app has already allowed to see that dossier (its scoped lookup is the check);
    None when it is gone."""
    if uuid is None:
        return None
    return StoredDocument.objects.filter(uuid=uuid).first()


def document_uses(*, document: StoredDocument) -> QuerySet[DocumentUse]:
    return document.uses.all()


def document_issued_get(*, uuid: str) -> StoredDocument:
    """A document the system issued, for the public verification page (its QR link); a result
    not issued yet is not one (DoesNotExist)."""
    if is_withheld(uuid):
        raise StoredDocument.DoesNotExist
    return StoredDocument.objects.select_related("signer_agency").get(
        uuid=uuid, issued_by_system=True
    )


def document_issued_by_hash(*, sha256: str) -> StoredDocument | None:
    document = (
        StoredDocument.objects.select_related("signer_agency")
        .filter(sha256=sha256, issued_by_system=True)
        .order_by("created_at")
        .first()
    )
    return None if document is None or is_withheld(document.uuid) else document


def document_is_valid_on(*, document: StoredDocument, day: dt.date) -> bool:
    if document.valid_from and day < document.valid_from:
        return False
    return not (document.valid_to and day > document.valid_to)


def agencies_needing_signing_keys() -> QuerySet:
    """Every agency in force: each can receive dossiers and fees at its one-stop desk (receipts,
    Mẫu 01–06) or issue results, so each needs a certificate to sign them."""

    return agencies_valid_on().order_by("code")


def agencies_without_signing_key() -> list:

    keystore = get_keystore()
    return [a for a in agencies_needing_signing_keys() if not keystore.has_agency_key(agency=a)]
