import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts import personal_data, selectors, services
from accounts.forms import ProfileForm
from accounts.http import AuthenticatedHttpRequest
from accounts.services import PROFILE_EDITABLE_FIELDS


def _profile_initial(request: AuthenticatedHttpRequest) -> dict:
    profile = selectors.profile_for(user=request.user)
    if profile is None:
        return {"full_name": request.user.full_name, "email": request.user.email}
    return {name: getattr(profile, name) or "" for name in PROFILE_EDITABLE_FIELDS} | {
        "date_of_birth": profile.date_of_birth
    }


@never_cache
@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    locked = selectors.profile_locked_fields(selectors.profile_for(user=request.user))
    if request.method == "POST":
        form = ProfileForm(request.POST, locked=locked)
        if form.is_valid():
            try:
                services.profile_update(user=request.user, data=form.cleaned_data, request=request)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Đã lưu hồ sơ."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(initial=_profile_initial(request), locked=locked)
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "verified": _verified_values(request, locked)},
    )


def _verified_values(request: AuthenticatedHttpRequest, locked: frozenset[str]) -> dict:
    """The verified fields as the page shows them (the date as dd/mm/yyyy)."""
    profile = selectors.profile_for(user=request.user)
    values = {name: getattr(profile, name) for name in locked}
    if values.get("date_of_birth"):
        values["date_of_birth"] = values["date_of_birth"].strftime("%d/%m/%Y")
    return values


@never_cache
@login_required
@require_GET
def personal_data_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything held about the signed-in person, as one JSON file (their own data only)."""
    data = personal_data.collect(request.user)
    services.personal_data_export_record(user=request.user, sections=list(data), request=request)
    document = {
        "exported_at": timezone.now(),
        "subject": str(request.user.uuid),
        "sections": data,
    }
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"du-lieu-cua-toi-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
