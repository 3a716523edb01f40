import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts.models import User
from common.exceptions import ApplicationError
from common.page_cache import page_for_visitors
from procedures import selectors, services
from procedures.constants import (
    ARTICLE_SECONDS,
    FULL_ONLINE_TARGETS,
    SEARCH_PAGE_SIZE,
    ProposalStatus,
    RequirementKind,
)
from procedures.forms import CatalogueSearchForm, DecisionForm, ProposalForm
from procedures.hooks import procedure_panels
from procedures.models import OnlineLevelProposal, Procedure


@vary_on_headers("HX-Request")
def catalogue(request: HttpRequest) -> HttpResponse:
    """The public catalogue: full page, or only the `#results` partial for htmx live search."""
    raw_page = request.GET.get("page", "1")
    number = int(raw_page) if raw_page.isdigit() and int(raw_page) > 0 else 1
    query = request.GET.copy()
    query.pop("page", None)
    form = functools.cache(lambda: CatalogueSearchForm(request.GET or None))
    # The results before the form: their cache entry and the catalogue version come in one round
    # trip; the form (its choices are read per catalogue version) is built after, or on a miss.
    results = functools.cache(
        lambda: catalogue_results(lambda: _valid_filters(form()), number, query.urlencode())
    )
    if getattr(request, "htmx", False):
        return HttpResponse(results())

    def render_page() -> HttpResponse:
        page_results = results()
        _valid_filters(form())  # the errors are shown next to their field
        context = {"form": form(), "results": page_results}
        return render(request, "procedures/catalogue.html", context)

    seconds = settings.PROCEDURES_SEARCH_CACHE_SECONDS
    if not seconds:
        return render_page()
    # Anonymous visitors get the whole page from the cache, like the results it shows.
    parts = ("page", request.get_full_path(), get_language())
    return page_for_visitors(
        request, lambda build: selectors.catalogue_cached(parts, build, seconds), render_page
    )


def _valid_filters(form: CatalogueSearchForm) -> selectors.CatalogueFilters:
    if form.is_bound:
        form.is_valid()  # errors are shown next to their field; valid filters still apply
    return form.filters()


def catalogue_results(
    filters: Callable[[], selectors.CatalogueFilters], number: int, querystring: str
) -> SafeString:
    """The HTML of one page of results (the `#results` section). Kept in the cache like the
    search results themselves (PROCEDURES_SEARCH_CACHE_SECONDS, under the catalogue version):
    the same queries come back all day, and rendering twenty rows costs more than finding them."""
    seconds = settings.PROCEDURES_SEARCH_CACHE_SECONDS
    build = lambda: _render_results(filters(), number, querystring)  # noqa: E731
    if not seconds:
        return mark_safe(build())  # noqa: S308 — our own template's output
    parts = ("results", get_language(), querystring, number)
    return mark_safe(selectors.catalogue_cached(parts, build, seconds))  # noqa: S308 — ditto


def _render_results(filters: selectors.CatalogueFilters, number: int, querystring: str) -> str:
    result = selectors.procedure_search_page(
        filters=filters, page=number, per_page=SEARCH_PAGE_SIZE
    )
    if not result.items and number > 1:  # past the end: show the last page, as get_page would
        last = max(1, -(-result.count // SEARCH_PAGE_SIZE))
        result = selectors.procedure_search_page(
            filters=filters, page=last, per_page=SEARCH_PAGE_SIZE
        )
    page = result.as_django_page()
    # The words the results were found with (a typo's correction included), not the raw query.
    page.object_list = [replace(entry, name_html=result.highlight(entry.name)) for entry in page]
    return render_to_string(
        "procedures/includes/results.html",
        {"page": page, "q": filters.q, "querystring": querystring},
    )


def detail(request: HttpRequest, code: str) -> HttpResponse:
    """A procedure's public page. What the catalogue says is rendered once per catalogue version,
    language and day and kept in the cache (`procedure_article`); only the panels of other apps
    and the staff's link are rendered for each visitor."""
    procedure = ProcedureByCode(code)

    def render_page() -> HttpResponse:
        page = procedure_article(code)
        if page is None:
            raise Http404(_("Không tìm thấy thủ tục."))
        return render(
            request,
            "procedures/detail.html",
            {
                "code": code,
                "title": page["name"],
                "article": mark_safe(page["html"]),  # noqa: S308 — our own template's output
                "can_propose": isinstance(request.user, User)
                and services._has_any_role(request.user, services.PROPOSER_ROLES),
                "panels": panels(),
            },
        )

    def panels() -> SafeString:
        html = "".join(procedure_panels.render(request=request, obj=procedure))
        return mark_safe(html)  # noqa: S308 — each panel is template output (procedures.hooks)

    # Anonymous visitors get the whole page from the cache (one round trip with the catalogue
    # version; an unknown code is answered 404 by render_page and nothing is kept); the panels
    # of other apps (their data is not the catalogue's) are rendered again for each.
    parts = ("page", request.get_full_path(), get_language(), timezone.localdate().isoformat())
    return page_for_visitors(
        request,
        lambda build: selectors.catalogue_cached(parts, build, ARTICLE_SECONDS),
        render_page,
        fragment=panels,
    )


def procedure_article(code: str) -> dict[str, str] | None:
    """{"name", "html"} of the catalogue part of a procedure's page, or None when no procedure
    has that code. Cached under a key carrying the catalogue version (every catalogue change
    bumps it), the language and the day (fee rules and online-only days depend on it)."""
    if not selectors.catalogue_has_code(code):
        return None
    today = timezone.localdate()
    parts = ("article", code, get_language(), today.isoformat())
    return selectors.catalogue_cached(parts, lambda: _render_article(code, today), ARTICLE_SECONDS)


def _state_holds(requirement: Any) -> bool:
    """Flagged by the province, or read as information the agency looks up (ADR 0260)."""
    return requirement.state_holds or requirement.kind == RequirementKind.STATE_HELD


def _render_article(code: str, today: dt.date) -> dict[str, str]:
    procedure = selectors.procedure_get(code=code)
    if procedure is None:  # deleted since the check: nothing is cached that says otherwise
        raise Http404(_("Không tìm thấy thủ tục."))
    requirements = list(procedure.requirements.all())
    fee_rules = [
        rule
        for rule in procedure.fee_rules.all()
        if (rule.valid_from is None or rule.valid_from <= today)
        and (rule.valid_to is None or rule.valid_to >= today)
    ]
    # Rendered without the request: nothing in it may depend on the visitor, and its icons are
    # drawn inline (a cache hit could not add them to the page's sprite).
    html = render_to_string(
        "procedures/includes/detail_article.html",
        {
            "procedure": procedure,
            "channels": list(procedure.channels.all()),
            "to_bring": [r for r in requirements if not _state_holds(r)],
            "state_holds": [r for r in requirements if _state_holds(r)],
            "fee_rules": fee_rules,
            "online_only_today": selectors.procedure_online_only_on(procedure=procedure, day=today),
            "online_only_days": selectors.procedure_upcoming_online_only_days(
                procedure=procedure, today=today
            ),
            "submit_url": submit_url_for(procedure),
        },
    )
    return {"name": procedure.name, "html": html}


class ProcedureByCode:
    """The procedure a page is about, for the panels of other apps: its code at once, the rest
    of the row read only if a panel asks for it (most need only the code)."""

    def __init__(self, code: str) -> None:
        self.code = code

    @cached_property
    def _procedure(self) -> Procedure:
        return Procedure.objects.get(code=self.code)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_procedure":
            raise AttributeError(name)
        return getattr(self._procedure, name)


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
