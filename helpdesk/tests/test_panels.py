"""Helpdesk's panels on other apps' pages: "rate this dossier" on the applicant's dossier page
(registered in dossiers.hooks) and the FAQ on the procedure page (procedures.hooks)."""

from django.urls import reverse
from django.utils import timezone

import pytest

from dossiers.constants import DossierStatus
from dossiers.tests.factories import make_cast, make_draft, place_in
from helpdesk import services
from helpdesk.models import DossierRating
from procedures.models import Procedure, ProcedureField

pytestmark = pytest.mark.django_db


def _dossier_page(client, user, dossier) -> str:
    client.force_login(user)
    response = client.get(reverse("dossiers:detail", kwargs={"uuid": dossier.uuid}))
    assert response.status_code == 200
    return response.content.decode()


def test_rating_link_once_the_result_is_returned(client):
    cast = make_cast()
    dossier = place_in(make_draft(cast), DossierStatus.RETURNED, returned_at=timezone.now())
    rate_url = reverse("helpdesk:dossier_rate", args=[dossier.code])
    page = _dossier_page(client, cast.citizen, dossier)
    assert f'href="{rate_url}"' in page
    assert 'id="rating-panel-title"' in page


@pytest.mark.parametrize("status", [DossierStatus.APPRAISING, DossierStatus.DONE])
def test_no_rating_link_before_the_return(client, status):
    cast = make_cast()
    dossier = place_in(make_draft(cast), status)
    page = _dossier_page(client, cast.citizen, dossier)
    assert reverse("helpdesk:dossier_rate", args=[dossier.code]) not in page
    assert 'id="rating-panel-title"' not in page


def test_no_rating_link_once_rated(client):
    cast = make_cast()
    dossier = place_in(make_draft(cast), DossierStatus.RETURNED, returned_at=timezone.now())
    DossierRating.objects.create(
        dossier=dossier,
        rated_by=cast.citizen,
        channel="web",
        agency=cast.competent,
        procedure_code=dossier.procedure_code,
        time_vs_deadline=5,
        contacts=5,
        information=5,
        attitude=5,
        lawfulness=5,
        explanation=5,
        average="5.00",
    )
    page = _dossier_page(client, cast.citizen, dossier)
    assert reverse("helpdesk:dossier_rate", args=[dossier.code]) not in page


def _published_question(citizen, officer, title: str = "Đăng ký thường trú cần giấy tờ gì?"):
    question = services.question_ask(
        asker=citizen,
        title=title,
        body="Tôi chuyển hộ khẩu từ Long An về Tây Ninh thì cần những giấy tờ gì?",
        procedure_code="1.004194",
    )
    services.question_answer(question=question, by=officer, answer="CT01.")
    return services.question_publish(question=question, by=officer, answer="CT01.")


def _procedure_url() -> str:
    field, _ = ProcedureField.objects.get_or_create(code="cu-tru", defaults={"name": "Cư trú"})
    Procedure.objects.get_or_create(
        code="1.004194", defaults={"name": "Đăng ký thường trú", "field": field}
    )
    return reverse("procedures:detail", args=["1.004194"])


def test_faq_panel_on_the_procedure_page(
    client, citizen, officer, django_capture_on_commit_callbacks
):
    url = _procedure_url()
    assert 'id="procedure-faq-title"' not in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the FAQ version is bumped on commit
        question = _published_question(citizen, officer)
    page = client.get(url).content.decode()
    assert 'id="procedure-faq-title"' in page
    assert reverse("helpdesk:faq_entry", args=[question.code]) in page


def test_a_cached_procedure_page_with_its_faq_makes_no_query(
    client, citizen, officer, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """The page comes from the catalogue's cache and its FAQ panel from the FAQ's (ADR 0350)."""
    url = _procedure_url()
    with django_capture_on_commit_callbacks(execute=True):
        question = _published_question(citizen, officer)
    client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert reverse("helpdesk:faq_entry", args=[question.code]) in again.content.decode()


def test_an_edited_question_changes_the_cached_faq_panel(
    client, citizen, officer, django_capture_on_commit_callbacks
):
    """Any write to a question (here an edit of its title, as the admin makes it; then its
    deletion) makes the panel stale once it commits."""
    url = _procedure_url()
    with django_capture_on_commit_callbacks(execute=True):
        question = _published_question(citizen, officer)
    assert "Đăng ký thường trú cần giấy tờ gì?" in client.get(url).content.decode()

    question.title = "Hồ sơ đăng ký thường trú gồm những gì?"
    with django_capture_on_commit_callbacks(execute=True):
        question.save(update_fields=["title"])
    page = client.get(url).content.decode()
    assert "Hồ sơ đăng ký thường trú gồm những gì?" in page
    assert "Đăng ký thường trú cần giấy tờ gì?" not in page

    with django_capture_on_commit_callbacks(execute=True):
        question.delete()
    assert 'id="procedure-faq-title"' not in client.get(url).content.decode()


def test_the_faq_panel_is_served_from_memory_and_this_process_sees_its_own_edit(
    client,
    settings,
    citizen,
    officer,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    """With PROCEDURES_VERSION_RECHECK_SECONDS the panel comes from this process's memory (no
    query, no round trip: the shared cache emptied does not matter); an edit made by this
    process shows at once."""
    from django.core.cache import cache

    from helpdesk.panels import FAQ_VERSION
    from procedures.search.versions import _process

    settings.PROCEDURES_VERSION_RECHECK_SECONDS = 60
    _process.forget()
    FAQ_VERSION._bump()  # nothing this process held before the test
    try:
        url = _procedure_url()
        with django_capture_on_commit_callbacks(execute=True):
            question = _published_question(citizen, officer)
        client.get(url)
        cache.clear()  # only the process's memory can answer now
        with django_assert_num_queries(0):
            again = client.get(url).content.decode()
        assert "Đăng ký thường trú cần giấy tờ gì?" in again
        question.title = "Hồ sơ đăng ký thường trú gồm những gì?"
        with django_capture_on_commit_callbacks(execute=True):
            question.save(update_fields=["title"])
        assert "Hồ sơ đăng ký thường trú gồm những gì?" in client.get(url).content.decode()
    finally:
        _process.forget()
        FAQ_VERSION._bump()
