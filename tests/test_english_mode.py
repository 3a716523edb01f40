"""Issue #26, English mode: the menu says "Procedures", the footer is English, and the national
catalogue's text (only published in Vietnamese) is marked lang="vi" with a note saying so."""

import re

from django.conf import settings
from django.utils import translation

import pytest

from procedures.tests.factories import import_records, national_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_vietnamese():
    """A request in English leaves English active in this thread (LocaleMiddleware activates,
    nothing deactivates): later tests must not inherit it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


NOTE = "only in Vietnamese; the official text is the Vietnamese one"


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_menu_and_footer_in_english(english):
    page = english.get("/").content.decode()
    assert re.search(r">\s*Procedures\s*<", page)
    footer = page.split('<footer class="site-footer')[1]
    assert "Tay Ninh Province Public Administrative Service Centre" in footer
    assert "Trung tâm Phục vụ" not in footer
    assert "Cổng Dịch vụ công" not in footer


def test_vietnamese_mode_keeps_the_vietnamese_footer(client):
    footer = client.get("/").content.decode().split('<footer class="site-footer')[1]
    assert "Trung tâm Phục vụ hành chính công tỉnh Tây Ninh" in footer


def test_procedure_text_is_marked_vietnamese_with_a_note_in_english(english):
    import_records(national_record("1.000001", "Đăng ký khai sinh"))
    page = english.get("/thu-tuc/1.000001/").content.decode()
    assert '<h1 id="procedure-title" class="h3" lang="vi">Đăng ký khai sinh</h1>' in page
    assert NOTE in page
    assert '<p lang="vi">60/2014/QH13</p>' in page
    catalogue = english.get("/thu-tuc/").content.decode()
    assert NOTE in catalogue
    assert 'lang="vi">Đăng ký khai sinh' in catalogue
    english.cookies["django_language"] = "vi"
    vietnamese = english.get("/thu-tuc/1.000001/").content.decode()
    assert "chỉ có bằng tiếng Việt" not in vietnamese  # no note in Vietnamese mode
