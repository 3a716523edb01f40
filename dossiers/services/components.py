"""Writes of the draft's later steps: documents (upload, pick from the store, clear), delivery
and fees seen. Each step locks the draft (`drafts._locked_draft`); see docs/submission.md.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.selectors import agency_for_commune_code
from common.exceptions import ApplicationError
from documents.constants import DocumentSource, UseKind
from documents.selectors import document_list
from documents.services import UseSpec, document_store, document_use_add
from dossiers.constants import (
    APPLICANT_CHANNELS,
    Actor,
    Channel,
    ComponentSource,
    DossierStatus,
    DraftStep,
    EventKind,
    ResultDelivery,
)
from dossiers.models import Dossier, DossierComponent
from dossiers.services.drafts import (
    SUPPLEMENT_STATUSES,
    _check_applicant,
    _locked_draft,
    _reach,
    _release_use,
    document_reference,
    procedure_for,
    procedure_online_fees,
)
from dossiers.services.transition import dossier_event_record

S = DossierStatus


def _editable_component(dossier: Dossier, component: DossierComponent, by: User) -> Dossier:
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _check_applicant(locked, by)
    if locked.status != S.DRAFT and locked.status not in SUPPLEMENT_STATUSES:
        raise ApplicationError(_("Hồ sơ không nhận thêm giấy tờ lúc này."), code="not_editable")
    if component.dossier_id != locked.pk:
        raise DossierComponent.DoesNotExist
    if component.source == ComponentSource.STATE_HOLDS:
        raise ApplicationError(
            _("Giấy tờ này Nhà nước đã có, không cần cung cấp."), code="state_holds"
        )
    return locked


def _owner(dossier: Dossier, by: User) -> dict[str, Any]:
    if dossier.organisation_id:
        return {"owner_organisation": dossier.organisation}
    # The citizen uploading to their own dossier is its applicant: no need to read them again.
    return {"owner_user": by if by.pk == dossier.applicant_id else dossier.applicant}


def _component_set(
    locked: Dossier,
    component: DossierComponent,
    *,
    by: User,
    document_uuid: uuid.UUID | None,
    source: str,
) -> DossierComponent:
    previous = component.document_uuid
    component.document_uuid = document_uuid
    component.source = source
    component.save(update_fields=["document_uuid", "source", "updated_at"])
    if locked.status != S.DRAFT:  # a supplement: the history keeps what was replaced
        dossier_event_record(
            dossier=locked,
            kind=EventKind.COMPONENT_CHANGED,
            by=by,
            role=Actor.CITIZEN,
            data={
                "requirement_code": component.requirement_code,
                "document_uuid": str(document_uuid) if document_uuid else None,
                "previous": str(previous) if previous else None,
                "source": source,
            },
        )
    else:
        locked.save(update_fields=["updated_at"])
    return component


@transaction.atomic
def draft_component_upload(
    *, dossier: Dossier, component: DossierComponent, by: User, data: bytes, name: str
) -> DossierComponent:
    """A new file for one requirement: checked and kept in the owner's data store, then pointed
    at. A refused file raises `UploadRefused` and changes nothing."""
    locked = _editable_component(dossier, component, by)
    document = document_store(
        data=data,
        title=component.requirement_name[:255],
        source=DocumentSource.UPLOADED,
        original_name=name,
        created_by=by,
        use=UseSpec(
            kind=UseKind.DOSSIER,
            reference=document_reference(locked),
            label=locked.procedure_name[:255],
            locked=locked.status != S.DRAFT,
        ),
        **_owner(locked, by),
    )
    return _component_set(
        locked, component, by=by, document_uuid=document.uuid, source=ComponentSource.UPLOADED
    )


@transaction.atomic
def draft_component_pick(
    *, dossier: Dossier, component: DossierComponent, by: User, document_uuid: Any
) -> DossierComponent:
    """Re-use a document from the data store: a pointer, marked re-used (QĐ 766 4.3/4.4)."""
    locked = _editable_component(dossier, component, by)
    store = document_list(user=by, organisation=locked.organisation)
    document = store.filter(uuid=document_uuid).first()
    if document is None:
        raise ApplicationError(_("Không tìm thấy giấy tờ trong kho dữ liệu."), code="no_document")
    document_use_add(
        document=document,
        kind=UseKind.DOSSIER,
        reference=document_reference(locked),
        label=locked.procedure_name[:255],
        locked=locked.status != S.DRAFT,
    )
    return _component_set(
        locked, component, by=by, document_uuid=document.uuid, source=ComponentSource.REUSED
    )


@transaction.atomic
def draft_component_clear(*, dossier: Dossier, component: DossierComponent, by: User) -> None:
    """Take a document off a draft's slot (the file stays in the data store)."""
    locked = _locked_draft(dossier, by)
    if component.dossier_id != locked.pk:
        raise DossierComponent.DoesNotExist
    if component.document_uuid is None:
        return
    still_used = locked.components.filter(document_uuid=component.document_uuid).exclude(
        pk=component.pk
    )
    if not still_used.exists():
        _release_use(locked, component.document_uuid, by)
    component.document_uuid = None
    component.source = ""
    component.save(update_fields=["document_uuid", "source", "updated_at"])


@transaction.atomic
def draft_documents_done(*, dossier: Dossier, by: User) -> Dossier:
    locked = _locked_draft(dossier, by)
    _reach(locked, DraftStep.DELIVERY)
    locked.save(update_fields=["draft_step", "updated_at"])
    return locked


def postal_collection_offered(procedure: Any) -> bool:
    """May the applicant have the paper dossier collected by the public postal service (QĐ
    45/2016/QĐ-TTg)? Only while VNPost is on, and never for a procedure that takes no paper."""
    return bool(settings.VNPOST_ENABLED) and procedure is not None and not procedure.online_only


def delivery_errors(
    delivery: str, address: str, commune_code: str, channel: str = ""
) -> dict[str, list[str]]:
    """What is wrong with how the applicant sends the paper (`channel`: online or postal
    collection; empty leaves it alone) and how they receive the result."""
    errors: dict[str, list[str]] = {}
    if delivery not in ResultDelivery.values:
        errors["result_delivery"] = [_("Chọn cách nhận kết quả.")]
    elif delivery == ResultDelivery.POST:
        if not address.strip():
            errors["delivery_address"] = [_("Nhập địa chỉ nhận kết quả qua bưu chính.")]
        if not commune_code or agency_for_commune_code(commune_code) is None:
            errors["delivery_commune_code"] = [_("Chọn xã, phường nhận kết quả.")]
    if channel and channel not in APPLICANT_CHANNELS:
        errors["submission_channel"] = [_("Chọn cách gửi hồ sơ.")]
    elif channel == Channel.POSTAL and delivery != ResultDelivery.POST:
        # The same address serves the collection; checked here when the result needs none.
        if not address.strip():
            errors["delivery_address"] = [_("Nhập địa chỉ để bưu điện đến thu gom hồ sơ.")]
        if not commune_code or agency_for_commune_code(commune_code) is None:
            errors["delivery_commune_code"] = [_("Chọn xã, phường nơi bưu điện đến thu gom.")]
    return errors


@transaction.atomic
def draft_delivery_save(
    *,
    dossier: Dossier,
    by: User,
    delivery: str,
    address: str = "",
    commune_code: str = "",
    channel: str = "",
) -> Dossier:
    """How the result comes back and, when `channel` is given, how the paper goes in: online
    only, or collected at the applicant's address by the post (channel postal)."""
    locked = _locked_draft(dossier, by)
    errors = delivery_errors(delivery, address, commune_code, channel)
    if channel == Channel.POSTAL and not postal_collection_offered(procedure_for(locked)):
        errors["submission_channel"] = [_("Thủ tục này không nhận hồ sơ qua bưu chính.")]
    if errors:
        raise ApplicationError(
            _("Cách nhận kết quả chưa hợp lệ."), code="invalid", extra={"errors": errors}
        )
    if channel:
        locked.channel = channel
    needs_address = delivery == ResultDelivery.POST or locked.channel == Channel.POSTAL
    locked.result_delivery = delivery
    locked.delivery_address = address.strip()[:255] if needs_address else ""
    locked.delivery_commune_code = commune_code if needs_address else ""
    _reach(locked, DraftStep.FEES)
    locked.forget_typed(DraftStep.DELIVERY)
    locked.save(
        update_fields=[
            "draft_typed",
            "channel",
            "result_delivery",
            "delivery_address",
            "delivery_commune_code",
            "draft_step",
            "updated_at",
        ]
    )
    return locked


@transaction.atomic
def draft_fees_seen(*, dossier: Dossier, by: User) -> Dossier:
    locked = _locked_draft(dossier, by)
    procedure = procedure_for(locked)
    if procedure is not None:
        locked.fee_vnd = sum(
            line.amount_vnd for line in procedure_online_fees(procedure, dossier=locked)
        )
    _reach(locked, DraftStep.REVIEW)
    locked.save(update_fields=["fee_vnd", "draft_step", "updated_at"])
    return locked
