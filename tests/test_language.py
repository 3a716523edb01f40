"""The portal speaks Vietnamese unless the visitor chose English with the switch."""

import pytest


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"
    assert "Dịch vụ công" in response.content.decode()


@pytest.mark.django_db
def test_the_switch_sets_english_for_later_pages(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/")
    assert page.headers["Content-Language"] == "en"
    assert "Administrative procedures" in page.content.decode()


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_vietnamese(client):
    client.cookies["django_language"] = "fr"
    assert client.get("/").headers["Content-Language"] == "vi"
