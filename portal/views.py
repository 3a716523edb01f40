import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from accounts.http import AuthenticatedHttpRequest
from accounts.selectors import user_is_staff_member
from common.http import HtmxHttpRequest
from portal.celery import app
from portal.entry_points import (
    entry_points,
    entry_points_matching,
    my_page_links,
    procedures_search_url,
)
from portal.work import staff_work
from procedures.selectors import CatalogueFilters, procedure_search_page

logger = logging.getLogger(__name__)

QUERY_MAX_LENGTH = 200
PROCEDURE_SUGGESTIONS = 5


@require_safe
@vary_on_headers("HX-Request")
def home(request: HtmxHttpRequest) -> HttpResponse:
    """The home page; an htmx request gets only the quick-results partial (see docs/architecture.md)."""
    query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    context = {
        "entry_points": entry_points(),
        "query": query,
        "quick_results": entry_points_matching(query),
        "procedure_suggestions": _procedure_suggestions(query),
        "search_url": procedures_search_url(),
    }
    template = "portal/home.html#quick-results" if request.htmx else "portal/home.html"
    return render(request, template, context)


def _procedure_suggestions(query: str) -> list:
    """The catalogue's best matches for the home page's quick search (ranked by the catalogue)."""
    if not query:
        return []
    filters = CatalogueFilters(q=query)
    return procedure_search_page(filters=filters, page=1, per_page=PROCEDURE_SUGGESTIONS).items


@login_required
def work(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A staff member's home ("Việc của tôi"); a citizen has none and goes to their own page."""
    if not user_is_staff_member(user=request.user):
        return redirect("portal:my_page")
    return render(request, "portal/work.html", {"work": staff_work(request.user)})


@login_required
def my_page(request: HttpRequest) -> HttpResponse:
    context = {"links": my_page_links(), "search_url": procedures_search_url()}
    return render(request, "portal/my_page.html", context)


def _probe(name: str, check) -> dict:
    try:
        check()
        return {"ok": True}
    except Exception as exc:  # a health check reports, it never raises
        logger.warning("health check %s failed: %s", name, exc)
        return {"ok": False, "error": exc.__class__.__name__}


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    cache.set("healthz", "1", 5)
    if cache.get("healthz") != "1":
        raise RuntimeError("cache did not return what was written")


def _check_broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # in-process tasks: there is no broker to reach

    with app.connection_for_write() as conn:
        # One try, no back-off sleep: a probe must answer fast.
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": _probe("database", _check_database),
        "cache": _probe("cache", _check_cache),
        "broker": _probe("broker", _check_broker),
    }
    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"]["mode"] = "eager"
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks},
        status=200 if healthy else 503,
    )


@cache_control(max_age=86400, public=True)
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": str(settings.PORTAL_NAME),
        "short_name": "DVC Tây Ninh",
        "description": _("Nộp hồ sơ, tra cứu và nhận kết quả thủ tục hành chính trực tuyến."),
        "lang": request.LANGUAGE_CODE,
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5394",
        "categories": ["government"],
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/icon-512-maskable.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@cache_control(max_age=0, no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(request, "portal/sw.js", content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response


def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/offline.html")


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with an expired or missing CSRF token: say so in Vietnamese, keep it a 403."""
    return render(request, "403_csrf.html", status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    """Rendered without context processors: the failure may be the database or the session."""
    context = {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "HOTLINE_1022": settings.HOTLINE_1022,
        "CONTACT_PHONE": settings.CONTACT_PHONE,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
    }
    return HttpResponse(loader.get_template("500.html").render(context), status=500)


def favicon(request: HttpRequest) -> HttpResponse:
    """`/favicon.ico`, asked for by browsers and crawlers whatever the page links: the site icon
    (resolved per request: the hashed static name exists only after collectstatic)."""
    return HttpResponsePermanentRedirect(static("img/icon-192.png"))
