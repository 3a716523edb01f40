"""Whole catalogue pages kept for anonymous visitors (common.page_cache, ADR 0231)."""

import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from procedures.hooks import procedure_panels

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_catalogue")]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_cached_page_carries_each_visitors_own_csrf_token(client, django_assert_num_queries):
    from django.test import Client

    client.get("/thu-tuc/1.004222/")
    other = Client()
    with django_assert_num_queries(0):  # the helpdesk's FAQ panel is cached too (ADR 0350)
        second = other.get("/thu-tuc/1.004222/")
    token = TOKEN.search(second.content.decode()).group(1)
    assert "__csrf-token-of-this-visitor__" not in second.content.decode()
    # The token works with the cookie this visitor was given: the language switch accepts it.
    other.enforce_csrf_checks = True
    other.handler.enforce_csrf_checks = True
    forged = {"language": "en", "next": "/", "csrfmiddlewaretoken": "x" * 64}
    assert other.post("/i18n/setlang/", forged).status_code == 403
    switched = other.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302


def test_panels_are_rendered_for_each_visitor_on_a_cached_page(client):
    answers = iter(["<p>first answer</p>", "<p>second answer</p>"])
    procedure_panels.register("test_changing", order=999)(
        lambda *, request, procedure: next(answers)
    )
    try:
        assertContains(client.get("/thu-tuc/1.004222/"), "first answer")
        again = client.get("/thu-tuc/1.004222/")
        assertContains(again, "second answer")
        assertNotContains(again, "first answer")
    finally:
        procedure_panels.unregister("test_changing")


def test_a_signed_in_visitor_gets_their_own_header(client, citizen):
    client.get("/thu-tuc/?q=khai+sinh")  # cached for anonymous visitors
    client.force_login(citizen)
    mine = client.get("/thu-tuc/?q=khai+sinh")
    assertContains(mine, "/thong-bao/")  # the bell: a page for this citizen, not the cached one
    assertContains(mine, "1.001193")


def test_a_waiting_message_is_shown_not_a_cached_page(client):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    client.get("/thu-tuc/1.004222/")
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Đã gửi phản ánh")])
    assertContains(client.get("/thu-tuc/1.004222/"), "Đã gửi phản ánh")


def test_a_process_serves_recent_pages_from_memory_and_sees_another_process_change(
    client, settings, django_assert_num_queries
):
    """With PROCEDURES_VERSION_RECHECK_SECONDS a page is served from this process's memory;
    a version bumped by another process is seen once the recheck interval has passed."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from procedures.constants import CATALOGUE_VERSION_KEY
    from procedures.search.versions import _process

    settings.PROCEDURES_VERSION_RECHECK_SECONDS = 60
    _process.forget()
    try:
        client.get("/thu-tuc/?q=khai+sinh")
        cache.clear()  # nothing left in the shared cache: only the process's memory can answer
        with django_assert_num_queries(0):
            again = client.get("/thu-tuc/?q=khai+sinh")
        assertContains(again, "1.001193")
        cache.set(CATALOGUE_VERSION_KEY, 12345, timeout=None)  # another process's change
        _process.read_at -= 61  # the interval has passed
        with CaptureQueriesContext(connection) as queries:
            assertContains(client.get("/thu-tuc/?q=khai+sinh"), "1.001193")
        assert queries.captured_queries  # a new version: searched and read again
        assert _process.version == 12345
    finally:
        _process.forget()
