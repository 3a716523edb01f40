"""axe-core on every public and citizen page and the main staff pages (WCAG 2.1 A/AA), and no
horizontal scroll at 360 px on the same pages.

One browser sweep per audience (signed out, citizen, staff with MFA) over real data made by the
apps' services, so the pages show what users see. Failures are collected per page and reported
together.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

import pytest

from tests.a11y.conftest import context_for
from tests.security.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 360


def _url(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None  # a page another helper has not mounted yet


def public_pages(w: World) -> list[str]:
    return [
        "/",
        "/thu-tuc/",
        f"/thu-tuc/{w.procedure.code}/",
        "/thu-tuc/ty-le-truc-tuyen/",
        "/ho-so/tra-cuu/",
        f"/ho-so/tra-cuu/?code={w.dossier.code}",
        "/phan-anh/",
        "/phan-anh/xac-minh/",
        "/phan-anh/tra-cuu/",
        "/phan-anh/hoi-dap/",
        "/phan-anh/kiosk/danh-gia/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/dinh-danh/quyen-rieng-tu/",
        "/verify/",
        "/offline/",
        _url("stats:public"),
    ]


def citizen_pages(w: World) -> list[str]:
    return [
        "/trang-cua-toi/",
        "/ho-so/",
        f"/ho-so/{w.dossier.uuid}/",
        f"/ho-so/{w.dossier.uuid}/da-nop/",
        f"/ho-so/{w.draft.uuid}/buoc/nguoi-nop/",
        f"/ho-so/bat-dau/{w.procedure.code}/",
        "/kho-du-lieu/",
        "/kho-du-lieu/tai-len/",
        f"/kho-du-lieu/{w.document.uuid}/",
        f"/kho-du-lieu/{w.document.uuid}/xoa/",
        f"/kho-du-lieu/to-chuc/{w.org.uuid}/",
        "/thong-bao/",
        f"/thong-bao/{w.notification.uuid}/",
        "/thong-bao/tuy-chon/",
        "/thanh-toan/",
        f"/thanh-toan/ho-so/{w.dossier.code}/",
        f"/thanh-toan/giao-dich/{w.payment.uuid}/",
        "/tai-khoan/ho-so/",
        "/dinh-danh/",
        "/dinh-danh/uy-quyen/",
        "/dinh-danh/uy-quyen/xin/",
        f"/dinh-danh/to-chuc/{w.org.uuid}/",
        "/dinh-danh/du-lieu-ca-nhan/",
        "/phan-anh/gui/",
        "/phan-anh/cua-toi/",
        f"/phan-anh/tra-cuu/{w.report.code}/",
        "/phan-anh/hoi-dap/dat-cau-hoi/",
        "/phan-anh/hoi-dap/cua-toi/",
        f"/phan-anh/danh-gia-ho-so/{w.returned_dossier.code}/",
        "/accounts/email/",
        "/accounts/password/change/",
    ]


def staff_pages(w: World) -> list[tuple[str, str]]:
    """(actor, url): the main pages of each back-office role."""
    return [
        ("reception", _url("office:workspace")),
        ("reception", _url("office:detail", uuid=w.dossier.uuid)),
        ("reception", _url("office:counter")),
        ("reception", f"/thanh-toan/can-bo/ho-so/{w.dossier.code}/"),
        ("reception", "/thanh-toan/can-bo/bao-cao-doi-soat/"),
        ("reception", "/thu-tuc/phan-loai/"),
        ("reception", f"/thu-tuc/{w.procedure.code}/de-xuat/"),
        ("processing", _url("office:workspace")),
        ("head", _url("office:workspace")),
        ("supervisor", _url("metrics_office:dashboard")),
        ("supervisor", "/dinh-danh/yeu-cau-du-lieu/"),
        ("supervisor", _url("metrics_office:dossiers")),
        ("supervisor", _url("integrations:sync_failures")),
        ("supervisor", "/thu-tuc/phan-loai/"),
        ("helpdesk", "/phan-anh/xu-ly/"),
        ("helpdesk", f"/phan-anh/xu-ly/{w.report.code}/"),
        ("helpdesk", "/phan-anh/xu-ly/tiep-nhan/"),
        ("helpdesk", "/phan-anh/hoi-dap/xu-ly/"),
        ("helpdesk", f"/phan-anh/hoi-dap/xu-ly/{w.question.code}/"),
        ("supervisor", "/thong-bao/can-bo/nhat-ky/"),
    ]


def _sweep(browser, live_server, axe, urls, user=None, *, staff=False) -> list:
    problems = []
    wide = context_for(browser, live_server, user, staff=staff)
    phone = context_for(browser, live_server, user, staff=staff, width=PHONE_WIDTH)
    page, small = wide.new_page(), phone.new_page()
    for url in urls:
        if url is None:
            continue
        response = page.goto(live_server.url + url)
        if response is None or response.status >= 400:
            problems.append((url, f"HTTP {response.status if response else '?'}"))
            continue
        violations = axe(page)
        if violations:
            problems.append((url, violations))
        small.goto(live_server.url + url)
        scroll, client = small.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            problems.append((url, f"horizontal scroll at {PHONE_WIDTH}px: {scroll} > {client}"))
    wide.close()
    phone.close()
    return problems


@pytest.fixture
def world(no_virus_scanner):
    return World()


def test_public_pages(browser, live_server, axe, world):
    assert _sweep(browser, live_server, axe, public_pages(world)) == []


def test_citizen_pages(browser, live_server, axe, world):
    for thing in ("report", "question", "mandate", "payment", "notification"):
        getattr(world, thing)
    assert _sweep(browser, live_server, axe, citizen_pages(world), world.owner) == []


def test_main_staff_pages(browser, live_server, axe, world):
    world.payment  # noqa: B018
    world.privacy_request  # noqa: B018
    problems = []
    by_actor: dict[str, list[str]] = {}
    for actor, url in staff_pages(world):
        by_actor.setdefault(actor, []).append(url)
    for actor, urls in by_actor.items():
        user = world.user_for(actor)
        problems += [(actor, *p) for p in _sweep(browser, live_server, axe, urls, user, staff=True)]
    assert problems == []


# --- every page without parameters, found in the URL resolver ----------------------------------

SKIP_PREFIXES = (
    "admin/",
    "api/",
    "accounts/3rdparty",
    "accounts/social",
    "accounts/2fa",
    "accounts/logout",
    "accounts/reauthenticate",
    "i18n/",
    "jsi18n/",
)
SKIP_PARTS = ("mo-phong", "gia-lap", "csc/", "xuat", "ipn", "callback", "sw.js", "manifest")


def discovered_pages() -> list[str]:
    """Every route without a parameter that could be an HTML page (new pages join by
    themselves)."""
    from tests.security.routes import all_routes

    pages = []
    for route in all_routes():
        path = route.path
        if route.params or "^" in path or "(?" in path:
            continue
        if path.startswith(SKIP_PREFIXES) or any(part in path for part in SKIP_PARTS):
            continue
        if path.endswith((".json", ".pdf", ".xlsx", ".csv", "healthz")):
            continue
        pages.append("/" + path)
    return sorted(set(pages))


def _html_sweep(browser, live_server, axe, urls, user=None, *, staff=False) -> list:
    """Like `_sweep`, but a page that refuses this visitor or is not HTML is skipped."""
    problems = []
    wide = context_for(browser, live_server, user, staff=staff)
    phone = context_for(browser, live_server, user, staff=staff, width=PHONE_WIDTH)
    page, small = wide.new_page(), phone.new_page()
    from playwright.sync_api import Error as PlaywrightError

    for url in urls:
        try:
            response = page.goto(live_server.url + url)
        except PlaywrightError:  # an empty error answer, e.g. 405 on a POST-only route
            continue
        if response is None or response.status != 200:
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if "<html" not in response.text()[:2000].lower():
            continue  # an htmx fragment (the bell, a search partial), not a page
        violations = axe(page)
        if violations:
            problems.append((page.url, violations))
        small.goto(live_server.url + url)
        scroll, client = small.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            problems.append((url, f"horizontal scroll at {PHONE_WIDTH}px: {scroll} > {client}"))
    wide.close()
    phone.close()
    return problems


def test_every_discovered_page_signed_out_and_as_a_citizen(browser, live_server, axe, world):
    urls = discovered_pages()
    assert "/" in urls
    assert len(urls) > 30
    problems = _html_sweep(browser, live_server, axe, urls)
    problems += [("citizen", *p) for p in _html_sweep(browser, live_server, axe, urls, world.owner)]
    assert problems == []
