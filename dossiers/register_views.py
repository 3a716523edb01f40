"""The staff page of Mẫu 07 (Sổ theo dõi hồ sơ): pick an agency and a period, see the rows, download
XLSX or a signed PDF. Thin: parse → `dossiers.selectors.register` → render. Staff only (MFA is enforced by the
middleware); an agency the user does not work in answers 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.http import AuthenticatedHttpRequest
from documents.responses import stored_file_response
from documents.selectors import document_referenced_by_dossier
from dossiers import selectors, services
from dossiers.forms import choice_field
from dossiers.models import Dossier
from dossiers.official_forms import dossier_forms, dossier_issued_forms

PREVIEW_ROWS = 100


class RegisterForm(forms.Form):
    agency = forms.ChoiceField(label=_("Cơ quan, đơn vị"))
    tu = forms.DateField(
        label=_("Từ ngày"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    den = forms.DateField(
        label=_("Đến ngày"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "agency").choices = [(str(a.uuid), a.name) for a in agencies]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, end = data.get("tu"), data.get("den")
        if start and end and end < start:
            raise forms.ValidationError(_("Ngày kết thúc phải sau ngày bắt đầu."))
        if start and end and (end - start).days > 366:
            raise forms.ValidationError(_("Kỳ báo cáo dài nhất là một năm."))
        return data


@login_required
def register_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    agencies = list(selectors.register_agencies(user=request.user))
    if not agencies:
        raise PermissionDenied
    today = timezone.localdate()
    initial = {"agency": str(agencies[0].uuid), "tu": today.replace(day=1), "den": today}
    form = RegisterForm(request.GET or None, agencies=agencies, initial=initial)
    context: dict[str, Any] = {"form": form, "rows": None}
    if form.is_bound and form.is_valid():
        agency = selectors.register_agency_for(
            user=request.user, agency_uuid=form.cleaned_data["agency"]
        )
        if agency is None:
            raise Http404
        start, end = form.cleaned_data["tu"], form.cleaned_data["den"]
        rows = selectors.register_rows(user=request.user, agency=agency, start=start, end=end)
        kind = request.GET.get("dinh_dang", "")
        if kind in ("xlsx", "pdf"):
            return _export(request, agency=agency, start=start, end=end, rows=rows, kind=kind)
        context.update(
            agency=agency,
            start=start,
            end=end,
            rows=rows[:PREVIEW_ROWS],
            total=len(rows),
            counted_here=sum(row.counted_here for row in rows),
            truncated=len(rows) > PREVIEW_ROWS,
            query=request.GET.copy(),
        )
    return render(request, "dossiers/register/index.html", context)


def _export(request, *, agency, start: dt.date, end: dt.date, rows, kind: str) -> HttpResponse:
    name = f"so-theo-doi-ho-so_{agency.code or agency.uuid}_{start:%Y%m%d}-{end:%Y%m%d}"
    if kind == "xlsx":
        data = selectors.register_xlsx(agency=agency, start=start, end=end, rows=rows)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        try:
            data = selectors.register_pdf(
                agency=agency,
                start=start,
                end=end,
                rows=rows,
                generated_by=request.user.get_full_name(),
            )
        except services.RegisterError as exc:
            messages.error(request, exc.message)
            query = request.GET.copy()
            query.pop("dinh_dang", None)
            return redirect(f"{request.path}?{query.urlencode()}")
        content_type = "application/pdf"
    services.register_export_audit(
        user=request.user, agency=agency, start=start, end=end, kind=kind, rows=len(rows)
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    response["Cache-Control"] = "no-store"
    return response


# --- forms 01–06 on the officer's dossier page --------------------------------------------------


def official_forms_panel(*, request: HttpRequest, dossier) -> str | None:
    """`dossiers.hooks.office_panels`: the forms issued for the dossier, each viewable inline,
    and those the worker is still issuing ("đang phát hành", refreshed by htmx until ready)."""
    context = _forms_panel_context(dossier)
    if not context["forms"] and not context["pending"]:
        return None
    return render_to_string("dossiers/register/_forms_panel.html", context, request=request)


def _forms_panel_context(dossier) -> dict[str, Any]:
    issued, pending = dossier_forms(dossier=dossier)  # one read of the history
    return {
        "dossier": dossier,
        "forms": issued,
        "pending": pending,
        # Ask again while a form is on its way; a late one waits for the sweep (minutes).
        "polling": any(not form.late for form in pending),
    }


@login_required
def official_forms_panel_body(request: AuthenticatedHttpRequest, uuid) -> HttpResponse:
    """The panel's content, asked for by htmx while a form is being issued (404 to outsiders)."""
    dossier = _staff_dossier_or_404(request, uuid)
    return render(
        request, "dossiers/register/_forms_panel_body.html", _forms_panel_context(dossier)
    )


def _staff_dossier_or_404(request: AuthenticatedHttpRequest, uuid) -> Dossier:
    who = selectors.office_user(request.user)
    if not who.is_office_staff:
        raise PermissionDenied
    try:
        return selectors.dossier_get_for_staff(user=who, uuid=uuid)
    except Dossier.DoesNotExist:
        raise Http404 from None


@login_required
def official_form_file(request: AuthenticatedHttpRequest, uuid, document) -> FileResponse:
    """One issued form's PDF for an officer who may see the dossier (inline; 404 otherwise)."""
    dossier = _staff_dossier_or_404(request, uuid)
    if str(document) not in {f.document_uuid for f in dossier_issued_forms(dossier=dossier)}:
        raise Http404
    stored = document_referenced_by_dossier(uuid=document)
    if stored is None:
        raise Http404
    return stored_file_response(
        stored, filename=stored.original_name or "bieu-mau.pdf", inline=True
    )
