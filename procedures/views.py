from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts.models import User
from common.exceptions import ApplicationError
from procedures import selectors, services
from procedures.constants import FULL_ONLINE_TARGETS, SEARCH_PAGE_SIZE, Channel, ProposalStatus
from procedures.forms import CatalogueSearchForm, DecisionForm, ProposalForm
from procedures.hooks import procedure_panels
from procedures.models import OnlineLevelProposal, Procedure


@vary_on_headers("HX-Request")
def catalogue(request: HttpRequest) -> HttpResponse:
    """The public catalogue: full page, or only the `#results` partial for htmx live search."""
    form = CatalogueSearchForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # errors are shown next to their field; valid filters still apply
    filters = form.filters()
    raw_page = request.GET.get("page", "1")
    number = int(raw_page) if raw_page.isdigit() and int(raw_page) > 0 else 1
    result = selectors.procedure_search_page(
        filters=filters, page=number, per_page=SEARCH_PAGE_SIZE
    )
    if not result.items and number > 1:  # past the end: show the last page, as get_page would
        last = max(1, -(-result.count // SEARCH_PAGE_SIZE))
        result = selectors.procedure_search_page(
            filters=filters, page=last, per_page=SEARCH_PAGE_SIZE
        )
    page = result.as_django_page()
    page.object_list = [
        replace(entry, name_html=selectors.highlight(entry.name, filters.q)) for entry in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    template = "procedures/catalogue.html"
    if getattr(request, "htmx", False):
        template += "#results"
    return render(
        request,
        template,
        {"form": form, "page": page, "q": filters.q, "querystring": query.urlencode()},
    )


def detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = selectors.procedure_get(code=code)
    if procedure is None:
        raise Http404(_("Không tìm thấy thủ tục."))
    today = timezone.localdate()
    requirements = list(procedure.requirements.all())
    channels = list(procedure.channels.all())
    fee_rules = [
        rule
        for rule in procedure.fee_rules.all()
        if (rule.valid_from is None or rule.valid_from <= today)
        and (rule.valid_to is None or rule.valid_to >= today)
    ]
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "channels": channels,
            "to_bring": [r for r in requirements if not r.state_holds],
            "state_holds": [r for r in requirements if r.state_holds],
            "fee_rules": fee_rules,
            "online_channel": Channel.ONLINE,
            "online_only_today": selectors.procedure_online_only_on(procedure=procedure, day=today),
            "online_only_days": selectors.procedure_upcoming_online_only_days(
                procedure=procedure, today=today
            ),
            "submit_url": submit_url_for(procedure),
            "can_propose": isinstance(request.user, User)
            and services._has_any_role(request.user, services.PROPOSER_ROLES),
            "panels": procedure_panels.render(request=request, obj=procedure),
        },
    )


def submit_url_for(procedure: Procedure) -> str:
    """Where "Nộp hồ sơ trực tuyến" leads: the dossiers app's start page once it exists."""
    if not procedure.offers_online:
        return ""
    try:
        return reverse("dossiers:start", kwargs={"code": procedure.code})
    except NoReverseMatch:
        return ""


def online_share(request: HttpRequest) -> HttpResponse:
    """Public page: share of procedures offered full-online, per agency and for the province."""
    return render(
        request,
        "procedures/online_share.html",
        {
            "province": selectors.online_share_province(),
            "agencies": selectors.online_share_by_agency(),
            "targets": FULL_ONLINE_TARGETS,
        },
    )


def _staff_with_role(request: HttpRequest, roles) -> User:
    """The signed-in user, if they hold one of `roles`; otherwise 403."""
    user = request.user
    if not isinstance(user, User) or not services._has_any_role(user, roles):
        raise PermissionDenied(_("Bạn không có quyền thực hiện việc này."))
    return user


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, code: str) -> HttpResponse:
    """Agency staff propose an online level for a procedure, with a reason."""
    user = _staff_with_role(request, services.PROPOSER_ROLES)
    procedure = get_object_or_404(Procedure, code=code)
    form = ProposalForm(request.POST or None, initial={"level": procedure.online_level})
    if request.method == "POST" and form.is_valid():
        try:
            services.online_level_propose(
                procedure=procedure,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
                by=user,
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã gửi đề xuất, chờ giám sát một cửa duyệt."))
            return redirect("procedures:classification")
    return render(request, "procedures/propose.html", {"procedure": procedure, "form": form})


@login_required
def classification(request: HttpRequest) -> HttpResponse:
    """Proposals: supervisors decide pending ones; proposers follow their own."""
    roles = (*services.PROPOSER_ROLES, *services.APPROVER_ROLES)
    user = _staff_with_role(request, roles)
    proposals = selectors.proposals_for(user=user)[:200]
    is_supervisor = services._has_any_role(user, services.APPROVER_ROLES)
    return render(
        request,
        "procedures/classification.html",
        {
            "proposals": proposals,
            "is_supervisor": is_supervisor,
            "decision_form": DecisionForm(),
            "pending": ProposalStatus.PENDING,
        },
    )


@login_required
@require_http_methods(["POST"])
def decide(request: HttpRequest, uuid) -> HttpResponse:
    user = _staff_with_role(request, services.APPROVER_ROLES)
    proposal = get_object_or_404(OnlineLevelProposal, uuid=uuid)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.online_level_decide(
                proposal=proposal,
                approve=form.cleaned_data["decision"] == "approve",
                by=user,
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã ghi nhận quyết định."))
    else:
        messages.error(request, _("Chọn duyệt hoặc không duyệt."))
    return redirect("procedures:classification")
