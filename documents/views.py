"""The citizen's data store ("Kho dữ liệu của tôi"), downloads, remote signing, verification.

Every view that takes a document UUID loads it through `selectors.document_get`, which answers
404 to anyone but the owner (or a representative of the owning organisation), anonymous included.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest, user_or_404
from common.exceptions import ApplicationError
from documents import ratelimit, selectors, services
from documents.constants import EXTENSIONS, DocumentSource
from documents.csc_simulator import latest_otp_for_demo
from documents.forms import FilterForm, OtpForm, RenameForm, UploadForm, ValidityForm, VerifyForm
from documents.models import StoredDocument
from documents.responses import stored_file_response
from documents.uploads import check_size
from documents.verification import verify_pdf


def _document_or_404(request: HttpRequest, uuid) -> StoredDocument:
    try:
        return selectors.document_get(user=request.user, uuid=uuid)
    except StoredDocument.DoesNotExist:
        raise Http404 from None


def _organisation_or_404(request: HttpRequest, org_uuid):
    if org_uuid is None:
        return None
    organisation = (
        selectors.organisations_represented(user=request.user).filter(uuid=org_uuid).first()
    )
    if organisation is None:
        raise Http404
    return organisation


def _too_many(request: HttpRequest, *, action: str, rate: str) -> HttpResponse | None:
    wait = ratelimit.hit(request, action=action, rate=rate)
    if not wait:
        return None
    response = render(request, "documents/too_many.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response


@login_required
def store_list(request: AuthenticatedHttpRequest, org_uuid=None) -> HttpResponse:
    organisation = _organisation_or_404(request, org_uuid)
    filter_form = FilterForm(request.GET or None)
    filters = selectors.DocumentFilters()
    if filter_form.is_valid():
        data = filter_form.cleaned_data
        filters = selectors.DocumentFilters(
            query=data["q"], source=data["source"], validity=data["validity"]
        )
    documents = selectors.document_list(
        user=request.user, organisation=organisation, filters=filters
    )
    page = Paginator(documents, 20).get_page(request.GET.get("page"))
    template = "documents/store_list.html"
    if request.htmx:
        template += "#results"
    return _no_store(
        render(
            request,
            template,
            {
                "page": page,
                "filter_form": filter_form,
                "organisation": organisation,
                "organisations": selectors.organisations_represented(user=request.user),
            },
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedHttpRequest, org_uuid=None) -> HttpResponse:
    organisation = _organisation_or_404(request, org_uuid)
    if request.method == "POST" and (
        limited := _too_many(request, action="upload", rate=settings.DOCUMENTS_UPLOAD_RATE_LIMIT)
    ):
        return limited
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        uploaded = data["file"]
        try:
            check_size(uploaded.size)  # before reading a huge file into memory
            document = services.document_store(
                data=uploaded.read(),
                original_name=uploaded.name,
                title=data["title"],
                summary=data["summary"],
                doc_type_code=data["doc_type_code"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                valid_scope=data["valid_scope"],
                source=DocumentSource.UPLOADED,
                owner_user=None if organisation else request.user,
                owner_organisation=organisation,
                created_by=request.user,
            )
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("Đã lưu giấy tờ vào kho dữ liệu."))
            return redirect("documents:detail", uuid=document.uuid)
    status = 400 if form.errors else 200
    return _no_store(
        render(
            request,
            "documents/upload.html",
            {"form": form, "organisation": organisation},
            status=status,
        )
    )


def detail(request: HttpRequest, uuid) -> HttpResponse:
    document = _document_or_404(request, uuid)
    return _no_store(
        render(
            request,
            "documents/detail.html",
            {
                "document": document,
                "uses": selectors.document_uses(document=document),
                "rename_form": RenameForm(initial={"title": document.title}),
                "validity_form": ValidityForm(
                    initial={
                        "valid_from": document.valid_from,
                        "valid_to": document.valid_to,
                        "valid_scope": document.valid_scope,
                    }
                ),
                "remote_signing": settings.REMOTE_SIGNING_ENABLED and document.is_pdf,
            },
        )
    )


def download(request: HttpRequest, uuid) -> HttpResponseBase:
    document = _document_or_404(request, uuid)
    name = get_valid_filename(document.title) or "giay-to"
    extension = EXTENSIONS.get(document.content_type, "")
    return stored_file_response(document, filename=f"{name[:80]}{extension}")


@require_POST
def rename(request: HttpRequest, uuid) -> HttpResponse:
    document = _document_or_404(request, uuid)
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            services.document_rename(
                document=document, title=form.cleaned_data["title"], by=user_or_404(request)
            )
        except ApplicationError as error:
            form.add_error("title", error.message)
    if form.errors:
        return _detail_with_errors(request, document, rename_form=form)
    messages.success(request, _("Đã đổi tên giấy tờ."))
    return redirect("documents:detail", uuid=document.uuid)


@require_POST
def set_validity(request: HttpRequest, uuid) -> HttpResponse:
    document = _document_or_404(request, uuid)
    form = ValidityForm(request.POST)
    if form.is_valid():
        try:
            services.document_set_validity(
                document=document, by=user_or_404(request), **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
    if form.errors:
        return _detail_with_errors(request, document, validity_form=form)
    messages.success(request, _("Đã cập nhật thời hạn hiệu lực."))
    return redirect("documents:detail", uuid=document.uuid)


def _detail_with_errors(request, document, **forms) -> HttpResponse:
    context = {
        "document": document,
        "uses": selectors.document_uses(document=document),
        "rename_form": RenameForm(initial={"title": document.title}),
        "validity_form": ValidityForm(
            initial={"valid_from": document.valid_from, "valid_to": document.valid_to}
        ),
        "remote_signing": settings.REMOTE_SIGNING_ENABLED and document.is_pdf,
        **forms,
    }
    return _no_store(render(request, "documents/detail.html", context, status=400))


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, uuid) -> HttpResponse:
    document = _document_or_404(request, uuid)
    error = ""
    if request.method == "POST":
        try:
            services.document_delete(document=document, by=user_or_404(request))
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("Đã xóa giấy tờ khỏi kho dữ liệu."))
            if document.owner_organisation is not None:
                return redirect("documents:org_list", org_uuid=document.owner_organisation.uuid)
            return redirect("documents:list")
    return _no_store(
        render(
            request,
            "documents/delete.html",
            {
                "document": document,
                "error": error,
                "uses": selectors.document_uses(document=document),
            },
            status=409 if error else 200,
        )
    )


@require_http_methods(["GET", "POST"])
def sign_remote(request: HttpRequest, uuid) -> HttpResponse:
    """Step 1 (POST without a code): the service sends a one-time code. Step 2: the code signs."""
    document = _document_or_404(request, uuid)
    if not settings.REMOTE_SIGNING_ENABLED or not document.is_pdf:
        raise Http404
    if request.method == "POST" and (
        limited := _too_many(request, action="sign", rate=settings.DOCUMENTS_SIGN_RATE_LIMIT)
    ):
        return limited
    form = OtpForm(request.POST if "otp" in request.POST else None)
    context = {"document": document, "form": form, "demo_otp": ""}
    if request.method == "POST" and "otp" not in request.POST:
        try:
            credential_id = services.remote_signing_start(user=user_or_404(request))
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("documents:detail", uuid=document.uuid)
        form = OtpForm(initial={"credential_id": credential_id})
        context.update(form=form, otp_sent=True, demo_otp=_demo_otp(credential_id))
    elif request.method == "POST" and form.is_valid():
        try:
            signed = services.document_sign_remote(
                document=document,
                user=user_or_404(request),
                credential_id=form.cleaned_data["credential_id"],
                otp=form.cleaned_data["otp"],
            )
        except ApplicationError as error:
            form.add_error("otp", error.message)
        else:
            messages.success(request, _("Đã ký số; bản đã ký được lưu vào kho dữ liệu."))
            return redirect("documents:detail", uuid=signed.uuid)
        context.update(otp_sent=True, demo_otp=_demo_otp(form.cleaned_data["credential_id"]))
    elif request.method == "POST":
        context.update(otp_sent=True)
    status = 400 if form.is_bound and form.errors else 200
    return _no_store(render(request, "documents/sign_remote.html", context, status=status))


def _demo_otp(credential_id: str) -> str:
    """With the simulator, show the code it 'texted' (there is no phone in a demo)."""
    if not settings.CSC_SIMULATOR_ENABLED:
        return ""

    return latest_otp_for_demo(credential_id=credential_id)


# --- Verification (public) -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, uuid=None) -> HttpResponse:

    issued = None
    if uuid is not None:
        try:
            issued = selectors.document_issued_get(uuid=uuid)
        except StoredDocument.DoesNotExist:
            raise Http404 from None
    if request.method == "POST" and (
        limited := _too_many(request, action="verify", rate=settings.DOCUMENTS_VERIFY_RATE_LIMIT)
    ):
        return limited
    form = VerifyForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = verify_pdf(form.cleaned_data["file"].read())
    return _no_store(
        render(
            request,
            "documents/verify.html",
            {
                "form": form,
                "report": report,
                "issued": issued,
                "matches_link": report is not None
                and issued is not None
                and report.issued == issued,
                "action": reverse("verify:document", kwargs={"uuid": uuid})
                if uuid
                else reverse("verify:index"),
            },
            status=400 if form.errors else 200,
        )
    )
