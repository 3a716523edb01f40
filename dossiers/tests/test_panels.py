"""The dossier page's panel hook: higher apps' panels render in order, and a panel with nothing
to show (None) or one that fails leaves no trace on the page."""

from django.urls import reverse

import pytest

from dossiers.constants import DossierStatus
from dossiers.hooks import dossier_panels
from dossiers.tests.factories import make_cast, make_draft, place_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def test_panels():
    keys = ["test_second", "test_first", "test_silent", "test_broken"]

    def second(*, request, dossier):
        return f"<p>second panel {dossier.code}</p>"

    def first(*, request, dossier):
        return "<p>first panel</p>"

    def broken(*, request, dossier):
        raise RuntimeError("panel bug")

    dossier_panels.register("test_second", order=900)(second)
    dossier_panels.register("test_first", order=899)(first)
    dossier_panels.register("test_silent", order=901)(lambda *, request, dossier: None)
    dossier_panels.register("test_broken", order=902)(broken)
    yield
    for key in keys:
        dossier_panels.unregister(key)


def test_registered_panels_render_in_order_on_the_applicant_page(client, test_panels, caplog):
    cast = make_cast()
    dossier = place_in(make_draft(cast), DossierStatus.APPRAISING)
    client.force_login(cast.citizen)
    response = client.get(reverse("dossiers:detail", kwargs={"uuid": dossier.uuid}))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("<p>first panel</p>") < page.index(f"<p>second panel {dossier.code}</p>")
    assert "panel bug" not in page
    assert "dossier panel 'test_broken' failed" in caplog.text


def test_a_key_is_registered_once():
    dossier_panels.register("test_once")(lambda *, request, dossier: None)
    try:
        with pytest.raises(ValueError, match="already registered"):
            dossier_panels.register("test_once")(lambda *, request, dossier: None)
    finally:
        dossier_panels.unregister("test_once")
