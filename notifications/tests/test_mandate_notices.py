"""A mandate's notices (ADR 0301): whoever must act next, or should know, is told in the inbox
and by their channels, with the link to the mandates page; rows in the mandate's transaction."""

from __future__ import annotations

import re

from django.db import transaction

import pytest

from accounts.constants import Role
from accounts.identity import mandate_consent, mandates
from accounts.tests.factories import CitizenFactory, StaffFactory
from notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db

MANDATES_URL = "/dinh-danh/uy-quyen/"


@pytest.fixture
def principal():
    return CitizenFactory(full_name="Nguyễn Thị Lành")


@pytest.fixture
def agent():
    return CitizenFactory(full_name="Võ Văn Hỗ Trợ", roles=[Role.CITIZEN, Role.COMMUNITY_HELPER])


def _inbox(user, event: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, event=event, channel="inbox"))


def _events(user) -> set[str]:
    return set(Notification.objects.filter(recipient=user).values_list("event", flat=True))


def test_an_offer_tells_the_person_named_where_to_accept(principal, agent):
    mandate = mandates.mandate_grant(principal=principal, agent=agent)
    (notice,) = _inbox(agent, "mandate_offered")
    assert "Nguyễn Thị Lành đề nghị ủy quyền cho bạn" in notice.subject
    assert MANDATES_URL in notice.body
    assert notice.reference == str(mandate.uuid)
    assert {"email", "sms"} <= set(
        Notification.objects.filter(recipient=agent, event="mandate_offered").values_list(
            "channel", flat=True
        )
    )
    assert _events(principal) == set()

    mandates.mandate_accept(mandate=mandate, agent=agent, accept=True)
    (in_force,) = _inbox(principal, "mandate_in_force")
    assert "Võ Văn Hỗ Trợ" in in_force.subject
    assert "Kính gửi Nguyễn Thị Lành" in in_force.body


def test_a_refused_offer_is_told_to_the_citizen(principal, agent):
    mandate = mandates.mandate_grant(principal=principal, agent=agent)
    mandates.mandate_accept(mandate=mandate, agent=agent, accept=False)
    assert len(_inbox(principal, "mandate_refused")) == 1


def test_a_request_tells_the_citizen_where_to_confirm_and_the_answer_goes_back(principal, agent):
    mandate = mandates.mandate_request(agent=agent, principal=principal)
    (notice,) = _inbox(principal, "mandate_requested")
    assert "Võ Văn Hỗ Trợ xin bạn ủy quyền" in notice.subject
    assert MANDATES_URL in notice.body
    assert _events(agent) == set()
    mandates.mandate_confirm(mandate=mandate, principal=principal, accept=True)
    assert len(_inbox(agent, "mandate_in_force")) == 1

    second = mandates.mandate_request(agent=agent, principal=principal, procedure_codes=["1.1"])
    mandates.mandate_confirm(mandate=second, principal=principal, accept=False)
    assert len(_inbox(agent, "mandate_refused")) == 1


def test_by_sms_code_the_code_is_the_request_and_the_citizen_keeps_the_record(agent):
    mandate = mandate_consent.mandate_request_by_sms(
        agent=agent, id_number="072150001234", full_name="Lê Văn Tám", phone="0912345678"
    )
    principal = mandate.principal
    assert not Notification.objects.filter(event="mandate_requested").exists()
    sms = Notification.objects.get(event="confirmation_code")
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)
    mandate_consent.mandate_confirm_by_code(mandate=mandate, agent=agent, code=code)
    channels = set(
        Notification.objects.filter(recipient=principal, event="mandate_in_force").values_list(
            "channel", flat=True
        )
    )
    # Their phone and their inbox; never the placeholder address of an account opened for them.
    assert channels == {"sms", "inbox"}


def test_a_revocation_tells_the_other_person_and_an_officers_tells_both(principal, agent):
    mandate = mandates.mandate_grant(principal=principal, agent=agent)
    mandates.mandate_accept(mandate=mandate, agent=agent, accept=True)
    mandates.mandate_revoke(mandate=mandate, by=principal)
    (notice,) = _inbox(agent, "mandate_revoked")
    assert "Nguyễn Thị Lành đã thu hồi ủy quyền" in notice.body
    assert not _inbox(principal, "mandate_revoked")

    other = mandates.mandate_grant(principal=principal, agent=agent, procedure_codes=["1.2"])
    mandates.mandate_accept(mandate=other, agent=agent, accept=True)
    officer = StaffFactory(full_name="Cán Bộ Một Cửa", roles=[Role.RECEPTION_OFFICER])
    mandates.mandate_revoke(mandate=other, by=officer)
    assert len(_inbox(agent, "mandate_revoked")) == 2
    (by_officer,) = _inbox(principal, "mandate_revoked")
    assert "Bộ phận Một cửa (cán bộ Cán Bộ Một Cửa) đã thu hồi" in by_officer.body


def test_a_counter_revocation_names_the_counter_in_each_persons_language(principal, agent):
    NotificationPreference.objects.update_or_create(user=agent, defaults={"language": "en"})
    mandate = mandates.mandate_grant(principal=principal, agent=agent)
    mandates.mandate_accept(mandate=mandate, agent=agent, accept=True)
    officer = StaffFactory(full_name="Cán Bộ Một Cửa", roles=[Role.RECEPTION_OFFICER])
    mandates.mandate_revoke(mandate=mandate, by=officer)
    (to_agent,) = _inbox(agent, "mandate_revoked")
    assert "One-stop counter (officer Cán Bộ Một Cửa) revoked the mandate" in to_agent.body
    (to_principal,) = _inbox(principal, "mandate_revoked")
    assert "Bộ phận Một cửa (cán bộ Cán Bộ Một Cửa) đã thu hồi" in to_principal.body


def test_no_notice_survives_a_mandate_change_that_rolls_back(principal, agent):
    def change_that_fails() -> None:
        with transaction.atomic():
            mandates.mandate_grant(principal=principal, agent=agent)
            assert _inbox(agent, "mandate_offered")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not Notification.objects.filter(event="mandate_offered").exists()


def test_the_inbox_page_links_to_the_mandates_page(
    client, principal, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # delivered after commit
        mandates.mandate_grant(principal=principal, agent=agent)
    (notice,) = _inbox(agent, "mandate_offered")
    client.force_login(agent)
    response = client.get(f"/thong-bao/{notice.uuid}/")
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert re.search(r'<a href="[^"]*/dinh-danh/uy-quyen/"', page)
