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


def test_faq_panel_on_the_procedure_page(client, citizen, officer):
    field, _ = ProcedureField.objects.get_or_create(code="cu-tru", defaults={"name": "Cư trú"})
    Procedure.objects.create(code="1.004194", name="Đăng ký thường trú", field=field)
    url = reverse("procedures:detail", args=["1.004194"])
    assert 'id="procedure-faq-title"' not in client.get(url).content.decode()

    question = services.question_ask(
        asker=citizen,
        title="Đăng ký thường trú cần giấy tờ gì?",
        body="Tôi chuyển hộ khẩu từ Long An về Tây Ninh thì cần những giấy tờ gì?",
        procedure_code="1.004194",
    )
    services.question_answer(question=question, by=officer, answer="CT01.")
    services.question_publish(question=question, by=officer, answer="CT01.")
    page = client.get(url).content.decode()
    assert 'id="procedure-faq-title"' in page
    assert reverse("helpdesk:faq_entry", args=[question.code]) in page
