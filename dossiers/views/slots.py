"""The documents step: one upload slot per required document (issue #25).

All slots sit in one multipart form. A slot's own button ("Thêm giấy tờ") attaches what was
chosen there and comes back to that slot (`#slot-<uuid>`, also after an error, without
JavaScript); "Lưu và tiếp tục" or "Lưu nháp" attach whatever was chosen in any slot before
moving on, so a chosen file is never silently dropped. The data-store picker offers only the
citizen's own documents that fit (no system-made forms, not expired), newest first, a few at a
time, with a search box, so the page stays small.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedHttpRequest
from common.exceptions import ApplicationError
from documents.constants import DocumentSource
from documents.selectors import DocumentFilters, document_list, documents_visible_to
from dossiers import services as svc
from dossiers.constants import ComponentSource, DraftStep
from dossiers.forms import UploadForm
from dossiers.models import Dossier, DossierComponent
from dossiers.selectors.cases import dossier_cases
from dossiers.views.base import _next, _step_url

STORE_SHOWN = 15  # the picker lists this many; the search box finds the rest
STORE_QUERY_PARAM = "tim-kho"


def store_for(request: AuthenticatedHttpRequest, dossier: Dossier, query: str = "") -> list[Any]:
    """The documents the picker offers: the store the dossier files from (the citizen's own,
    or the organisation's), still valid, not a form the system made, newest first."""
    documents = document_list(
        user=request.user,
        organisation=dossier.organisation,
        filters=DocumentFilters(query=query, validity="valid"),
    ).exclude(source=DocumentSource.GENERATED)
    return list(documents.order_by("-created_at")[:STORE_SHOWN])


@dataclass(frozen=True)
class Slot:
    component: DossierComponent
    form: UploadForm
    file_name: str = ""
    size: int = 0
    condition: str = ""  # when an optional document is needed (ADR 0260)

    @property
    def state_holds(self) -> bool:
        return self.component.source == ComponentSource.STATE_HOLDS

    @property
    def reused(self) -> bool:
        return self.component.source == ComponentSource.REUSED

    @property
    def done(self) -> bool:
        return self.component.is_provided

    @property
    def anchor(self) -> str:
        return f"slot-{self.component.uuid}"


def _slots(
    request: AuthenticatedHttpRequest,
    components: list[DossierComponent],
    forms: dict[int, Any],
    conditions: dict[str, str],
) -> list[Slot]:
    uuids = [c.document_uuid for c in components if c.document_uuid]
    files = {
        d.uuid: d
        for d in documents_visible_to(user=request.user)
        .filter(uuid__in=uuids)
        .only("uuid", "title", "original_name", "size")
    }
    slots = []
    for component in components:
        stored = files.get(component.document_uuid) if component.document_uuid else None
        slots.append(
            Slot(
                component,
                forms[component.pk],
                file_name=(stored.original_name or stored.title) if stored else "",
                size=stored.size if stored else 0,
                condition=conditions.get(component.requirement_code, ""),
            )
        )
    return slots


def attach(
    request: AuthenticatedHttpRequest,
    dossier: Dossier,
    component: DossierComponent,
    form: UploadForm,
) -> bool:
    """Attach what `form` holds to `component`; errors go onto the form. True when attached."""
    if not form.is_valid():
        return False
    upload = form.cleaned_data.get("file")
    try:
        if upload:
            svc.draft_component_upload(
                dossier=dossier,
                component=component,
                by=request.user,
                data=upload.read(),
                name=upload.name,
            )
        else:
            svc.draft_component_pick(
                dossier=dossier,
                component=component,
                by=request.user,
                document_uuid=form.cleaned_data["document"],
            )
    except ApplicationError as error:
        form.add_error("file" if upload else "document", error.message)
        return False
    return True


def documents_step(
    request: AuthenticatedHttpRequest, dossier: Dossier, procedure: Any
) -> dict[str, Any] | HttpResponse:
    cases = dossier_cases(dossier)
    if cases.needs_choice:  # "Trường hợp nào đúng với bạn?" first (ADR 0260)
        return redirect("dossiers:case_choose", uuid=dossier.uuid)
    query = request.GET.get(STORE_QUERY_PARAM, "").strip()
    store = store_for(request, dossier, query)
    # What must be sent comes first; what is needed "only if it applies to you" follows, each
    # group in the catalogue's order (the flagship's one required form was last of four).
    components = sorted(dossier.components.all(), key=lambda c: not c.is_required)
    forms = {c.pk: UploadForm(prefix=f"c{c.pk}", store=store) for c in components}
    failed: list[DossierComponent] = []
    if request.method == "POST":
        response, failed = _documents_post(request, dossier, components, forms, store)
        if response is not None:
            return response
    slots = _slots(request, components, forms, cases.conditions)
    return {
        "slots": slots,
        "cases": cases,
        # "Lưu và tiếp tục" with a refused file: the summary at the top links to its slot; a
        # slot's own button lands on the slot, whose own summary says it.
        "error_slots": [s for s in slots if s.component in failed]
        if not request.POST.get("slot")
        else [],
        "store_shown": bool(store) or bool(query),
        "store_query": query,
        "store_query_param": STORE_QUERY_PARAM,
        "limit_mb": settings.DOCUMENTS_MAX_FILE_BYTES // (1024 * 1024),
    }


def _documents_post(
    request: AuthenticatedHttpRequest,
    dossier: Dossier,
    components: list[DossierComponent],
    forms: dict[int, UploadForm],
    store: list[Any],
) -> tuple[HttpResponse | None, list[DossierComponent]]:
    """Clear one slot, or attach every chosen file and move on. Without a response, the slots
    that failed (their bound forms, with errors, replace the blank ones in `forms`)."""
    by_uuid = {str(c.uuid): c for c in components}
    cleared = by_uuid.get(request.POST.get("clear", ""))
    if cleared is not None:
        svc.draft_component_clear(dossier=dossier, component=cleared, by=request.user)
        messages.success(
            request, _("Đã xóa giấy tờ khỏi hồ sơ: %(name)s") % {"name": cleared.requirement_name}
        )
        anchor = f"slot-{cleared.uuid}"
        return redirect(_step_url(dossier, DraftStep.DOCUMENTS, request, anchor)), []
    target = by_uuid.get(request.POST.get("slot", ""))
    attached, failed = [], []
    for component in components:
        prefix = f"c{component.pk}"
        chosen = request.FILES.get(f"{prefix}-file") or request.POST.get(f"{prefix}-document")
        if component.source == ComponentSource.STATE_HOLDS or not (chosen or component == target):
            continue
        form = UploadForm(request.POST, request.FILES, prefix=prefix, store=store)
        forms[component.pk] = form
        if attach(request, dossier, component, form):
            attached.append(component.requirement_name)
        else:
            failed.append(component)
    if failed:
        return None, failed
    for name in attached:
        messages.success(request, _("Đã thêm giấy tờ: %(name)s") % {"name": name})
    if target is not None:
        anchor = f"slot-{target.uuid}"
        return redirect(_step_url(dossier, DraftStep.DOCUMENTS, request, anchor)), []
    if request.POST.get("action", "next") in ("next", "save"):
        svc.draft_documents_done(dossier=dossier, by=request.user)
    return _next(dossier, DraftStep.DOCUMENTS, request), []
