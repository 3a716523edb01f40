"""The front-end base: home page and its quick-search partial, error pages, layout, CSP."""

import dataclasses
import re

from django.test import override_settings
from django.urls import reverse

import pytest

from portal.entry_points import (
    ENTRY_POINTS,
    MY_PAGE_LINKS,
    EntryPoint,
    ResolvedEntryPoint,
    entry_points_matching,
    resolve,
)

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def test_home_page_has_search_entry_points_and_layout(client):
    html = client.get("/").content.decode()
    assert 'role="search"' in html
    assert 'action="/thu-tuc/"' in html  # the catalogue's search (named URL once it exists)
    for entry in ENTRY_POINTS:
        assert f'id="entry-{entry.key}"' in html
        assert str(entry.title) in html
    assert 'href="#main"' in html  # skip link
    assert "Ủy ban nhân dân tỉnh Tây Ninh" in html
    assert 'href="tel:1022"' in html  # footer hotline
    assert re.search(r'name="language"\s+value="en"', html)
    assert reverse("account_login") in html


def test_quick_search_returns_only_the_partial_to_htmx(client):
    response = client.get("/", {"q": "TRA CUU"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<div id="quick-results"')
    assert "<html" not in html
    assert "Tra cứu hồ sơ" in html
    assert "/thu-tuc/?q=TRA%20CUU" in html
    assert "HX-Request" in response["Vary"]


def test_quick_search_full_page_without_javascript_shows_the_same_region(client):
    html = client.get("/", {"q": "phản ánh"}).content.decode()
    assert "<html" in html
    region = html[html.index('id="quick-results"') :]
    assert "Phản ánh hiện trường 1022" in region[: region.index("</div>")]


def test_quick_search_suggests_matching_procedures_from_the_catalogue(client):
    from procedures.tests.factories import import_records, national_record

    import_records(national_record("1.001193", "Đăng ký khai sinh"))
    html = client.get("/", {"q": "dang ky khai sinh"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'href="/thu-tuc/1.001193/"' in html
    assert "Đăng ký khai sinh" in html


def test_quick_search_folds_accents_and_needs_every_word():
    titles = [str(r.entry.title) for r in entry_points_matching("hoi dap")]
    assert titles == ["Hỏi đáp"]
    assert entry_points_matching("tra cứu khai sinh xyz") == []
    assert entry_points_matching("   ") == []


def test_entry_point_without_its_page_is_marked_coming_not_linked(client, monkeypatch):
    """Until an app registers the URL name, its card is not a link to a 404."""
    unbuilt = EntryPoint(
        key="unbuilt",
        title="Dịch vụ chưa có",
        description="Chưa xây dựng.",
        icon="hourglass",
        url_name="khong_co:trang",
    )
    monkeypatch.setattr("portal.entry_points.ENTRY_POINTS", (*ENTRY_POINTS, unbuilt))
    html = client.get("/").content.decode()
    card = html[html.index('id="entry-unbuilt"') :]
    card = card[: card.index("</li>")]
    assert "Sắp ra mắt" in card
    assert "<a " not in card


def test_field_report_falls_back_to_the_hotline_until_its_page_exists():
    field_report = next(e for e in ENTRY_POINTS if e.key == "field_report")
    unbuilt = resolve(dataclasses.replace(field_report, url_name="khong_co:trang"))
    assert unbuilt == ResolvedEntryPoint(entry=unbuilt.entry, url="tel:1022", available=False)


def test_home_page_in_english_after_switching_language(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert re.search(r'name="language"\s+value="vi"', html)


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [("/khong-co-trang-nay/", 404, "Không tìm thấy trang")],
)
@override_settings(DEBUG=False)
def test_error_pages_are_vietnamese(client, path, status, heading):
    response = client.get(path)
    assert response.status_code == status
    assert heading in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/khong-co-trang-nay/",  # no URL pattern matches
        "/thu-tuc/9.999999/",  # the pattern matches; the view finds no such procedure
    ],
)
def test_with_debug_on_a_missing_page_still_gets_the_portal_404(settings, path):
    from django.test import Client

    settings.DEBUG = True  # `make run`; the middleware is loaded by the new client's handler
    response = Client().get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert "URLconf" not in html  # not Django's technical page
    assert Client().get("/thu-tuc").status_code == 301  # the missing slash is still added


def test_403_and_500_pages_render_in_vietnamese(rf):
    from django.contrib.auth.models import AnonymousUser

    from portal.views import error_403, error_500

    request = rf.get("/")
    request.user = AnonymousUser()
    assert "Bạn không có quyền xem trang này" in error_403(request).content.decode()
    response = error_500(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Hệ thống đang gặp sự cố" in html
    assert "1022" in html


@override_settings(DEBUG=False)
def test_unhandled_error_gives_the_500_page(client, settings):
    client.raise_request_exception = False
    settings.ROOT_URLCONF = "tests.urls_boom"
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()


def test_expired_form_gets_the_vietnamese_csrf_page():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in response.content.decode()


def test_flash_messages_are_shown_and_errors_are_alerts():
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = {}
    storage = FallbackStorage(request)
    storage.add(20, "Đã lưu hồ sơ nháp.")
    storage.add(40, "Không gửi được hồ sơ.")
    html = render_to_string("includes/messages.html", {"messages": storage})
    assert 'class="alert alert-success"' not in html  # info level stays info
    assert 'class="alert alert-info"' in html
    assert 'class="alert alert-danger"' in html
    assert 'role="alert"' in html
    assert "Không gửi được hồ sơ." in html


@pytest.mark.parametrize("path", ["/", "/offline/", "/khong-co/", "/accounts/login/"])
def test_pages_have_no_inline_script_or_style(client, path):
    """The CSP forbids inline code: a page that relied on it would break in the browser."""
    html = client.get(path).content.decode()
    assert not INLINE_SCRIPT.findall(html), INLINE_SCRIPT.findall(html)
    assert not INLINE_STYLE.findall(html), INLINE_STYLE.findall(html)


def test_csp_header_forbids_inline_scripts_and_styles(client):
    policy = client.get("/")["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_my_page_needs_login_and_greets_the_citizen(client, citizen):
    assert client.get("/trang-cua-toi/").status_code == 302
    client.force_login(citizen)
    html = client.get("/trang-cua-toi/").content.decode()
    assert f"Xin chào, {citizen.full_name}." in html
    assert "Đăng xuất" in html


def test_my_page_links_only_to_pages_that_exist(client, citizen, monkeypatch):
    unbuilt = EntryPoint(
        key="unbuilt", title="Chưa có", description="", icon="x", url_name="khong_co:trang"
    )
    monkeypatch.setattr("portal.entry_points.MY_PAGE_LINKS", (*MY_PAGE_LINKS, unbuilt))
    client.force_login(citizen)
    html = client.get("/trang-cua-toi/").content.decode()
    assert 'id="my-unbuilt"' not in html
    shown = [link for link in MY_PAGE_LINKS if f'id="my-{link.key}"' in html]
    assert shown, "at least the profile page exists"
    for link in shown:
        assert f'href="{reverse(link.url_name)}"' in html


def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".png")
    assert "icon-192" in response["Location"]
